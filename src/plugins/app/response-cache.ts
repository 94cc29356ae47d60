// Published releases never change, so the answer to a read of one is computed once: its serialized body,
// ETag and headers are kept per (release, URL, negotiated locale and format) and later requests are sent
// straight from memory. A new release makes every key miss; the old entries are dropped on the swap.
//
// A kept answer leaves through the front door (src/front-door.ts) when the request is an anonymous GET: the
// same headers, body, encoding, 304, rate limit, metrics and access line as the answer Fastify would send,
// without a Fastify request, routing, validation or hooks (test/plugins/front-door.test.ts holds the two
// to the same answers). Anything else — a key, HEAD, a miss, a client over its limit, an instance under
// pressure or closing — goes through Fastify, where the preHandler below answers hits.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import fp from 'fastify-plugin'
import proxyAddr from '@fastify/proxy-addr'
import { parse as parseQuery } from 'fast-querystring'
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler, preValidationHookHandler } from 'fastify'
import { negotiateLocale } from '../../delivery/locale.js'
import { negotiateFormat, type Format } from '../../delivery/format.js'
import { addVary, compress, compressible, compressibleBody, etagForEncoding, identityEtag, markEncoded, negotiateEncoding, requestedEncoding, varyWith, type Encoding } from './compression.js'
import { NOT_SENT_WITH_304, etagMatches, notModifiedSince } from './freshness.js'
import { SECURITY_HEADERS } from '../external/security.js'
import { setFrontDoorLane, type FastifyHandler } from '../../front-door.js'
import { requestIdOf } from '../../server-options.js'
import { accessLine, writesAccessLines } from './access-log.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This GET route's 200 answers depend only on the release, the URL and the locale. */
    responseCache?: boolean
  }
  interface FastifyInstance {
    responseCache: ResponseCache
  }
}

const KEPT_HEADERS = ['content-type', 'content-language', 'cache-control', 'surrogate-key', 'cache-tag', 'last-modified', 'vary', 'etag', 'kca-release']

interface CachedResponse {
  payload: string
  headers: Record<string, string>
  /** The route pattern that made the answer (metrics and the access line of front-door answers). */
  route?: string | undefined
  /** Front-door header lists (name, value, name, value…), built on first use per variant. */
  front?: Partial<Record<FrontVariant, string[]>>
  /** The payload's UTF-8 bytes, so the front door does not encode the string again for every request. */
  payloadBytes?: Buffer
  /** The same bytes compressed, made the first time a client asks for that encoding. */
  encoded?: Partial<Record<Encoding, Buffer>>
  /** What this entry holds in memory, every encoding included. */
  bytes: number
}

/** What an entry's key and payload take in V8: one byte per character, two when any is beyond Latin-1 ("—", "→"). */
function heldBytes (key: string, payload: string): number {
  return key.length + payload.length * (/[\u0100-\uffff]/.test(payload) ? 2 : 1)
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>()
  private bytes = 0
  hits = 0
  misses = 0
  /** Hits answered by the front door, without a Fastify request. */
  frontDoorAnswers = 0

  constructor (private readonly maxEntries = 5000, private readonly maxBytes = 32 * 1024 * 1024) {}

  get (key: string): CachedResponse | undefined {
    const entry = this.entries.get(key)
    if (entry) this.hits++
    else this.misses++
    return entry
  }

  /** Like get, but a miss is not counted: the request goes on to Fastify, where get() counts it. */
  peek (key: string): CachedResponse | undefined {
    const entry = this.entries.get(key)
    if (entry) this.hits++
    return entry
  }

  set (key: string, entry: Omit<CachedResponse, 'bytes'>): void {
    if (this.entries.has(key)) return
    const kept = { ...entry, bytes: heldBytes(key, entry.payload) }
    this.entries.set(key, kept)
    this.bytes += kept.bytes
    this.shrink()
  }

  /** Oldest first (Map iterates in insertion order) until within both limits. */
  private shrink (): void {
    for (const [oldest, value] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= value.bytes
    }
  }

  /** The entry's body in `encoding`, compressed once and kept with it (its bytes count against the limit). */
  encodedBody (key: string, entry: CachedResponse, encoding: Encoding): Buffer {
    entry.encoded ??= {}
    let body = entry.encoded[encoding]
    if (!body) {
      body = compress(entry.payload, encoding, 'once')
      entry.encoded[encoding] = body
      this.account(key, entry, body.length)
    }
    return body
  }

  /** The entry's body as bytes, encoded once and kept with it (its bytes count against the limit). */
  identityBody (key: string, entry: CachedResponse): Buffer {
    let body = entry.payloadBytes
    if (!body) {
      body = entry.payloadBytes = Buffer.from(entry.payload)
      this.account(key, entry, body.length)
    }
    return body
  }

  private account (key: string, entry: CachedResponse, bytes: number): void {
    if (this.entries.get(key) !== entry) return
    entry.bytes += bytes
    this.bytes += bytes
    this.shrink()
  }

  clear (): void {
    this.entries.clear()
    this.bytes = 0
  }

  get size (): { entries: number, bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes }
  }
}

