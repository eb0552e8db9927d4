#!/usr/bin/env node
// pamt-planner launcher: builds the app when the build is missing or older than the sources, then
// runs the CLI (`analyze`, `serve`) or, for `start`, the desktop window, falling back to browser
// mode when the Electron binary cannot be had (no download, no display).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cliBundle = join(root, 'out', 'main', 'cli.js')
const SOURCE_DIRS = ['src-main', 'src-renderer', 'src-shared', 'resources']
const SOURCE_FILES = ['package.json', 'electron.vite.config.ts']

function newestMtimeMs(path) {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)))
  return newest
}

function ensureBuilt() {
  const outputs = ['main/index.js', 'main/cli.js', 'preload/index.cjs', 'renderer/index.html'].map(
    (p) => join(root, 'out', p)
  )
  if (outputs.every(existsSync)) {
    const builtAt = outputs.reduce((t, p) => Math.min(t, statSync(p).mtimeMs), Infinity)
    const sources = [...SOURCE_DIRS, ...SOURCE_FILES].map((p) => join(root, p)).filter(existsSync)
    if (sources.reduce((t, p) => Math.max(t, newestMtimeMs(p)), -Infinity) <= builtAt) return
  }
  process.stderr.write('pamt-planner: building the app (first run or sources changed)…\n')
  const viteBin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  // Build output goes to stderr so `analyze --json` keeps stdout clean.
  const r = spawnSync(process.execPath, [viteBin, 'build'], { cwd: root, stdio: ['ignore', 2, 2] })
  if (r.status !== 0) {
    process.stderr.write('pamt-planner: build failed (see above)\n')
    process.exit(r.status ?? 1)
  }
}

/** The Electron binary's path, or the reason there is none. Tries the package's own download once. */
function electronBinary() {
  const pkgDir = join(root, 'node_modules', 'electron')
  if (!existsSync(join(pkgDir, 'package.json')))
    return { reason: 'the electron package is not installed' }
  const pathFile = join(pkgDir, 'path.txt')
  const binary = () =>
    existsSync(pathFile) ? join(pkgDir, 'dist', readFileSync(pathFile, 'utf8')) : null
  let bin = binary()
  if (!bin || !existsSync(bin)) {
    const r = spawnSync(process.execPath, [join(pkgDir, 'install.js')], {
      cwd: pkgDir,
      stdio: 'pipe',
      timeout: 120_000
    })
    bin = binary()
    if (r.status !== 0 || !bin || !existsSync(bin))
      return { reason: 'the Electron binary is missing and could not be downloaded' }
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' }
  }
  return { bin }
}

/** The CLI bundle reads process.argv itself, as `node out/main/cli.js …` would. */
async function runCli(cliArgs) {
  process.argv = [process.argv[0], cliBundle, ...cliArgs]
  await import(pathToFileURL(cliBundle).href)
}

const args = process.argv.slice(2)
ensureBuilt()
if (args[0] === 'start') {
  const electron = electronBinary()
  if (electron.bin) {
    const child = spawn(electron.bin, [root, ...args.slice(1)], { stdio: 'inherit' })
    child.on('exit', (code) => process.exit(code ?? 0))
  } else {
    process.stderr.write(
      `pamt-planner: cannot open the desktop window: ${electron.reason}; starting browser mode instead.\n`
    )
    await runCli(['serve', ...args.slice(1)])
  }
} else {
  await runCli(args)
}
