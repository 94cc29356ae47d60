// Mercurius sends resolver errors verbatim by default (database messages included). This formatter keeps
// the message only for errors we raised on purpose or for invalid documents, and masks everything else.
import type { ExecutionResult, GraphQLError } from 'graphql'
import type { MercuriusContext } from 'mercurius'
import { isDatabaseUnavailable } from '../../db/client.js'
import { FRAMEWORK_CODES } from '../errors.js'

interface CodedError { code?: unknown, statusCode?: unknown, errors?: unknown }

/** graphql-js suggests field names ("Did you mean …?"), which maps the schema for a client that cannot introspect it. */
const SUGGESTION = /\s*Did you mean .*\?$/

export function formatGraphqlErrors (execution: ExecutionResult & { statusCode?: number }, context: MercuriusContext, options: { production?: boolean } = {}) {
  const log = context.reply?.log ?? context.app.log
  const requestId = context.reply?.request.id
  let clientStatus: number | undefined
  let internal = false
  const expand = (error: GraphQLError): GraphQLError[] => {
    const nested = (error.originalError as CodedError | undefined)?.errors
    return Array.isArray(nested) ? nested as GraphQLError[] : [error]
  }
  const errors = (execution.errors ?? []).flatMap(expand).map((error) => {
    const original = (error.originalError ?? undefined) as (Error & CodedError) | undefined
    const code = typeof original?.code === 'string' ? original.code : undefined
    const status = typeof original?.statusCode === 'number' ? original.statusCode : undefined
    const base = { locations: error.locations, path: error.path }
    if (code?.startsWith('KCA_ERR_') && status !== undefined && status < 500) {
      clientStatus = clientStatus === undefined || status === 429 ? status : clientStatus
      return { ...base, message: error.message, extensions: { code, requestId } }
    }
    if (code?.startsWith('KCA_ERR_') && status === 503) {
      clientStatus = 503
      return { ...base, message: error.message, extensions: { code, requestId } }
    }
    if (code && !code.startsWith('KCA_ERR_') && status !== undefined && status >= 400 && status < 500) {
      // Fastify and Mercurius refusing the request itself (body too large, too many tokens, bad JSON …).
      clientStatus ??= status
      return { ...base, message: error.message, extensions: { code: FRAMEWORK_CODES[code] ?? (status === 413 ? 'KCA_ERR_BODY_TOO_LARGE' : 'KCA_ERR_BAD_REQUEST'), requestId } }
    }
    if (isDatabaseUnavailable(original)) {
      clientStatus = 503
      context.reply?.header('retry-after', '5')
      log.warn({ err: original, path: error.path }, 'GraphQL: database unavailable')
      return { ...base, message: 'the service is temporarily unavailable; retry shortly', extensions: { code: 'KCA_ERR_UNAVAILABLE', requestId } }
    }
    if (!original || original.name === 'GraphQLError' || code === 'MER_ERR_GQL_VALIDATION') {
      // Syntax and validation errors describe the client's document; they carry no internals.
      clientStatus ??= 400
      const message = options.production ? error.message.replace(SUGGESTION, '') : error.message
      return { ...base, message, extensions: { code: 'KCA_ERR_GRAPHQL_VALIDATION', requestId } }
    }
    internal = true
    log.error({ err: original, path: error.path }, 'GraphQL resolver failed')
    return { ...base, message: 'internal error; quote the requestId when reporting it', extensions: { code: 'KCA_ERR_INTERNAL', requestId } }
  })
  // A document rejected before execution has no data: the client gets its 4xx. Partial data stays 200.
  // When every requested root field failed on the client's own input, there is no partial answer to speak of.
  const nothingAnswered = execution.data !== null && execution.data !== undefined && Object.values(execution.data).every((value) => value === null)
  const statusCode = clientStatus === 503
    ? 503
    : execution.data && !(nothingAnswered && clientStatus !== undefined && !internal) ? 200 : internal ? 500 : (clientStatus ?? 400)
  return { statusCode, response: { data: execution.data ?? null, errors } }
}
