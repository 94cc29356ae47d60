// The error registry: every error the service raises on purpose has a KCA_ERR_* code and an HTTP status.
// REST answers them as application/problem+json (RFC 9457); GraphQL as `extensions.code`.
import createError from '@fastify/error'
import type { ContentProblem } from './content/corpus.js'

export const NotFoundError = createError<[string]>('KCA_ERR_NOT_FOUND', '%s', 404)
export const GoneError = createError<[string]>('KCA_ERR_GONE', '%s', 410)
export const BadRequestError = createError<[string]>('KCA_ERR_BAD_REQUEST', '%s', 400)
export const InvalidCursorError = createError('KCA_ERR_INVALID_CURSOR', 'cursor is not one this API issued, or it belongs to another list; start again without it', 400)
export const ReleaseNotFoundError = createError<[number]>('KCA_ERR_RELEASE_NOT_FOUND', 'release %s does not exist', 404)
export const NoReleaseError = createError('KCA_ERR_NO_RELEASE', 'no content has been published yet', 503)
export const OverloadedError = createError<[string]>('KCA_ERR_OVERLOADED', '%s', 503)
export const UnavailableError = createError('KCA_ERR_UNAVAILABLE', 'the service is temporarily unavailable; retry shortly', 503)
export const UnauthorizedError = createError<[string]>('KCA_ERR_UNAUTHORIZED', '%s', 401)
export const ForbiddenError = createError<[string]>('KCA_ERR_FORBIDDEN', '%s', 403)
export const RateLimitedError = createError<[string]>('KCA_ERR_RATE_LIMITED', '%s', 429)
export const ContentConflictError = createError<[string]>('KCA_ERR_CONTENT_CONFLICT', '%s', 409)

export class ContentInvalidError extends Error {
  readonly code = 'KCA_ERR_CONTENT_INVALID'
  constructor (readonly problems: ContentProblem[]) {
    super(`content is invalid: ${problems.length} problem(s); nothing was published`)
  }
}

/** Codes for errors Fastify itself raises on client mistakes, so clients see one vocabulary. */
export const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_VALIDATION: 'KCA_ERR_VALIDATION',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'KCA_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'KCA_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'KCA_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'KCA_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'KCA_ERR_BAD_REQUEST',
  FST_ERR_BAD_URL: 'KCA_ERR_BAD_REQUEST',
  FST_ERR_ASYNC_CONSTRAINT: 'KCA_ERR_BAD_REQUEST'
}

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable'
}

export function problemType (code: string): string {
  return `/docs/errors#${code}`
}

// GraphQL over HTTP. A malformed request (no query, a query that is not a string or is JSON, variables that are not
// a map …) is a 400 whatever the media type; a document the server refuses to run is a GraphQL request error.
export const GraphqlRequestError = createError<[string]>('KCA_ERR_GRAPHQL_REQUEST', '%s', 400)
export const GraphqlSyntaxError = createError<[string]>('KCA_ERR_GRAPHQL_SYNTAX', '%s', 400)
/** The code and message every automatic-persisted-query client (Apollo, urql, graphql-http …) acts on: not ours to prefix. */
export const PersistedQueryNotFoundError = createError('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', 400)
export const PersistedQueryMismatchError = createError('KCA_ERR_PERSISTED_QUERY_MISMATCH', 'extensions.persistedQuery.sha256Hash is not the sha256 of the query sent with it', 400)
export const DocumentNotTrustedError = createError('KCA_ERR_DOCUMENT_NOT_TRUSTED', 'this server runs only registered documents: send extensions.persistedQuery with the sha256Hash of one', 403)

/** Codes only GraphQL answers carry (in `extensions.code`), with what each means. */
export const GRAPHQL_ERROR_CODES: Record<string, string> = {
  KCA_ERR_GRAPHQL_REQUEST: 'the HTTP request is not a GraphQL request: query missing or not a string, variables or extensions not a map, a batch',
  KCA_ERR_GRAPHQL_SYNTAX: 'the query is not a GraphQL document (including JSON sent where GraphQL text belongs)',
  KCA_ERR_GRAPHQL_VALIDATION: 'the document does not validate against the schema, or a variable does not coerce',
  KCA_ERR_QUERY_DEPTH: 'the document nests deeper than 10 fields (introspection excepted)',
  KCA_ERR_QUERY_ALIASES: 'the document uses more than 15 aliases',
  KCA_ERR_QUERY_COST: 'the document would cost more than 10,000 before it runs',
  PERSISTED_QUERY_NOT_FOUND: 'the sha256Hash is not registered here: send the query with it once (APQ), or use a trusted document',
  KCA_ERR_PERSISTED_QUERY_MISMATCH: 'the sha256Hash sent is not the hash of the query sent with it',
  KCA_ERR_DOCUMENT_NOT_TRUSTED: 'trusted-documents mode: only registered documents run'
}
