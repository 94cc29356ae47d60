// Sends an RFC 9457 problem: the one shape of every REST error.
import type { FastifyReply } from 'fastify'
import { TITLES, problemType } from './errors.js'

export interface ParameterProblem { parameter: string, message: string }

export function sendProblem (reply: FastifyReply, status: number, code: string, detail: string, extra: { errors?: ParameterProblem[], tombstone?: Record<string, unknown> } = {}) {
  return reply.status(status).type('application/problem+json').send({
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    requestId: reply.request.id,
    instance: reply.request.url.split('?')[0],
    ...extra
  })
}
