// Published releases never change, so the answer to a read of one is computed once: its serialized body,
// ETag and headers are kept per (release, URL, negotiated locale) and later requests are sent straight
// from memory. A new release makes every key miss; the old entries are dropped on the swap.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { negotiateLocale } from '../../delivery/locale.js'
import { negotiateFormat, type Format } from '../../delivery/format.js'
import { addVary, compress, compressible, markEncoded, requestedEncoding, type Encoding } from './compression.js'

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
  /** The same bytes compressed, made the first time a client asks for that encoding. */
  encoded?: Partial<Record<Encoding, Buffer>>
  /** What this entry holds in memory, every encoding included. */
  bytes: number
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>()
  private bytes = 0
  hits = 0
  misses = 0

  constructor (private readonly maxEntries = 5000, private readonly maxBytes = 64 * 1024 * 1024) {}

  get (key: string): CachedResponse | undefined {
    const entry = this.entries.get(key)
    if (entry) this.hits++
    else this.misses++
    return entry
  }

  set (key: string, entry: Omit<CachedResponse, 'bytes'>): void {
    if (this.entries.has(key)) return
    const kept = { ...entry, bytes: entry.payload.length }
    this.entries.set(key, kept)
    this.bytes += kept.bytes
    // Oldest first: Map iterates in insertion order.
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
      if (this.entries.get(key) === entry) {
        entry.bytes += body.length
        this.bytes += body.length
      }
    }
    return body
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
  skip?: (payload: string) => boolean
}

/** Answers from `cache` before the handler runs, and keeps successful answers as they are sent. */
export function serveFromCache (app: FastifyInstance, options: AnswerCacheOptions): void {
  // Keys of the requests this cache is waiting to fill; a WeakMap so several caches never share one slot.
  const pending = new WeakMap<FastifyRequest, string>()
  // Synchronous hooks (no promise per request). A hit is sent from here, without calling done(): the handler and
  // the later preHandlers do not run.
  app.addHook('preHandler', function answerFromCache (request, reply, done) {
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
  })
  app.addHook('onSend', function keepAnswer (request, reply, payload, done) {
    const key = pending.get(request)
    if (key === undefined || reply.statusCode !== 200 || typeof payload !== 'string' || options.skip?.(payload)) {
      done(null, payload)
      return
    }
    const headers: Record<string, string> = {}
    for (const name of options.keptHeaders) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    options.cache.set(key, { payload, headers })
    done(null, payload)
  })
}

export default fp(async (app) => {
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
      // The representation depends on Accept; absolute URLs come from PUBLIC_BASE_URL, so the Host header is no part of the key.
      const format = negotiateFormat(query?.format as Format | undefined, request.headers.accept)
      return `${release}|${negotiateLocale(undefined, request.headers['accept-language'])}|${format}|${request.url}`
    }
  })
}, { name: 'response-cache', dependencies: ['content', 'freshness'] })
