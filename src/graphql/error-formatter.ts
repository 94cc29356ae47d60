// Mercurius sends resolver errors verbatim by default (database messages included). This formatter keeps
// the message only for errors we raised on purpose or for invalid documents, masks everything else, and picks
// the status GraphQL over HTTP asks for:
// - a malformed HTTP request (bad JSON, no query, a JSON query, too large, wrong media type): its 4xx;
// - a document refused before it runs (syntax, validation, variables, depth, cost, unknown persisted query):
//   400 with application/graphql-response+json, 200 with application/json;
// - execution errors, the whole answer or part of it: 200 (the errors carry the code);
// - the database unavailable: 503 with Retry-After; a spent cost budget: 429.
import type { ExecutionResult, GraphQLError } from 'graphql'
import type { MercuriusContext } from 'mercurius'
import { isDatabaseUnavailable } from '../../db/client.js'
import { FRAMEWORK_CODES } from '../errors.js'
import { GRAPHQL_RESPONSE_MEDIA_TYPE, setGraphqlMediaType } from './http.js'

interface CodedError { code?: unknown, statusCode?: unknown, errors?: unknown, rejectsDocument?: unknown }

/** graphql-js suggests field names ("Did you mean …?"): not in production, where only the published schema is the map. */
const SUGGESTION = /\s*Did you mean .*\?$/

/** Refused documents, though raised as errors with a status: their status follows the media type. */
const DOCUMENT_CODES = new Set(['PERSISTED_QUERY_NOT_FOUND'])

export function formatGraphqlErrors (execution: ExecutionResult & { statusCode?: number }, context: MercuriusContext, options: { production?: boolean } = {}) {
  const log = context.reply?.log ?? context.app.log
  const requestId = context.reply?.request.id
  let httpStatus: number | undefined
  let unavailable = false
  const expand = (error: GraphQLError): GraphQLError[] => {
    const nested = (error.originalError as CodedError | undefined)?.errors
    return Array.isArray(nested) ? nested as GraphQLError[] : [error]
  }
  const errors = (execution.errors ?? []).flatMap(expand).map((error) => {
    const original = (error.originalError ?? undefined) as (Error & CodedError) | undefined
    const code = typeof original?.code === 'string' ? original.code : undefined
    const status = typeof original?.statusCode === 'number' ? original.statusCode : undefined
    const base = { locations: error.locations, path: error.path }
    if (code !== undefined && status !== undefined && status < 500 && (code.startsWith('KCA_ERR_') || DOCUMENT_CODES.has(code))) {
      // Raised on purpose. Before execution it decides the status, unless it refuses the document (see above).
      if (execution.data === undefined && original?.rejectsDocument !== true && !DOCUMENT_CODES.has(code)) {
        httpStatus = httpStatus === undefined || status === 429 ? status : httpStatus
      }
      return { ...base, message: error.message, extensions: { code, requestId } }
    }
    if (code?.startsWith('KCA_ERR_') && status === 503) {
      unavailable = true
      return { ...base, message: error.message, extensions: { code, requestId } }
    }
    if (code && !code.startsWith('KCA_ERR_') && code !== 'MER_ERR_GQL_VALIDATION' && status !== undefined && status >= 400 && status < 500) {
      // Fastify and Mercurius refusing the request itself (body too large, bad JSON, media type …).
      httpStatus ??= status
      return { ...base, message: error.message, extensions: { code: FRAMEWORK_CODES[code] ?? (status === 413 ? 'KCA_ERR_BODY_TOO_LARGE' : 'KCA_ERR_BAD_REQUEST'), requestId } }
    }
    if (isDatabaseUnavailable(original)) {
      unavailable = true
      log.warn({ err: original, path: error.path }, 'GraphQL: database unavailable')
      return { ...base, message: 'the service is temporarily unavailable; retry shortly', extensions: { code: 'KCA_ERR_UNAVAILABLE', requestId } }
    }
    if (!original || original.name === 'GraphQLError' || code === 'MER_ERR_GQL_VALIDATION') {
      // Syntax and validation errors describe the client's document; they carry no internals.
      const ours = error.extensions?.code
      const documentCode = typeof ours === 'string' && ours.startsWith('KCA_ERR_')
        ? ours
        : error.message.startsWith('Syntax Error') ? 'KCA_ERR_GRAPHQL_SYNTAX' : 'KCA_ERR_GRAPHQL_VALIDATION'
      const message = options.production ? error.message.replace(SUGGESTION, '') : error.message
      return { ...base, message, extensions: { code: documentCode, requestId } }
    }
    log.error({ err: original, path: error.path }, 'GraphQL resolver failed')
    return { ...base, message: 'internal error; quote the requestId when reporting it', extensions: { code: 'KCA_ERR_INTERNAL', requestId } }
  })
  const mediaType = context.reply ? setGraphqlMediaType(context.reply.request, context.reply) : 'application/json'
  // An answer with errors is never stored by a cache: the next request may well succeed.
  context.reply?.header('cache-control', 'private, no-store')
  let statusCode: number
  if (unavailable) {
    statusCode = 503
    context.reply?.header('retry-after', '5')
  } else if (httpStatus !== undefined) {
    statusCode = httpStatus
  } else if (execution.data === undefined) {
    statusCode = mediaType === GRAPHQL_RESPONSE_MEDIA_TYPE ? 400 : 200
  } else {
    statusCode = 200
  }
  // A refused document has no data entry at all (GraphQL over HTTP); an execution has one, null or not.
  const response = execution.data === undefined ? { errors } : { data: execution.data, errors }
  return { statusCode, response }
}
