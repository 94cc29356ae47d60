// One access-log line per request, written when the answer has gone: method, route, status, duration and
// the request id (pino adds it). Fastify's own two lines per request ("incoming request", "request completed")
// are turned off in server-options.ts: serializing them cost more than answering a cached read. Failures are
// logged in full once, by the error handler, under the same request id.
import fp from 'fastify-plugin'
import type { FastifyBaseLogger } from 'fastify'

/** At warn or above no access line is written. */
export function writesAccessLines (log: FastifyBaseLogger): boolean {
  return ['trace', 'debug', 'info'].includes(log.level)
}

export interface AccessLine { method: string, route: string | undefined, url: string, status: number, ms: number }

/** The one access line (the front door writes it too, with `reqId` as Fastify's request logger binds it). */
export function accessLine (log: FastifyBaseLogger, line: AccessLine): void {
  log.info({ method: line.method, route: line.route ?? 'unmatched', url: line.url, status: line.status, ms: Math.round(line.ms * 10) / 10 }, 'request')
}

export default fp(async (app) => {
  // Checked once: at warn or above the hook is not even installed.
  if (!writesAccessLines(app.log)) return
  // Synchronous: no promise per request.
  app.addHook('onResponse', function logAnswer (request, reply, done) {
    accessLine(request.log, { method: request.method, route: request.routeOptions.url, url: request.url, status: reply.statusCode, ms: reply.elapsedTime })
    done()
  })
}, { name: 'access-log' })
