// Sends an RFC 9457 problem: the one shape of every REST error. The status and title come from the error
// registry, so a code is always answered with the status its catalogue entry documents.
import type { FastifyReply } from 'fastify'
import { ERROR_CATALOGUE, problemType, type ErrorCode } from './errors.js'

export interface ParameterProblem { parameter: string, message: string }

type ProblemExtra = { errors?: ParameterProblem[], tombstone?: Record<string, unknown> }

/** Paths are echoed in `instance` and details; a hostile 10 KB path must not come back in full. */
const MAX_ECHOED_PATH = 200

export function echoedPath (url: string): string {
  const path = url.split('?')[0] ?? ''
  return path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}…` : path
}

export function problemDocument (requestId: string, code: ErrorCode, detail: string, instance: string | undefined, extra: ProblemExtra = {}) {
  const { status, title } = ERROR_CATALOGUE[code]
  return {
    type: problemType(code),
    title,
    status,
    detail,
    code,
    requestId,
    ...(instance === undefined ? {} : { instance }),
    ...extra
  }
}

export function problemBody (reply: FastifyReply, code: ErrorCode, detail: string, extra: ProblemExtra = {}) {
  return problemDocument(reply.request.id, code, detail, echoedPath(reply.request.url), extra)
}

export function sendProblem (reply: FastifyReply, code: ErrorCode, detail: string, extra: ProblemExtra = {}) {
  return reply.status(ERROR_CATALOGUE[code].status).type('application/problem+json').send(problemBody(reply, code, detail, extra))
}
