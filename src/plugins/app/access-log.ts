// One access-log line per request, written when the answer has gone: method, route, status, duration and
// the request id (pino adds it). Fastify's own two lines per request ("incoming request", "request completed")
// are turned off in server-options.ts: serializing them cost more than answering a cached read. Failures are
// logged in full once, by the error handler, under the same request id.
import fp from 'fastify-plugin'

export default fp(async (app) => {
  // Checked once: at warn or above, no access line is written and the hook is not even installed.
  if (!['trace', 'debug', 'info'].includes(app.log.level)) return
  // Synchronous: no promise per request.
  app.addHook('onResponse', function accessLine (request, reply, done) {
    request.log.info({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10
    }, 'request')
    done()
  })
}, { name: 'access-log' })
