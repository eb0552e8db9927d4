/** Save generated content through the browser's download path (a save dialog in Electron). */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** File-name stem: chart id, host, date; safe on every OS. */
export function exportFileStem(chartId: string, hostName: string): string {
  const host = hostName.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_-]+/g, '-')
  return `${chartId}-${host}-${new Date().toISOString().slice(0, 10)}`
}
