// The error registry: every error code a client can see is listed here once, with its HTTP status, title and
// meaning. REST answers them as application/problem+json (RFC 9457) whose `type` points at this list, served
// as the error catalogue (/docs/errors); GraphQL answers them as `extensions.code`. The error classes below are
// built from the same entries, so a code cannot be raised with another status than the one documented.
import createError from '@fastify/error'
import type { ContentProblem } from './content/problems.js'

export interface ErrorEntry {
  status: number
  title: string
  /** What it means for a client, and what to do about it. */
  meaning: string
  /** Where a client meets it: REST, GraphQL, the HTTP layer before routing, or the publishing CLI. */
  seenIn: ReadonlyArray<'rest' | 'graphql' | 'http' | 'cli'>
}

export const ERROR_CATALOGUE = {
  KCA_ERR_BAD_REQUEST: { status: 400, title: 'Bad Request', seenIn: ['rest', 'graphql', 'http'], meaning: 'The request is malformed: a body that is not JSON, a parameter that contradicts another, a malformed HTTP message. `detail` says what.' },
  KCA_ERR_VALIDATION: { status: 400, title: 'Invalid Parameter', seenIn: ['rest'], meaning: 'A path or query parameter is invalid or unknown. `errors[]` names each one (`querystring.severity`) with the reason; unknown parameters are refused rather than ignored.' },
  KCA_ERR_BAD_URL: { status: 400, title: 'Bad URL', seenIn: ['http'], meaning: 'The URL path is not valid percent-encoded UTF-8 (for example `%ff%fe`).' },
  KCA_ERR_INVALID_CURSOR: { status: 400, title: 'Invalid Cursor', seenIn: ['rest', 'graphql'], meaning: 'The cursor was not issued by this API for this list (or was altered). Start the list again without it.' },
  KCA_ERR_QUERY_COST: { status: 400, title: 'Query Too Costly', seenIn: ['graphql'], meaning: 'The GraphQL document would cost more than the per-query budget (every list multiplies what it selects). Ask for smaller pages or fewer nested lists.' },
  KCA_ERR_GRAPHQL_REQUEST: { status: 400, title: 'Not a GraphQL Request', seenIn: ['graphql'], meaning: 'The HTTP request is not a GraphQL request: the query is missing or not a string, variables or extensions are not a map, or it is a batch.' },
  KCA_ERR_GRAPHQL_SYNTAX: { status: 400, title: 'GraphQL Syntax Error', seenIn: ['graphql'], meaning: 'The query is not a GraphQL document (including JSON sent where GraphQL text belongs). `locations` points at the error.' },
  KCA_ERR_QUERY_DEPTH: { status: 400, title: 'Query Too Deep', seenIn: ['graphql'], meaning: 'The document nests deeper than 10 fields, counted through fragments (introspection excepted).' },
  KCA_ERR_QUERY_ALIASES: { status: 400, title: 'Too Many Aliases', seenIn: ['graphql'], meaning: 'The document uses more than 15 aliases.' },
  PERSISTED_QUERY_NOT_FOUND: { status: 400, title: 'Persisted Query Not Found', seenIn: ['graphql'], meaning: 'The sha256Hash is not registered on this instance: send the query with it once (automatic persisted queries), or use a trusted document. Unprefixed because APQ clients act on exactly this code.' },
  KCA_ERR_PERSISTED_QUERY_MISMATCH: { status: 400, title: 'Persisted Query Mismatch', seenIn: ['graphql'], meaning: 'The sha256Hash sent is not the hash of the query sent with it.' },
  KCA_ERR_DOCUMENT_NOT_TRUSTED: { status: 403, title: 'Document Not Trusted', seenIn: ['graphql'], meaning: 'Trusted-documents mode: only registered documents run. Send extensions.persistedQuery with the sha256Hash of one.' },
  KCA_ERR_GRAPHQL_VALIDATION: { status: 400, title: 'Invalid GraphQL Document', seenIn: ['graphql'], meaning: 'The GraphQL document does not parse or does not validate against the schema (including the depth, alias and token limits).' },
  KCA_ERR_UNAUTHORIZED: { status: 401, title: 'Unauthorized', seenIn: ['rest', 'graphql'], meaning: 'An API key was sent but is not valid or was revoked, or the request needs a key. Reads need no key: leave the header out, or send a valid key.' },
  KCA_ERR_FORBIDDEN: { status: 403, title: 'Forbidden', seenIn: ['rest', 'graphql'], meaning: 'The API key is valid but lacks the scope the request needs (for example `preview` for drafts).' },
  KCA_ERR_NOT_FOUND: { status: 404, title: 'Not Found', seenIn: ['rest', 'graphql'], meaning: 'No such entity, version or code in the release read (the current one, or the one pinned with `release`).' },
  KCA_ERR_RELEASE_NOT_FOUND: { status: 404, title: 'Release Not Found', seenIn: ['rest', 'graphql'], meaning: 'The release number named does not exist (yet).' },
  KCA_ERR_ROUTE_NOT_FOUND: { status: 404, title: 'Not Found', seenIn: ['rest', 'http'], meaning: 'No route has this path. The routes are listed in /openapi.json.' },
  KCA_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method Not Allowed', seenIn: ['rest', 'http'], meaning: 'The path exists but not for this method; the `Allow` header lists the methods it takes. The REST API is read-only.' },
  KCA_ERR_REQUEST_TIMEOUT: { status: 408, title: 'Request Timeout', seenIn: ['http'], meaning: 'The request did not arrive in full within the server\'s time limit (10 s).' },
  KCA_ERR_GONE: { status: 410, title: 'Gone', seenIn: ['rest', 'graphql'], meaning: 'The entity was withdrawn. `tombstone` says when, in which release and why; its earlier versions stay readable.' },
  KCA_ERR_BODY_TOO_LARGE: { status: 413, title: 'Content Too Large', seenIn: ['rest', 'graphql'], meaning: 'The request body is over the limit (64 KiB; 16 KiB on /graphql).' },
  KCA_ERR_URI_TOO_LONG: { status: 414, title: 'URI Too Long', seenIn: ['http'], meaning: 'A path segment is longer than any identifier this API uses (200 characters).' },
  KCA_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported Media Type', seenIn: ['rest', 'graphql'], meaning: 'The request body\'s Content-Type is not one this API reads: JSON, or application/graphql on /graphql.' },
  KCA_ERR_RATE_LIMITED: { status: 429, title: 'Too Many Requests', seenIn: ['rest', 'graphql'], meaning: 'The client\'s request rate limit (or GraphQL cost budget) for the current minute is spent. Wait for `Retry-After` seconds; a partner API key has a higher limit.' },
  KCA_ERR_HEADERS_TOO_LARGE: { status: 431, title: 'Request Header Fields Too Large', seenIn: ['http'], meaning: 'The request line and headers together exceed 16 KiB (a very long URL counts too).' },
  KCA_ERR_INTERNAL: { status: 500, title: 'Internal Server Error', seenIn: ['rest', 'graphql'], meaning: 'A failure on our side; nothing about it is shown. Quote the `requestId` when reporting it: it names the full log line.' },
  KCA_ERR_FORMAT_NOT_IMPLEMENTED: { status: 501, title: 'Not Implemented', seenIn: ['rest'], meaning: 'The representation asked for is not implemented (oEmbed `format=xml`).' },
  KCA_ERR_METHOD_NOT_IMPLEMENTED: { status: 501, title: 'Not Implemented', seenIn: ['http'], meaning: 'The HTTP method is not one this server recognises at all (for example `FOO`).' },
  KCA_ERR_NO_RELEASE: { status: 503, title: 'Service Unavailable', seenIn: ['rest', 'graphql'], meaning: 'No content has been published yet. Retry after `Retry-After` seconds.' },
  KCA_ERR_OVERLOADED: { status: 503, title: 'Service Unavailable', seenIn: ['rest', 'graphql'], meaning: 'The instance is overloaded and sheds new requests. Retry after `Retry-After` seconds.' },
  KCA_ERR_UNAVAILABLE: { status: 503, title: 'Service Unavailable', seenIn: ['rest', 'graphql'], meaning: 'A dependency (the database) is unavailable; current content keeps being served from memory. Retry after `Retry-After` seconds.' },
  KCA_ERR_SHUTTING_DOWN: { status: 503, title: 'Service Unavailable', seenIn: ['rest', 'graphql', 'http'], meaning: 'This instance is shutting down (a deploy or restart); the connection is closed. Retry: another instance answers.' },
  KCA_ERR_TIMEOUT: { status: 503, title: 'Service Unavailable', seenIn: ['rest', 'graphql'], meaning: 'No answer could be produced within the request deadline. Retry after `Retry-After` seconds.' },
  KCA_ERR_CONTENT_CONFLICT: { status: 409, title: 'Conflict', seenIn: ['cli'], meaning: 'Two publishes ran at once; this one lost and wrote nothing. Run it again.' },
  KCA_ERR_CONTENT_INVALID: { status: 422, title: 'Content Invalid', seenIn: ['cli'], meaning: 'The content files do not validate; each problem names the file, the field and the reason. Nothing was published.' }
} as const satisfies Record<string, ErrorEntry>

