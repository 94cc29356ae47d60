// Load shedding: when the event loop falls behind, new requests get a quick 503 with Retry-After instead
// of queueing until everything times out.
import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { OverloadedError } from '../../errors.js'

const PROBES = new Set(['/health/live', '/health/ready', '/metrics'])

export default fp<{ maxEventLoopDelayMs: number }>(async (app, options) => {
  await app.register(underPressure, {
    // 0 turns the check off. Note that an interval in which the loop never turned (a long synchronous
    // PGlite step) counts as an infinite delay, so the requests right after it are shed too.
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    retryAfter: 5,
    // Probes and metrics are never shed: an overloaded instance is alive, and operators need to see it.
    // Anything else fails with a coded 503, which the error handler answers with Retry-After.
    pressureHandler: (request, _reply, type, value) => {
      if (PROBES.has(request.routeOptions.url ?? '')) return
      throw new OverloadedError(`the service is overloaded (${type} ${String(value)}); retry shortly`)
    }
  })
}, { name: 'under-pressure' })
