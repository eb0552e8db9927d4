import { connect } from 'node:net'

/** A raw TCP connection to a local server, for requests no HTTP client would send. */
export interface RawExchange {
  write(text: string): void
  /** Send `text` every `everyMs` until the connection closes (a slow-loris client). */
  drip(text: string, everyMs: number): void
  /** Resolves once `marker` has arrived, with everything received so far. */
  received(marker: string): Promise<string>
  /** Resolves when the connection has closed (by either side), with everything received. */
  closed: Promise<{ data: string }>
  destroy(): void
}

export function rawExchange(port: number): RawExchange {
  const socket = connect(port, '127.0.0.1')
  socket.setEncoding('utf8')
  let data = ''
  const waiting: Array<{ marker: string; resolve: (d: string) => void }> = []
  let drip: ReturnType<typeof setInterval> | undefined
  socket.on('data', (chunk: string) => {
    data += chunk
    for (const w of [...waiting]) {
      if (!data.includes(w.marker)) continue
      waiting.splice(waiting.indexOf(w), 1)
      w.resolve(data)
    }
  })
  // A reset (the server destroying the socket) is a close too; the data tells what came first.
  socket.on('error', () => undefined)
  const closed = new Promise<{ data: string }>((resolve) =>
    socket.on('close', () => {
      clearInterval(drip)
      resolve({ data })
    })
  )
  return {
    write: (text) => {
      if (!socket.destroyed) socket.write(text)
    },
    drip: (text, everyMs) => {
      drip = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(text)
      }, everyMs)
    },
    received: (marker) =>
      data.includes(marker)
        ? Promise.resolve(data)
        : new Promise((resolve) => waiting.push({ marker, resolve })),
    closed,
    destroy: () => socket.destroy()
  }
}
