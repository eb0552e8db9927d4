import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import fastifyStatic from '@fastify/static'
import {
  TEXT_UPLOAD_HEADER,
  type PlannerMethods,
  type TextUploadMethod
} from '@shared/api/contract'
import { dispatchPlannerRequest } from '@shared/api/validate'
import { MAX_HOST_FILE_BYTES, MAX_TRACE_TEXT_BYTES, formatLimitBytes } from '@shared/import/limits'
import { MAX_WORKSPACE_FILE_BYTES } from '@shared/workspace/workspaceSchema'
import { FLEET_CHUNK_MAX_FILES, FLEET_CHUNK_MAX_TEXT_CHARS } from '@shared/api/fleetContract'
import type { ProgressHub } from '../services/progressHub'
import { BROWSER_CSP, isAllowedHost, tokenMatches } from './security'

export interface BrowserServerOptions {
  service: PlannerMethods
  progress: ProgressHub
  /** Built renderer (out/renderer). */
  rendererDir: string
  token: string
  /** 0 picks a free port. */
  port: number
  /** Body limits, timeouts and caps; DEFAULT_SERVER_LIMITS for any left out (tests use small ones). */
  limits?: Partial<ServerLimits>
}

export interface RunningBrowserServer {
  /** The URL to open, token included. */
  url: string
  port: number
  close(): Promise<void>
}

/** What one browser-mode server accepts: body sizes, how long a request may take, how many at once. */
export interface ServerLimits {
  /** Body limit of every API call except the two uploads below. */
  apiBodyBytes: number
  /** Body limit of POST /api/analyzeHostText (the host file's text inside JSON). */
  hostUploadBodyBytes: number
  /** Body limit of POST /api/replayTraceText (the trace's text inside JSON). */
  traceUploadBodyBytes: number
  /** Body limit of POST /api/openWorkspaceText (a `.pamtplan` file's text inside JSON). */
  workspaceUploadBodyBytes: number
  /** Body limit of POST /api/analyzeFleetTexts (a chunk of host files' texts inside JSON). */
  fleetUploadBodyBytes: number
  /** Body limit of POST /api/saveWorkspace and /api/autosaveWorkspace (the state, no host text). */
  workspaceStateBodyBytes: number
  /** Headers must have arrived this long after the connection or the previous request; else 408. */
  headersTimeoutMs: number
  /** The whole request, body included, must have arrived within this; else 408 (slow loris). */
  requestTimeoutMs: number
  /** An idle kept-alive connection is closed after this (Node adds up to 1 s to it). */
  keepAliveTimeoutMs: number
  /** How often Node checks the two request timeouts (http.Server connectionsCheckingInterval). */
  timeoutCheckIntervalMs: number
  /** Open TCP connections; one more is closed as soon as it is accepted (http.Server maxConnections). */
  maxConnections: number
  /** Open progress streams (GET /api/events); one more is refused with 503 BUSY. */
  maxEventStreams: number
  /** A comment line on every progress stream this often, so proxies and clients see it alive. */
  heartbeatMs: number
}

const MIB = 1024 * 1024

/**
 * The body limit for an upload of `maxTextBytes` of text: JSON escaping can double it (every
 * newline becomes "\n"), plus 1 MiB for the rest of the request. Text that escapes to more (control
 * characters, non-ASCII) is not a log or a trace.
 */
export function uploadBodyLimit(maxTextBytes: number): number {
  return 2 * maxTextBytes + MIB
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  apiBodyBytes: MIB,
  hostUploadBodyBytes: uploadBodyLimit(MAX_HOST_FILE_BYTES),
  traceUploadBodyBytes: uploadBodyLimit(MAX_TRACE_TEXT_BYTES),
  workspaceUploadBodyBytes: uploadBodyLimit(MAX_WORKSPACE_FILE_BYTES),
  // A chunk of up to 64 host files, 64 MiB of text in all (one host file at its limit).
  fleetUploadBodyBytes: uploadBodyLimit(FLEET_CHUNK_MAX_TEXT_CHARS),
  // The state carries no host text (main embeds it): options, two scenarios, settings, 64 pins and
  // 64 KiB of notes (up to 6x when escaped) fit in well under 4 MiB.
  workspaceStateBodyBytes: 4 * MIB,
  headersTimeoutMs: 10_000,
  // The largest upload (257 MiB) over loopback is bound by the browser's speed; two minutes is ample.
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckIntervalMs: 1_000,
  // A browser opens up to 6 connections per origin; this leaves room for several tabs and the CLI.
  maxConnections: 32,
  maxEventStreams: 8,
  heartbeatMs: 15_000
}

