import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEMP_PREFIX, atomicWrite } from '../../../src-main/services/atomicWrite'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
let dir = ''
let child = ''

// The child is the real atomicWrite bundled into one ESM file (Node runs no TypeScript).
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pamt-atomic-'))
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    ssr: { noExternal: true },
    build: {
      ssr: join(ROOT, 'test/main/services/atomicWriteChild.ts'),
      outDir: join(dir, 'bin'),
      minify: false,
      copyPublicDir: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'child.mjs' } }
    }
  })
  child = join(dir, 'bin', 'child.mjs')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Run the child; resolve with its stdout once `until` appears (then SIGKILL it) or it exits. */
function runChild(
  args: string[],
  until?: string
): Promise<{ stdout: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      if (until && stdout.includes(until)) p.kill('SIGKILL')
    })
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('error', reject)
    p.on('exit', (code, signal) =>
      code !== 0 && signal === null
        ? reject(new Error(`child failed (${code}): ${stderr}`))
        : resolve({ stdout, signal, code })
    )
  })
}

describe('atomicWrite', () => {
  it('leaves the previous file byte-identical when the writer is killed with SIGKILL mid-write', async () => {
    const target = join(dir, 'work.pamtplan')
    const previous = '{"format":"pamt-planner-workspace","version":2,"name":"before"}\n'
    await writeFile(target, previous)
    // 4 chunks of 1 MiB; the child stops after the first and the parent kills it there.
    const run = await runChild([target, '4', String(2 ** 20), 'pause'], 'first chunk written')
    expect(run.signal).toBe('SIGKILL')
    expect(run.stdout).not.toContain('done')
    expect(await readFile(target, 'utf8')).toBe(previous)
    // The half-written data is in a hidden temporary file that no one takes for a workspace.
    const names = (await readdir(dir)).filter((n) => n !== 'bin')
    const temps = names.filter((n) => n.startsWith(TEMP_PREFIX))
    expect(temps).toHaveLength(1)
    expect(temps[0]).toMatch(/^\.pamt-planner-tmp-work\.pamtplan\.[0-9a-f]{12}\.tmp$/)
    expect(names.filter((n) => n.endsWith('.pamtplan'))).toEqual(['work.pamtplan'])
    // The first 1 MiB chunk ('A' bytes) reached the temporary file, none of it the target.
    expect((await readFile(join(dir, temps[0]!))).length).toBe(2 ** 20)
    await rm(join(dir, temps[0]!))
  })

  it('replaces the file whole when the writer runs to the end', async () => {
    const target = join(dir, 'done.pamtplan')
    await writeFile(target, 'old')
    const run = await runChild([target, '3', '1000'])
    expect(run.stdout).toContain('done')
    // 3 chunks of 1000 bytes: 'A' × 1000, 'B' × 1000, 'C' × 1000.
    expect(await readFile(target, 'latin1')).toBe(
      'A'.repeat(1000) + 'B'.repeat(1000) + 'C'.repeat(1000)
    )
    expect((await readdir(dir)).filter((n) => n.startsWith(TEMP_PREFIX))).toEqual([])
  })

  it('removes its temporary file and keeps the target when a write fails', async () => {
    const target = join(dir, 'kept.txt')
    await writeFile(target, 'kept')
    await expect(
      atomicWrite(target, ['a', 'b'], {
        onChunk: () => {
          throw new Error('disk full')
        }
      })
    ).rejects.toThrow('disk full')
    expect(await readFile(target, 'utf8')).toBe('kept')
    expect((await readdir(dir)).filter((n) => n.startsWith(TEMP_PREFIX))).toEqual([])
  })
})
