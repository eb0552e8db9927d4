import { spawn, type ChildProcess } from 'node:child_process'

/** A `pamt-planner serve` child process: the tokenised URL it printed, and a stop. */
export interface ServeChild {
  url: string
  stop(): Promise<void>
}

/**
 * Start the built CLI's browser-mode server (`cli.js serve`, as `npm run serve` does) on a free
 * port with the given data folder, and resolve with the tokenised URL it prints; reject with its
 * output when it exits or prints no URL within `startMs`. Used by the end-to-end tests and the
 * bench's renderer figures (docs/ARCHITECTURE.md, "Renderer measurements").
 */
export function startServeChild(
  cliPath: string,
  dataDir: string,
  startMs: number,
  cwd?: string
): Promise<ServeChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    [cliPath, 'serve', '--port', '0', '--data-dir', dataDir],
    { ...(cwd !== undefined ? { cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] }
  )
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  let output = ''
  return new Promise<ServeChild>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`server did not start in ${startMs} ms:\n${output}`))
    }, startMs)
    const onData = (d: Buffer): void => {
      output += d.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve({ url: m[1]!, stop })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}):\n${output}`))
    })
  })
}