/** The routes that carry file text or a workspace, each with its own body limit; every other is small. */
const UPLOAD_ROUTES = {
  analyzeHostText: {
    limit: (l: ServerLimits) => l.hostUploadBodyBytes,
    tooLarge: `host file is larger than the ${formatLimitBytes(MAX_HOST_FILE_BYTES)} the server accepts`
  },
  replayTraceText: {
    limit: (l: ServerLimits) => l.traceUploadBodyBytes,
    tooLarge: `trace is larger than the ${formatLimitBytes(MAX_TRACE_TEXT_BYTES)} the server accepts as an upload: open it in the desktop app or with the CLI`
  },
  openWorkspaceText: {
    limit: (l: ServerLimits) => l.workspaceUploadBodyBytes,
    tooLarge: `workspace is larger than the ${formatLimitBytes(MAX_WORKSPACE_FILE_BYTES)} the server accepts`
  },
  analyzeFleetTexts: {
    limit: (l: ServerLimits) => l.fleetUploadBodyBytes,
    tooLarge: `the fleet upload is larger than the server accepts in one request (${FLEET_CHUNK_MAX_FILES} files, ${formatLimitBytes(FLEET_CHUNK_MAX_TEXT_CHARS)} of text)`
  },
  saveWorkspace: {
    limit: (l: ServerLimits) => l.workspaceStateBodyBytes,
    tooLarge: 'workspace state (notes, pins, scenarios) is larger than the server accepts'
  },
  autosaveWorkspace: {
    limit: (l: ServerLimits) => l.workspaceStateBodyBytes,
    tooLarge: 'workspace state (notes, pins, scenarios) is larger than the server accepts'
  },
  // A report request carries the same state as a save (docs/reports.md).
  exportReport: {
    limit: (l: ServerLimits) => l.workspaceStateBodyBytes,
    tooLarge: 'workspace state (notes, pins, scenarios) is larger than the server accepts'
  }
} as const
type UploadMethod = keyof typeof UPLOAD_ROUTES

const TEXT_UPLOAD_METHODS: readonly string[] = [
  'analyzeHostText',
  'replayTraceText',
  'openWorkspaceText'
] satisfies TextUploadMethod[]

/**
 * The request of a raw text upload: the header's JSON object (URI-encoded; every field but
 * `text`) with the body as `text`. Only the text methods take one; the caller validates the
 * result with the method's schema like any request.
 */
export function textUploadRequest(
  method: string,
  header: string | string[] | undefined,
  text: string
): { value: Record<string, unknown> } | { error: string } {
  const wrong = `a text/plain upload to ${method} needs its request as URI-encoded JSON (every field but text) in the ${TEXT_UPLOAD_HEADER} header`
  if (!TEXT_UPLOAD_METHODS.includes(method))
    return { error: `${method} takes a JSON request, not a text/plain body` }
  if (typeof header !== 'string') return { error: wrong }
  let parsed: unknown
  try {
    parsed = JSON.parse(decodeURIComponent(header))
  } catch {
    return { error: wrong }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || 'text' in parsed)
    return { error: wrong }
  return { value: { ...(parsed as Record<string, unknown>), text } }
}

/** By the matched route (routing precedes onRequest), so an encoded or odd path cannot slip by. */
function isApiRequest(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || (req.routeOptions.url ?? '').startsWith('/api/')
}

/**
 * A request that may change state (anything but GET, HEAD, OPTIONS) from a browser must come from
 * this server's own page: its Origin, when present, must be the origin the request was sent to
 * (Host has already been checked to be this loopback server). Non-browser clients send no Origin.
 */
function isAllowedOrigin(req: FastifyRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return true
  const origin = req.headers.origin
  return origin === undefined || origin === `http://${req.headers.host ?? ''}`
}

/**
 * The token a request carries: a Bearer header, or ?token= on the event stream (EventSource
 * cannot set headers, and only GET /api/events accepts it there).
 */
function requestToken(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7)
  if (req.method === 'GET' && req.routeOptions.url === '/api/events') {
    const query = req.url.indexOf('?')
    return new URLSearchParams(query < 0 ? '' : req.url.slice(query + 1)).get('token') ?? undefined
  }
  return undefined
}

/**
 * Browser mode: the built renderer and the PlannerApi over HTTP on 127.0.0.1 only. Every API request
 * needs the per-launch token (Authorization: Bearer, or ?token= for the EventSource stream), and
 * is validated by the same schemas as IPC. Progress is pushed as Server-Sent Events.
 */
