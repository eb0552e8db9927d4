import type { BrowserWindow as BrowserWindowType } from 'electron'
import { err, ok, type ApiResult } from '@shared/api/errors'

/**
 * PDF on the desktop (docs/reports.md, "PDF"): the report loaded into a hidden, sandboxed window
 * with JavaScript off, printed with `webContents.printToPDF` (A4, backgrounds on). Takes the
 * BrowserWindow class so this module loads without Electron (the CLI and tests never call it).
 */
export function electronPdfPrinter(
  BrowserWindow: typeof BrowserWindowType
): (html: string) => Promise<ApiResult<Uint8Array>> {
  return async (html) => {
    const win = new BrowserWindow({
      show: false,
      webPreferences: { sandbox: true, javascript: false, contextIsolation: true }
    })
    try {
      // A data: URL keeps the report off the app:// bundle origin; its CSP forbids any request.
      await win.loadURL(
        `data:text/html;charset=utf-8;base64,${Buffer.from(html).toString('base64')}`
      )
      const pdf = await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true })
      return ok(new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.length))
    } catch (e) {
      return err('PDF_FAILED', `printing the PDF failed: ${(e as Error).message}`)
    } finally {
      win.destroy()
    }
  }
}
