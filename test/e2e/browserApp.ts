import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

/** The flags this machine's Chromium needs headless (no sandbox as root, no background traffic). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

export interface BrowserModeApp {
  url: string
  origin: string
  stop(): Promise<void>
}

/**
 * Start the built app in browser mode exactly as `npm run serve` does (out/main/cli.js serve), on a
 * free port, and return the tokenised URL it prints.
 */
export async function startBrowserMode(): Promise<BrowserModeApp> {
  const cli = `${ROOT}out/main/cli.js`
  if (!existsSync(cli))
    throw new Error(
      'out/main/cli.js is missing: run `electron-vite build` first (npm run test:e2e does)'
    )
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000)
    const onData = (d: Buffer): void => {
      output += d.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)))
  })
  return {
    url,
    origin: new URL(url).origin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium)`
    )
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/** A new page on the app, loaded and showing a host; optionally an example host and a tab. */
export async function openApp(
  browser: Browser,
  app: BrowserModeApp,
  opts: { example?: string; tab?: 'workload' | 'contention' } = {}
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  await page.goto(app.url)
  await page.getByTestId('host-name').waitFor()
  if (opts.example) {
    await page.getByTestId('example-select').selectOption(opts.example)
    await page.getByText(`${opts.example}.txt`, { exact: true }).first().waitFor()
  }
  if (opts.tab) await page.getByTestId(`nav-${opts.tab}`).click()
  return page
}