export interface AnswerCacheOptions {
  cache: ResponseCache
  /** The key of a request whose answer may be cached, or null when it may not. */
  keyOf: (request: FastifyRequest) => string | null
  /** Headers sent again with a cached answer. */
  keptHeaders: readonly string[]
  /** A 200 answer that must still not be kept (e.g. a GraphQL answer carrying errors). */
  skip?: (payload: string, request: FastifyRequest) => boolean
  /**
   * Where hits are answered: preHandler (after schema validation; the REST keys rely on the validated query), or
   * preValidation when the key already names everything validation would check.
   */
  hitHook?: 'preHandler' | 'preValidation'
}

/** Answers from `cache` before the handler runs, and keeps successful answers as they are sent. */
export function serveFromCache (app: FastifyInstance, options: AnswerCacheOptions): void {
  // Keys of the requests this cache is waiting to fill; a WeakMap so several caches never share one slot.
  const pending = new WeakMap<FastifyRequest, string>()
  // Synchronous hooks (no promise per request). A hit is sent from here, without calling done(): the handler and
  // the later hooks of its stage do not run.
  const answerFromCache: preHandlerHookHandler = function answerFromCache (request, reply, done) {
    const key = options.keyOf(request)
    const hit = key === null ? undefined : options.cache.get(key)
    if (key === null || !hit) {
      if (key !== null) pending.set(request, key)
      done()
      return
    }
    reply.headers(hit.headers)
    if (!compressible(reply, hit.payload.length)) {
      reply.send(hit.payload)
      return
    }
    const encoding = requestedEncoding(request)
    if (encoding === null) {
      addVary(reply, 'accept-encoding')
      reply.send(hit.payload)
      return
    }
    const body = options.cache.encodedBody(key, hit, encoding)
    markEncoded(reply, encoding)
    reply.header('content-length', body.length)
    reply.send(body)
  }
  if (options.hitHook === 'preValidation') app.addHook('preValidation', answerFromCache as preValidationHookHandler)
  else app.addHook('preHandler', answerFromCache)
  app.addHook('onSend', function keepAnswer (request, reply, payload, done) {
    const key = pending.get(request)
    if (key === undefined || reply.statusCode !== 200 || typeof payload !== 'string' || options.skip?.(payload, request)) {
      done(null, payload)
      return
    }
    const headers: Record<string, string> = {}
    for (const name of options.keptHeaders) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    options.cache.set(key, { payload, headers, route: request.routeOptions.url })
    done(null, payload)
  })
}

/**
 * The key of a kept answer, from the raw request alone, so Fastify's hook and the front door find the same entry:
 * the URL as sent, with the locale and representation negotiated from it and the Accept headers. Absolute URLs
 * come from PUBLIC_BASE_URL, so the Host header is no part of it. The format parameter is read with the
 * router's own query parser (fast-querystring), so it is the value the handler saw.
 */
export function answerKey (release: number, url: string, headers: IncomingHttpHeaders): string {
  const queryAt = url.indexOf('format=') === -1 ? -1 : url.indexOf('?')
  const format = queryAt === -1 ? undefined : parseQuery(url.slice(queryAt + 1)).format as Format | Format[] | undefined
  // A repeated parameter never passes validation, so nothing is kept under it.
  const formatKey = Array.isArray(format) ? 'repeated' : negotiateFormat(format, headers.accept)
  return `${release}|${negotiateLocale(undefined, headers['accept-language'])}|${formatKey}|${url}`
}

type FrontVariant = 'identity' | 'br' | 'gzip' | 'identity-304' | 'br-304' | 'gzip-304'

/**
 * The headers Fastify sends with a kept answer but the per-request ones (request id, rate limit), in the order
 * they are then sent: security and CORS (onRequest), the kept ones, and what the encoding and a 304 change.
 */
function frontHeaders (entry: CachedResponse, encoding: Encoding | null, notModified: boolean, bodyLength: number, canCompress: boolean): string[] {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...entry.headers }
  if (canCompress) {
    headers.vary = varyWith(headers.vary, 'accept-encoding')
    if (encoding !== null) {
      headers['content-encoding'] = encoding
      if (headers.etag !== undefined) headers.etag = etagForEncoding(identityEtag(headers.etag), encoding)
    }
  }
  if (notModified) {
    for (const name of NOT_SENT_WITH_304) delete headers[name]
  } else {
    headers['content-length'] = String(bodyLength)
  }
  return Object.entries(headers).flat()
}