export async function startBrowserServer(
  opts: BrowserServerOptions
): Promise<RunningBrowserServer> {
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...opts.limits }
  // Node refuses headersTimeout > requestTimeout.
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs)
  const app: FastifyInstance = Fastify({
    bodyLimit: limits.apiBodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs
    },
    logger: false
  })
  app.server.maxConnections = limits.maxConnections
  let port = opts.port
  let eventStreams = 0

  // Host, Origin and token are checked in onRequest, before Fastify reads or parses any body: a
  // refused request costs a header parse, never a buffered upload.
  app.addHook('onRequest', async (req, reply) => {
    if (!isAllowedHost(req.headers.host, port)) {
      return reply
        .code(403)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: 'host not allowed' } })
    }
    if (!isAllowedOrigin(req)) {
      return reply.code(403).send({
        ok: false,
        error: {
          code: 'UNAUTHORIZED',
          message: `cross-origin request refused (Origin ${String(req.headers.origin).slice(0, 100)})`
        }
      })
    }
    if (isApiRequest(req) && !tokenMatches(requestToken(req), opts.token)) {
      return reply.code(401).send({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'missing or wrong access token' }
      })
    }
    return undefined
  })
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('Content-Security-Policy', BROWSER_CSP)
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('Referrer-Policy', 'no-referrer')
    reply.header('Cache-Control', 'no-store')
    return payload
  })
  app.setErrorHandler(
    (error: { statusCode?: number; code?: string; message: string }, req, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const method = (req.routeOptions.url ?? '').slice('/api/'.length)
        const upload = Object.hasOwn(UPLOAD_ROUTES, method)
          ? UPLOAD_ROUTES[method as UploadMethod]
          : null
        return reply.code(413).send({
          ok: false,
          error: upload
            ? { code: 'FILE_TOO_LARGE', message: upload.tooLarge }
            : {
                code: 'INVALID_REQUEST',
                message: `request body is larger than the ${formatLimitBytes(limits.apiBodyBytes)} the server accepts for an API call`
              }
        })
      }
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500
      return reply.code(status).send({
        ok: false,
        error: { code: status < 500 ? 'INVALID_REQUEST' : 'INTERNAL', message: error.message }
      })
    }
  )

  // The uploads first, each with its own limit (a static route wins over /api/:method). A text
  // method also takes its file as a raw text/plain body, the rest of the request in a header
  // (textUploadRequest): the same request, validated by the same schema.
  for (const method of Object.keys(UPLOAD_ROUTES) as UploadMethod[]) {
    app.post(`/api/${method}`, { bodyLimit: UPLOAD_ROUTES[method].limit(limits) }, async (req) => {
      if (typeof req.body !== 'string')
        return dispatchPlannerRequest(opts.service, method, req.body)
      const request = textUploadRequest(
        method,
        req.headers[TEXT_UPLOAD_HEADER.toLowerCase()],
        req.body
      )
      return 'error' in request
        ? { ok: false, error: { code: 'INVALID_REQUEST', message: request.error } }
        : dispatchPlannerRequest(opts.service, method, request.value)
    })
  }
  app.post<{ Params: { method: string } }>(
    '/api/:method',
    { bodyLimit: limits.apiBodyBytes },
    async (req) => dispatchPlannerRequest(opts.service, req.params.method, req.body)
  )

  app.get('/api/events', (_req, reply) => {
    if (eventStreams >= limits.maxEventStreams) {
      return reply.code(503).send({
        ok: false,
        error: {
          code: 'BUSY',
          message: `too many progress streams open (${limits.maxEventStreams}): close another PAMT Planner tab and reload this one`
        }
      })
    }
    eventStreams++
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'Content-Security-Policy': BROWSER_CSP
    })
    res.write(': connected\n\n')
    const unsubscribe = opts.progress.subscribe((p) =>
      res.write(`event: progress\ndata: ${JSON.stringify(p)}\n\n`)
    )
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), limits.heartbeatMs)
    // The response closes when the client leaves or the connection drops (never on its own).
    res.on('close', () => {
      eventStreams--
      clearInterval(heartbeat)
      unsubscribe()
    })
    return reply
  })

  await app.register(fastifyStatic, { root: opts.rendererDir, index: ['index.html'] })

  await app.listen({ host: '127.0.0.1', port: opts.port })
  const address = app.server.address()
  port = typeof address === 'object' && address ? address.port : opts.port
  return {
    url: `http://127.0.0.1:${port}/?token=${opts.token}`,
    port,
    close: async () => {
      // SSE streams stay open until their clients leave; don't wait for them.
      app.server.closeAllConnections()
      await app.close()
    }
  }
}
