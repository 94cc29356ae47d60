// Load shedding: when the event loop falls behind, new requests get a quick 503 with Retry-After instead
// of queueing until everything times out.
import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { sendProblem } from '../../problem.js'

export default fp<{ maxEventLoopDelayMs: number }>(async (app, options) => {
  await app.register(underPressure, {
    // 0 turns the check off. Note that an interval in which the loop never turned (a long synchronous
    // PGlite step) counts as an infinite delay, so the requests right after it are shed too.
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    retryAfter: 5,
    pressureHandler: (_request, reply, type, value) => {
      reply.header('retry-after', '5')
      sendProblem(reply, 503, 'KCA_ERR_OVERLOADED', `the service is overloaded (${type} ${String(value)}); retry shortly`)
    }
  })
}, { name: 'under-pressure' })
