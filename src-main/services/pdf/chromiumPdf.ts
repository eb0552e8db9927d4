import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { err, ok, type ApiResult } from '@shared/api/errors'

/**
 * PDF through a headless Chromium (docs/reports.md, "PDF"): browser mode and the CLI. The report
 * is written to a temporary folder, printed with `--print-to-pdf` and the output checked to be a
 * PDF. Scripts stay off through the report's own CSP (`default-src 'none'`: no script may run, and
 * the report has none); `--blink-settings=scriptEnabled=false` is not passed because Chromium 156's
 * headless print then writes no PDF at all (measured: 0 of 4 runs, against 4 of 4 without it). Where no Chromium exists the error is PDF_UNAVAILABLE,
 * naming what was searched.
 */

/** Environment variable naming a Chromium (or Chrome) executable to print with. */
export const CHROMIUM_ENV = 'PAMT_PLANNER_CHROMIUM'
/** Executables looked for on PATH, in order, after the environment variable. */
export const CHROMIUM_NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable'
] as const
/** A print that has not finished by then is killed (a report prints in a second or two). */
export const PDF_TIMEOUT_MS = 60_000
/** Largest PDF returned: a report is well under 2 MiB; anything larger is not one of ours. */
export const MAX_PDF_BYTES = 32 * 1024 * 1024

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The Chromium to print with: $PAMT_PLANNER_CHROMIUM, then the names on PATH; null if none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env[CHROMIUM_ENV]
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : null
  for (const dir of (env['PATH'] ?? '').split(delimiter).filter(Boolean))
    for (const name of CHROMIUM_NAMES) {
      const path = join(dir, name)
      if (isExecutable(path)) return path
    }
  return null
}

/** What was searched, for the PDF_UNAVAILABLE line. */
export function chromiumSearchText(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[CHROMIUM_ENV]
  return fromEnv
    ? `$${CHROMIUM_ENV} (${fromEnv}) is not an executable`
    : `no Chromium found: searched $${CHROMIUM_ENV} and ${CHROMIUM_NAMES.join(', ')} on PATH`
}

/**
 * The flags a headless Chromium needs here (no sandbox as root, no background traffic): the PDF
 * print's, and the bench's and end-to-end tests' browser.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

/** The arguments of one headless print (exported for tests). */
export function chromiumPdfArgs(htmlPath: string, pdfPath: string, profileDir: string): string[] {
  return [
    ...CHROMIUM_ARGS,
    '--no-default-browser-check',
    '--no-pdf-header-footer',
    `--user-data-dir=${profileDir}`,
    `--print-to-pdf=${pdfPath}`,
    pathToFileURL(htmlPath).href
  ]
}

/** Print `html` to PDF bytes with a headless Chromium. */
export async function chromiumPdf(
  html: string,
  opts: { chromium?: string | null; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}
): Promise<ApiResult<Uint8Array>> {
  const env = opts.env ?? process.env
  const chromium = opts.chromium === undefined ? findChromium(env) : opts.chromium
  if (!chromium) return err('PDF_UNAVAILABLE', `cannot print the PDF: ${chromiumSearchText(env)}`)
  const dir = await mkdtemp(join(tmpdir(), 'pamt-report-'))
  try {
    const htmlPath = join(dir, 'report.html')
    const pdfPath = join(dir, 'report.pdf')
    await writeFile(htmlPath, html, 'utf8')
    const run = await runChromium(
      chromium,
      chromiumPdfArgs(htmlPath, pdfPath, join(dir, 'profile')),
      opts.timeoutMs ?? PDF_TIMEOUT_MS
    )
    let pdf: Buffer
    try {
      pdf = await readFile(pdfPath)
    } catch {
      return err('PDF_FAILED', `Chromium (${chromium}) wrote no PDF: ${run}`)
    }
    if (pdf.subarray(0, 4).toString('latin1') !== '%PDF')
      return err('PDF_FAILED', `Chromium (${chromium}) wrote a file that is not a PDF`)
    if (pdf.length > MAX_PDF_BYTES)
      return err('PDF_FAILED', `the PDF is larger than ${MAX_PDF_BYTES} bytes`)
    return ok(new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.length))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Run Chromium to its exit or the timeout; a one-line account of how it ended. */
function runChromium(path: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    let stderr = ''
    let settled = false
    const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      finish(`timed out after ${timeoutMs} ms`)
    }, timeoutMs)
    const finish = (how: string): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(how)
    }
    // Keep only the tail: Chromium logs freely, and one line is all an error shows.
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-2000)))
    child.on('error', (e) => finish(`could not start: ${e.message}`))
    child.on('close', (code) =>
      finish(`exit ${code}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`)
    )
  })
}