export type ErrorCode = keyof typeof ERROR_CATALOGUE

export function isErrorCode (code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code)
}

function registered<Args extends unknown[] = []> (code: ErrorCode, message: string) {
  return createError<Args>(code, message, ERROR_CATALOGUE[code].status)
}

export const NotFoundError = registered<[string]>('KCA_ERR_NOT_FOUND', '%s')
export const GoneError = registered<[string]>('KCA_ERR_GONE', '%s')
export const BadRequestError = registered<[string]>('KCA_ERR_BAD_REQUEST', '%s')
export const InvalidCursorError = registered('KCA_ERR_INVALID_CURSOR', 'cursor is not one this API issued, or it belongs to another list; start again without it')
export const ReleaseNotFoundError = registered<[number]>('KCA_ERR_RELEASE_NOT_FOUND', 'release %s does not exist')
export const NoReleaseError = registered('KCA_ERR_NO_RELEASE', 'no content has been published yet')
export const OverloadedError = registered<[string]>('KCA_ERR_OVERLOADED', '%s')
export const UnavailableError = registered('KCA_ERR_UNAVAILABLE', 'the service is temporarily unavailable; retry shortly')
export const UnauthorizedError = registered<[string]>('KCA_ERR_UNAUTHORIZED', '%s')
export const ForbiddenError = registered<[string]>('KCA_ERR_FORBIDDEN', '%s')
export const RateLimitedError = registered<[string]>('KCA_ERR_RATE_LIMITED', '%s')
export const ContentConflictError = registered<[string]>('KCA_ERR_CONTENT_CONFLICT', '%s')

