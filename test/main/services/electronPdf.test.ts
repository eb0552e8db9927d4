import { describe, expect, it } from 'vitest'
import type { BrowserWindow } from 'electron'
import { electronPdfPrinter } from '../../../src-main/services/pdf/electronPdf'

/** A stand-in BrowserWindow recording what the printer asks of it (no Electron in unit tests). */
function fakeWindowClass(print: () => Promise<Buffer>): {
  cls: typeof BrowserWindow
  log: { options: unknown[]; urls: string[]; printOptions: unknown[]; destroyed: number }
} {
  const log = {
    options: [] as unknown[],
    urls: [] as string[],
    printOptions: [] as unknown[],
    destroyed: 0
  }
  class Fake {
    webContents = {
      printToPDF: (o: unknown): Promise<Buffer> => {
        log.printOptions.push(o)
        return print()
      }
    }
    constructor(o: unknown) {
      log.options.push(o)
    }
    loadURL(url: string): Promise<void> {
      log.urls.push(url)
      return Promise.resolve()
    }
    destroy(): void {
      log.destroyed++
    }
  }
  return { cls: Fake as unknown as typeof BrowserWindow, log }
}

describe('electronPdfPrinter', () => {
  it('prints the report in a hidden, sandboxed window with JavaScript off, on A4, and closes it', async () => {
    const { cls, log } = fakeWindowClass(async () => Buffer.from('%PDF-1.4'))
    const out = await electronPdfPrinter(cls)('<p>é</p>')
    expect(out.ok && Buffer.from(out.value).toString('latin1')).toBe('%PDF-1.4')
    expect(log.options).toEqual([
      { show: false, webPreferences: { sandbox: true, javascript: false, contextIsolation: true } }
    ])
    expect(log.urls).toEqual([
      `data:text/html;charset=utf-8;base64,${Buffer.from('<p>é</p>').toString('base64')}`
    ])
    expect(log.printOptions).toEqual([{ pageSize: 'A4', printBackground: true }])
    expect(log.destroyed).toBe(1)
  })

  it('answers PDF_FAILED and still closes the window when printing throws', async () => {
    const { cls, log } = fakeWindowClass(async () => {
      throw new Error('renderer gone')
    })
    const out = await electronPdfPrinter(cls)('<p>x</p>')
    expect(out.ok ? null : out.error).toEqual({
      code: 'PDF_FAILED',
      message: 'printing the PDF failed: renderer gone'
    })
    expect(log.destroyed).toBe(1)
  })
})
