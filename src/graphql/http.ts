// GraphQL over HTTP (graphql.github.io/graphql-over-http): the request parameters, checked before Mercurius sees
// them (Mercurius falls back to JSON.parse of a query it cannot parse, and takes whatever that yields for a
// document); the media type of the answer; and persisted documents, automatic (APQ) or trusted (an allow-list).
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import { parse } from 'graphql'
import type { FastifyReply, FastifyRequest } from 'fastify'
import {
  DocumentNotTrustedError, GraphqlRequestError, GraphqlSyntaxError, PersistedQueryMismatchError, PersistedQueryNotFoundError
} from '../errors.js'

export const GRAPHQL_RESPONSE_MEDIA_TYPE = 'application/graphql-response+json'
export type GraphqlMediaType = 'application/json' | typeof GRAPHQL_RESPONSE_MEDIA_TYPE

/** application/graphql-response+json when the client prefers it (at least as much as JSON); else application/json. */
export function negotiateMediaType (accept: string | undefined): GraphqlMediaType {
  if (!accept) return 'application/json'
  let json = -1
  let graphql = -1
  for (const part of accept.split(',')) {
    const [range = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase())
    const weight = parameters.find((parameter) => parameter.startsWith('q='))
    const q = weight === undefined ? 1 : Number(weight.slice(2))
    if (!Number.isFinite(q)) continue
    if (range === GRAPHQL_RESPONSE_MEDIA_TYPE) graphql = Math.max(graphql, q)
    else if (range === 'application/json' || range === 'application/*' || range === '*/*') json = Math.max(json, q)
  }
  return graphql > 0 && graphql >= json ? GRAPHQL_RESPONSE_MEDIA_TYPE : 'application/json'
}

/** Every GraphQL answer, error or not, says which media type it is and that it depends on Accept. */
export function setGraphqlMediaType (request: FastifyRequest, reply: FastifyReply): GraphqlMediaType {
  const mediaType = negotiateMediaType(request.headers.accept)
  reply.header('content-type', `${mediaType}; charset=utf-8`)
  reply.header('vary', 'accept')
  return mediaType
}

