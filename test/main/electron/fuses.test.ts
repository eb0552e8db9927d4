import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  FUSES,
  afterPack,
  electronBinaryPath,
  fuseConfig,
  type AfterPackContext
} from '../../../.ci/fuses.mjs'

/** @electron/fuses 1.8.0 src/config.ts: enum FuseV1Options and FuseVersion.V1, copied by hand. */
const FuseV1Options = {
  RunAsNode: 0,
  EnableCookieEncryption: 1,
  EnableNodeOptionsEnvironmentVariable: 2,
  EnableNodeCliInspectArguments: 3,
  EnableEmbeddedAsarIntegrityValidation: 4,
  OnlyLoadAppFromAsar: 5,
  LoadBrowserProcessSpecificV8Snapshot: 6,
  GrantFileProtocolExtraPrivileges: 7
}
const FuseVersion = { V1: '1' }

const linux: AfterPackContext = {
  appOutDir: '/build/dist/linux-unpacked',
  electronPlatformName: 'linux',
  packager: { appInfo: { productFilename: 'PAMT Planner' }, executableName: 'pamt-planner' }
}

describe('the fuse set', () => {
  it('turns RunAsNode, NODE_OPTIONS, inspect arguments and file: privileges off; cookie encryption, ASAR integrity and app-from-ASAR on', () => {
    expect(FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false
    })
  })

  it('keys the flipFuses config by the enum indices and leaves the V8 snapshot fuse alone', () => {
    // Indices from the enum above: 0 off, 1 on, 2 off, 3 off, 4 on, 5 on, (6 unset), 7 off.
    expect(fuseConfig(FuseV1Options, FuseVersion.V1)).toEqual({
      version: '1',
      0: false,
      1: true,
      2: false,
      3: false,
      4: true,
      5: true,
      7: false
    })
  })

  it('fails loudly when the installed @electron/fuses lacks a fuse it should set', () => {
    // An older package, without the file: privileges fuse (index 7).
    const older: Record<string, number> = { ...FuseV1Options }
    delete older['GrantFileProtocolExtraPrivileges']
    expect(() => fuseConfig(older, '1')).toThrow(
      '@electron/fuses has no fuse named GrantFileProtocolExtraPrivileges'
    )
  })
})

describe('electronBinaryPath', () => {
  it('is <appOutDir>/<executableName> on Linux', () => {
    expect(electronBinaryPath(linux)).toBe(join('/build/dist/linux-unpacked', 'pamt-planner'))
  })

  it('is the .app bundle on macOS and the .exe on Windows', () => {
    const mac = { ...linux, appOutDir: '/b/mac', electronPlatformName: 'darwin' }
    const win = { ...linux, appOutDir: '/b/win', electronPlatformName: 'win32' }
    expect(electronBinaryPath(mac)).toBe(join('/b/mac', 'PAMT Planner.app'))
    expect(electronBinaryPath(win)).toBe(join('/b/win', 'PAMT Planner.exe'))
  })
})

describe('afterPack', () => {
  it('flips the fuse set on the packed Linux binary, once', async () => {
    const flipFuses = vi.fn(async () => 1)
    await afterPack(linux, async () => ({ flipFuses, FuseV1Options, FuseVersion }))
    expect(flipFuses).toHaveBeenCalledTimes(1)
    expect(flipFuses).toHaveBeenCalledWith(join('/build/dist/linux-unpacked', 'pamt-planner'), {
      version: '1',
      resetAdHocDarwinSignature: false,
      0: false,
      1: true,
      2: false,
      3: false,
      4: true,
      5: true,
      7: false
    })
  })
})
