// electron-builder `afterPack` hook (package.json "build".afterPack): flips the Electron fuses in
// the packaged binary before anything signs it. Run at packaging time only (`npm run build:linux`).
// Fuses are bits in the Electron binary that no flag or environment variable can turn back:
// https://www.electronjs.org/docs/latest/tutorial/fuses (option indices: @electron/fuses 1.8.0
// src/config.ts, enum FuseV1Options; the 1.x line electron-builder 26 itself uses, for Node 20).
import { join } from 'node:path'

/** The fuses this app sets, by FuseV1Options name; the others keep Electron's defaults. */
export const FUSES = Object.freeze({
  // `ELECTRON_RUN_AS_NODE=1 pamt-planner` would otherwise run any script as plain Node.
  RunAsNode: false,
  // Chromium encrypts the cookie store with the OS keychain (macOS and Windows; see the docs).
  EnableCookieEncryption: true,
  // NODE_OPTIONS (e.g. --require evil.js) is ignored.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect, --inspect-brk and friends are ignored: no debugger attaches to the main process.
  EnableNodeCliInspectArguments: false,
  // app.asar's header hash is checked at start (macOS >= 16, Windows >= 30; Linux: no effect yet).
  EnableEmbeddedAsarIntegrityValidation: true,
  // The app loads only from app.asar, not from an app/ folder planted beside it.
  OnlyLoadAppFromAsar: true,
  // The window loads app://bundle, not file://: file: pages need none of their extra privileges.
  GrantFileProtocolExtraPrivileges: false
})

/**
 * The flipFuses config: FUSES keyed by the installed package's enum values.
 * @param {Record<string, number>} fuseV1Options the FuseV1Options enum
 * @param {string} v1 FuseVersion.V1
 */
export function fuseConfig(fuseV1Options, v1) {
  /** @type {Record<string, unknown>} */
  const config = { version: v1 }
  for (const [name, on] of Object.entries(FUSES)) {
    const index = fuseV1Options[name]
    if (typeof index !== 'number') throw new Error(`@electron/fuses has no fuse named ${name}`)
    config[index] = on
  }
  return config
}

/**
 * The Electron binary electron-builder just packed (as its own PlatformPackager.addElectronFuses
 * finds it): `<appOutDir>/<name>.app` on macOS, `<name>.exe` on Windows, `<executableName>` on Linux.
 * @param {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${packager.appInfo.productFilename}.app`)
  }
  if (electronPlatformName === 'win32') {
    return join(appOutDir, `${packager.appInfo.productFilename}.exe`)
  }
  return join(appOutDir, packager.executableName ?? packager.appInfo.productFilename)
}

/**
 * @param {Parameters<typeof electronBinaryPath>[0]} context electron-builder's AfterPackContext
 * @param {() => Promise<{ flipFuses: (path: string, config: object) => Promise<unknown>, FuseV1Options: Record<string, number>, FuseVersion: { V1: string } }>} [load]
 */
export async function afterPack(context, load = loadFuses) {
  const { flipFuses, FuseV1Options, FuseVersion } = await load()
  await flipFuses(electronBinaryPath(context), {
    ...fuseConfig(FuseV1Options, FuseVersion.V1),
    // Re-sign ad hoc on macOS arm64, whose binaries must carry a valid signature to run.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin'
  })
}

/** @electron/fuses 1.x is CommonJS: its API is the namespace or, failing that, its default. */
async function loadFuses() {
  const m = await import('@electron/fuses')
  return m.flipFuses ? m : m.default
}

export default afterPack
