import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import fastifyStatic from '@fastify/static'
import type { PlannerMethods } from '@shared/api/contract'
import { dispatchPlannerRequest } from '@shared/api/validate'
import { MAX_HOST_FILE_BYTES, MAX_TRACE_TEXT_BYTES } from '@shared/import/limits'
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
  /** Largest request body accepted; DEFAULT_BODY_LIMIT_BYTES unless a test needs a small one. */
  bodyLimitBytes?: number
}

export interface RunningBrowserServer {
  /** The URL to open, token included. */
  url: string
  port: number
  close(): Promise<void>
}

/** JSON escaping can double a text's size (every newline becomes "\n"), so allow that much. */
export const DEFAULT_BODY_LIMIT_BYTES =
  2 * Math.max(MAX_HOST_FILE_BYTES, MAX_TRACE_TEXT_BYTES) + 1024 * 1024
const HEARTBEAT_MS = 15_000

/** By the matched route (routing precedes onRequest), so an encoded or odd path cannot slip by. */
function isApiRequest(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || (req.routeOptions.url ?? '').startsWith('/api/')
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
  const app: FastifyInstance = Fastify({
    bodyLimit: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    logger: false
  })
  let port = opts.port

  // Host and token are checked in onRequest, before Fastify reads or parses any body: an
  // unauthenticated request costs a header parse, never a buffered upload.
  app.addHook('onRequest', async (req, reply) => {
    if (!isAllowedHost(req.headers.host, port)) {
      return reply
        .code(403)
        .send({ ok: false, error: { code: 'UNAUTHORIZED', message: 'host not allowed' } })
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
    (error: { statusCode?: number; code?: string; message: string }, _req, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.code(413).send({
          ok: false,
          error: {
            code: 'FILE_TOO_LARGE',
            message: `upload is larger than the server accepts (${MAX_HOST_FILE_BYTES / 2 ** 20} MiB for host files, ${MAX_TRACE_TEXT_BYTES / 2 ** 20} MiB for traces)`
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

  app.post<{ Params: { method: string } }>('/api/:method', async (req) =>
    dispatchPlannerRequest(opts.service, req.params.method, req.body)
  )

  app.get('/api/events', (req, reply) => {
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
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS)
    req.raw.on('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
    })
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
