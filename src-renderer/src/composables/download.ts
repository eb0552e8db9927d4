import { safeFileName, safeFileStem } from '@shared/util/fileNames'

/**
 * Save generated content through the browser's download path (a save dialog in Electron). The name
 * is cleaned once more here, whoever built it: no path separators or control characters.
 */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = safeFileName(fileName, 'download')
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** File-name stem: chart id, host, date; safe on every OS whatever the host's name. */
export function exportFileStem(chartId: string, hostName: string): string {
  const host = safeFileStem(hostName, 'host')
  return `${chartId}-${host}-${new Date().toISOString().slice(0, 10)}`
}
