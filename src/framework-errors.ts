// Errors that happen before a request reaches a route: Fastify's router refusing the URL (bad percent-encoding,
// an over-long path segment) and Node's HTTP parser refusing the message (unknown method, headers or URL over
// 16 KiB, a request that never finishes arriving). No hook runs for these, so the problem+json body, the request
// id and the CORS and security headers are written here. Nothing of the request is echoed: the path may be 10 KB.
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import { ERROR_CATALOGUE, codeForClientError, type ErrorCode } from './errors.js'
import { problemDocument } from './problem.js'
import { BASELINE_HEADERS } from './plugins/external/security.js'

const ROUTER_DETAILS: Partial<Record<ErrorCode, string>> = {
  KCA_ERR_BAD_URL: 'the URL path is not valid percent-encoded UTF-8',
  KCA_ERR_URI_TOO_LONG: 'a path segment is longer than 200 characters; no identifier of this API is that long'
}

export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = function (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const code = codeForClientError(error.code, error.statusCode ?? 400)
  request.log.info({ code: error.code }, 'request refused by the router')
  reply
    .headers(BASELINE_HEADERS)
    .header('x-request-id', request.id)
    .status(ERROR_CATALOGUE[code].status)
    .type('application/problem+json')
    .send(problemDocument(request.id, code, ROUTER_DETAILS[code] ?? 'the request could not be routed', undefined))
}

const PARSER_ERRORS: Record<string, { code: ErrorCode, detail: string }> = {
  HPE_HEADER_OVERFLOW: { code: 'KCA_ERR_HEADERS_TOO_LARGE', detail: 'the request line and headers exceed 16 KiB' },
  HPE_INVALID_METHOD: { code: 'KCA_ERR_METHOD_NOT_IMPLEMENTED', detail: 'the request method is not one this server recognises' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'KCA_ERR_REQUEST_TIMEOUT', detail: 'the request did not arrive in full in time' }
}

/** The raw HTTP/1.1 answer to a message Node's parser refused (exported for the tests of its shape). */
export function parserErrorResponse (errorCode: string, requestId: string = randomUUID()): string {
  const { code, detail } = PARSER_ERRORS[errorCode] ?? { code: 'KCA_ERR_BAD_REQUEST' as const, detail: 'the HTTP request is malformed' }
  const { status } = ERROR_CATALOGUE[code]
  const body = JSON.stringify(problemDocument(requestId, code, detail, undefined))
  const headers = {
    ...BASELINE_HEADERS,
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'x-request-id': requestId,
    connection: 'close'
  }
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`
}

export function clientErrorHandler (this: { log: { debug: (object: object, message: string) => void } }, error: ConnectionError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  this.log.debug({ err: error }, 'HTTP request refused by the parser')
  if (socket.writable) socket.end(parserErrorResponse(error.code))
  else socket.destroy(error)
}