interface FrontDoorOptions {
  cache: ResponseCache
  /** TRUST_PROXY as Fastify reads it, to find the client's address the way `request.ip` does. */
  trustProxy: string[] | false
}

function openFrontDoor (app: FastifyInstance, options: FrontDoorOptions): void {
  const { cache } = options
  const trust = options.trustProxy === false ? null : proxyAddr.compile(options.trustProxy)
  const clientIp = (request: IncomingMessage): string => {
    if (trust === null) return request.socket.remoteAddress ?? ''
    const addresses = proxyAddr.all(request, trust)
    return addresses[addresses.length - 1] ?? ''
  }
  const logLines = writesAccessLines(app.log)
  const underPressure = (): boolean => typeof app.isUnderPressure === 'function' && app.isUnderPressure()

  const send = (request: IncomingMessage, response: ServerResponse, key: string, entry: CachedResponse, started: number, limit: { limit: number, remaining: number, resetSeconds: number }): void => {
    const headers = request.headers
    const canCompress = compressibleBody(entry.headers['content-type'], entry.payload.length)
    const encoding = canCompress ? negotiateEncoding(headers['accept-encoding']) : null
    const etag = entry.headers.etag
    const ifNoneMatch = headers['if-none-match']
    const notModified = etag !== undefined && (ifNoneMatch ? etagMatches(ifNoneMatch, etag) : notModifiedSince(headers, entry.headers['last-modified']))
    const body = notModified ? undefined : encoding === null ? cache.identityBody(key, entry) : cache.encodedBody(key, entry, encoding)
    const variant: FrontVariant = `${encoding ?? 'identity'}${notModified ? '-304' : ''}`
    entry.front ??= {}
    const kept = entry.front[variant] ??= frontHeaders(entry, encoding, notModified, body === undefined ? 0 : body.length, canCompress)
    const id = requestIdOf(headers)
    const status = notModified ? 304 : 200
    response.writeHead(status, ['x-request-id', id, 'ratelimit-limit', String(limit.limit), 'ratelimit-remaining', String(limit.remaining), 'ratelimit-reset', String(limit.resetSeconds), ...kept])
    response.end(body)
    cache.frontDoorAnswers++
    const milliseconds = performance.now() - started
    const route = entry.route ?? 'unmatched'
    app.recordAnswer('GET', route, status, milliseconds)
    if (logLines) accessLine(app.log.child({ reqId: id }), { method: 'GET', route, url: request.url ?? '', status, ms: milliseconds })
  }

  const lane = (request: IncomingMessage, response: ServerResponse, fastify: FastifyHandler): boolean => {
    const headers = request.headers
    if (request.method !== 'GET' || headers.authorization !== undefined || headers['x-api-key'] !== undefined || request.url === undefined) return false
    const release = app.releases.currentRelease
    if (release === null || underPressure()) return false
    const key = answerKey(release, request.url, headers)
    const entry = cache.peek(key)
    if (entry === undefined) return false
    const started = performance.now()
    app.chargeAnonymous(clientIp(request), (limit) => {
      // Over the limit: Fastify's limiter refuses it (counting it once more, which changes nothing it answers).
      if (limit === null) fastify(request, response)
      else send(request, response, key, entry, started, limit)
    })
    return true
  }
  app.addHook('onReady', function openDoor (done) {
    setFrontDoorLane(app.server, lane)
    done()
  })
  // Requests still arriving while the server drains are told to go elsewhere, by Fastify (src/app.ts).
  app.addHook('preClose', function closeDoor (done) {
    setFrontDoorLane(app.server, null)
    done()
  })
}

export default fp<{ trustProxy: string[] | false }>(async (app, options) => {
  const cache = new ResponseCache()
  app.decorate('responseCache', cache)
  app.releases.onSwap(() => cache.clear())
  serveFromCache(app, {
    cache,
    keptHeaders: KEPT_HEADERS,
    keyOf: (request) => {
      if (request.method !== 'GET' || request.routeOptions.config.responseCache !== true) return null
      const query = request.query as Record<string, unknown> | undefined
      const release = app.releases.currentRelease
      if (query?.preview === true || release === null) return null
      return answerKey(release, request.url, request.headers)
    }
  })
  openFrontDoor(app, { cache, trustProxy: options.trustProxy })
}, { name: 'response-cache', dependencies: ['content', 'freshness', 'rate-limit'] })
