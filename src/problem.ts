// Sends an RFC 9457 problem: the one shape of every REST error.
import type { FastifyReply } from 'fastify'
import { TITLES, problemType } from './errors.js'

export interface ParameterProblem { parameter: string, message: string }

type ProblemExtra = { errors?: ParameterProblem[], tombstone?: Record<string, unknown> }

export function problemBody (reply: FastifyReply, status: number, code: string, detail: string, extra: ProblemExtra = {}) {
  return {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    requestId: reply.request.id,
    instance: reply.request.url.split('?')[0],
    ...extra
  }
}

export function sendProblem (reply: FastifyReply, status: number, code: string, detail: string, extra: ProblemExtra = {}) {
  return reply.status(status).type('application/problem+json').send(problemBody(reply, status, code, detail, extra))
}