export class ContentInvalidError extends Error {
  readonly code = 'KCA_ERR_CONTENT_INVALID' satisfies ErrorCode
  constructor (readonly problems: ContentProblem[]) {
    super(`content is invalid: ${problems.length} problem(s); nothing was published`)
  }
}

/** Codes for errors Fastify itself raises on client mistakes, so clients see one vocabulary. */
export const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_VALIDATION: 'KCA_ERR_VALIDATION',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'KCA_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'KCA_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'KCA_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'KCA_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'KCA_ERR_BAD_REQUEST',
  FST_ERR_BAD_URL: 'KCA_ERR_BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'KCA_ERR_URI_TOO_LONG',
  FST_ERR_ASYNC_CONSTRAINT: 'KCA_ERR_BAD_REQUEST'
}

/** The code for a client error raised by a library under a code of its own, by its status. */
export function codeForClientError (code: string | undefined, status: number): ErrorCode {
  if (code !== undefined && FRAMEWORK_CODES[code]) return FRAMEWORK_CODES[code]
  if (status === 413) return 'KCA_ERR_BODY_TOO_LARGE'
  if (status === 415) return 'KCA_ERR_UNSUPPORTED_MEDIA_TYPE'
  if (status === 405) return 'KCA_ERR_METHOD_NOT_ALLOWED'
  if (status === 429) return 'KCA_ERR_RATE_LIMITED'
  return 'KCA_ERR_BAD_REQUEST'
}

export const ERROR_CATALOGUE_PATH = '/docs/errors'

/** The problem `type`: a link to this code's entry in the error catalogue. */
export function problemType (code: ErrorCode): string {
  return `${ERROR_CATALOGUE_PATH}#${code}`
}

// GraphQL over HTTP. A malformed request (no query, a query that is not a string or is JSON, variables that are not
// a map …) is a 400 whatever the media type; a document the server refuses to run is a GraphQL request error.
export const GraphqlRequestError = registered<[string]>('KCA_ERR_GRAPHQL_REQUEST', '%s')
export const GraphqlSyntaxError = registered<[string]>('KCA_ERR_GRAPHQL_SYNTAX', '%s')
/** The code and message every automatic-persisted-query client (Apollo, urql, graphql-http …) acts on: not ours to prefix. */
export const PersistedQueryNotFoundError = registered('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound')
export const PersistedQueryMismatchError = registered('KCA_ERR_PERSISTED_QUERY_MISMATCH', 'extensions.persistedQuery.sha256Hash is not the sha256 of the query sent with it')
export const DocumentNotTrustedError = registered('KCA_ERR_DOCUMENT_NOT_TRUSTED', 'this server runs only registered documents: send extensions.persistedQuery with the sha256Hash of one')
