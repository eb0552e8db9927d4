import { timingSafeEqual, randomBytes } from 'node:crypto'

/** A fresh per-launch token: 192 random bits, URL-safe. */
export function newAccessToken(): string {
  return randomBytes(24).toString('base64url')
}

/** Constant-time token comparison. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Content-Security-Policy for the renderer served over HTTP; the same policy as the <meta> tag the
 * desktop window uses, plus framing and base-uri lockdown that only headers can express.
 */
export const BROWSER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** Only loopback names are accepted in Host, which defeats DNS rebinding against the local server. */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}`
}
