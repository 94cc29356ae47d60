// Published releases never change, so the answer to a read of one is computed once: its serialized body,
// ETag and headers are kept per (release, URL, negotiated locale) and later requests are sent straight
// from memory. A new release makes every key miss; the old entries are dropped on the swap.
import fp from 'fastify-plugin'
import { negotiateLocale } from '../../delivery/locale.js'
import { negotiateFormat, type Format } from '../../delivery/format.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This GET route's 200 answers depend only on the release, the URL and the locale. */
    responseCache?: boolean
  }
  interface FastifyRequest {
    responseCacheKey: string | null
  }
  interface FastifyInstance {
    responseCache: ResponseCache
  }
}

const KEPT_HEADERS = ['content-type', 'content-language', 'cache-control', 'surrogate-key', 'cache-tag', 'last-modified', 'vary', 'etag']

interface CachedResponse { payload: string, headers: Record<string, string> }

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

  set (key: string, entry: CachedResponse): void {
    if (this.entries.has(key)) return
    this.entries.set(key, entry)
    this.bytes += entry.payload.length
    // Oldest first: Map iterates in insertion order.
    for (const [oldest, value] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= value.payload.length
    }
  }

  clear (): void {
    this.entries.clear()
    this.bytes = 0
  }

  get size (): { entries: number, bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes }
  }
}

export default fp(async (app) => {
  const cache = new ResponseCache()
  app.decorate('responseCache', cache)
  app.decorateRequest('responseCacheKey', null)
  app.releases.onSwap(() => cache.clear())

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'GET' || request.routeOptions.config.responseCache !== true) return
    const query = request.query as Record<string, unknown> | undefined
    if (query?.preview === true) return
    const release = app.releases.currentRelease
    if (release === null) return
    // The representation depends on Accept; JSON-LD also carries absolute URLs of the host asked.
    const format = negotiateFormat(query?.format as Format | undefined, request.headers.accept)
    const key = `${release}|${negotiateLocale(undefined, request.headers['accept-language'])}|${format}|${format === 'jsonld' ? request.host : ''}|${request.url}`
    const hit = cache.get(key)
    if (!hit) {
      request.responseCacheKey = key
      return
    }
    reply.headers(hit.headers)
    return reply.send(hit.payload)
  })

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.responseCacheKey === null || reply.statusCode !== 200 || typeof payload !== 'string') return payload
    const headers: Record<string, string> = {}
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    cache.set(request.responseCacheKey, { payload, headers })
    return payload
  })
}, { name: 'response-cache', dependencies: ['content', 'freshness'] })