export function sha256Hex (text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

const SHA256 = /^[0-9a-f]{64}$/

/**
 * Documents a client may name by hash. Automatic persisted queries: a client registers a document by sending it
 * once with its hash, after it validated; the newest AUTOMATIC_MAX are kept per instance. Trusted documents: only
 * the documents loaded at start run, by hash or by text, and nothing registers.
 */
export class PersistedDocuments {
  static readonly AUTOMATIC_MAX = 1000
  private readonly automatic = new Map<string, string>()

  constructor (readonly trusted: ReadonlyMap<string, string> | null = null) {}

  get (hash: string): string | undefined {
    if (this.trusted) return this.trusted.get(hash)
    const text = this.automatic.get(hash)
    if (text !== undefined) {
      // Least recently used goes first: a hit moves to the end.
      this.automatic.delete(hash)
      this.automatic.set(hash, text)
    }
    return text
  }

  register (hash: string, text: string): void {
    if (this.trusted || this.automatic.has(hash)) return
    this.automatic.set(hash, text)
    if (this.automatic.size > PersistedDocuments.AUTOMATIC_MAX) this.automatic.delete(this.automatic.keys().next().value as string)
  }
}

/**
 * Reads trusted documents from a file or a directory (recursively): `.graphql`/`.gql` files are one document each;
 * `.json` files are an Apollo persisted-query manifest (`{ format: "apollo-persisted-query-manifest", operations:
 * [{ id, body }] }`) or a map of sha256 → document. A hash given in a file must be the sha256 of its document.
 */
export function loadTrustedDocuments (path: string): Map<string, string> {
  const documents = new Map<string, string>()
  const add = (file: string, text: string, declared?: string) => {
    const hash = sha256Hex(text)
    if (declared !== undefined && declared !== hash) throw new Error(`${file}: "${declared}" is not the sha256 of its document (${hash})`)
    try {
      parse(text)
    } catch (error) {
      throw new Error(`${file}: not a GraphQL document: ${(error as Error).message}`)
    }
    documents.set(hash, text)
  }
  const read = (file: string) => {
    const extension = extname(file)
    if (extension === '.graphql' || extension === '.gql') return add(file, readFileSync(file, 'utf8'))
    if (extension !== '.json') return
    const content = JSON.parse(readFileSync(file, 'utf8')) as unknown
    if (content !== null && typeof content === 'object' && (content as { format?: unknown }).format === 'apollo-persisted-query-manifest') {
      const operations = (content as { operations?: unknown }).operations
      if (!Array.isArray(operations)) throw new Error(`${file}: an Apollo manifest needs an operations array`)
      for (const operation of operations as Array<{ id?: unknown, body?: unknown }>) {
        if (typeof operation.body !== 'string' || typeof operation.id !== 'string') throw new Error(`${file}: every operation needs a string id and body`)
        add(file, operation.body, operation.id)
      }
      return
    }
    if (content === null || typeof content !== 'object' || Array.isArray(content)) throw new Error(`${file}: expected a map of sha256 → document or an Apollo manifest`)
    for (const [hash, text] of Object.entries(content)) {
      if (typeof text !== 'string') throw new Error(`${file}: the document of ${hash} is not a string`)
      add(file, text, hash)
    }
  }
  const walk = (entry: string) => {
    if (statSync(entry).isDirectory()) for (const name of readdirSync(entry).sort()) walk(join(entry, name))
    else read(entry)
  }
  walk(path)
  if (documents.size === 0) throw new Error(`${path}: no trusted documents found (.graphql, .gql or .json)`)
  return documents
}

/** What the checks found, for the hooks that run later on the same request. */
export interface PreparedRequest {
  /** An automatic persisted query to register once its document validated. */
  register?: { hash: string, text: string }
}

function isMap (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** GET carries variables and extensions as JSON text. */
function jsonParameter (name: string, value: unknown): unknown {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new GraphqlRequestError(`${name}: must be given once, as JSON`)
  try {
    return JSON.parse(value, (key, item: unknown) => {
      if (key === '__proto__') throw new Error('__proto__')
      return item
    })
  } catch {
    throw new GraphqlRequestError(`${name}: must be a JSON object`)
  }
}

/** JSON where GraphQL text belongs (`{"query":"{}"}`, `42`, `true`): no JSON value is a GraphQL document. */
function isJson (text: string): boolean {
  const start = text.search(/\S/)
  if (start === -1) return false
  // A selection set opens like an object but goes on with a name, never `"` or `}`: no JSON.parse (and no
  // SyntaxError built) for an ordinary `{ field … }` document.
  if (text[start] === '{') {
    const next = text.slice(start + 1, start + 200).search(/\S/)
    const following = next === -1 ? undefined : text[start + 1 + next]
    if (following !== undefined && following !== '"' && following !== '}') return false
  }
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * Checks the parameters of a GraphQL request and resolves a persisted document into its text, so Mercurius only
 * ever receives a string that is not JSON. Throws the error the client gets.
 */
export function prepareGraphqlRequest (request: FastifyRequest, documents: PersistedDocuments, maxTokens: number): PreparedRequest {
  const get = request.method === 'GET'
  const source: unknown = get ? request.query : request.body
  if (Array.isArray(source)) throw new GraphqlRequestError('batched requests are not supported: send one operation per request')
  if (!isMap(source)) throw new GraphqlRequestError('the body must be a JSON object with a query')
  const { query, operationName } = source
  if (query !== undefined && query !== null && typeof query !== 'string') throw new GraphqlRequestError('query: must be a string')
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw new GraphqlRequestError('operationName: must be a string')
  const variables = get ? jsonParameter('variables', source.variables) : source.variables
  if (variables !== undefined && variables !== null && !isMap(variables)) throw new GraphqlRequestError('variables: must be a map')
  const extensions = get ? jsonParameter('extensions', source.extensions) : source.extensions
  if (extensions !== undefined && extensions !== null && !isMap(extensions)) throw new GraphqlRequestError('extensions: must be a map')

  let text = typeof query === 'string' ? query : undefined
  const prepared: PreparedRequest = {}
  const persisted = extensions?.persistedQuery
  if (persisted !== undefined && persisted !== null) {
    if (!isMap(persisted) || persisted.version !== 1 || typeof persisted.sha256Hash !== 'string' || !SHA256.test(persisted.sha256Hash)) {
      throw new GraphqlRequestError('extensions.persistedQuery: must be { "version": 1, "sha256Hash": "<64 lowercase hex digits>" }')
    }
    const hash = persisted.sha256Hash
    if (text === undefined) {
      text = documents.get(hash)
      if (text === undefined) throw new PersistedQueryNotFoundError()
    } else if (sha256Hex(text) !== hash) {
      throw new PersistedQueryMismatchError()
    } else if (documents.trusted === null) {
      prepared.register = { hash, text }
    }
  }
  if (text === undefined) throw new GraphqlRequestError('query: required (or extensions.persistedQuery with the sha256Hash of a persisted document)')
  if (documents.trusted !== null && !documents.trusted.has(sha256Hex(text))) throw new DocumentNotTrustedError()
  if (isJson(text)) {
    let message = 'Syntax Error: the query is JSON, not a GraphQL document'
    try {
      parse(text, { maxTokens })
    } catch (error) {
      message = (error as Error).message
    }
    throw new GraphqlSyntaxError(`${message} (the query is JSON: send the GraphQL document itself as the query string)`)
  }
  source.query = text
  return prepared
}
