// HTTP freshness for every successful read: a strong ETag from the body (the body is a pure function of
// content hashes, so it is stable across restarts and instances), 304 for If-None-Match / If-Modified-Since,
// Cache-Control by kind of URL, and Surrogate-Key / Cache-Tag naming every entity in the answer.
import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { identityEtag } from './compression.js'

export type CachePolicy = 'current' | 'immutable' | 'feed' | 'private'

const CACHE_CONTROL: Record<CachePolicy, string> = {
  current: 'public, max-age=60, stale-while-revalidate=600, stale-if-error=86400',
  immutable: 'public, max-age=31536000, immutable',
  feed: 'public, max-age=10, stale-if-error=3600',
  private: 'private, no-store'
}

export interface Freshness {
  policy: CachePolicy
  /** Entities in the answer, as `type/slug`; lists add `list/<plural>`. */
  keys?: string[]
  lastModified?: Date | undefined
}

export function setFreshness (reply: FastifyReply, freshness: Freshness): void {
  reply.header('cache-control', CACHE_CONTROL[freshness.policy])
  if (freshness.keys && freshness.keys.length > 0 && freshness.policy !== 'private') {
    const keys = [...new Set(freshness.keys)].join(' ')
    reply.header('surrogate-key', keys)
    reply.header('cache-tag', keys.replaceAll(' ', ','))
  }
  if (freshness.lastModified) reply.header('last-modified', freshness.lastModified.toUTCString())
}

export function strongEtag (payload: string | Buffer): string {
  return `"${createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`
}

/**
 * If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored, and so is the encoding
 * suffix: a client holding the gzip bytes of a representation holds that representation.
 */
export function etagMatches (header: string, etag: string): boolean {
  if (header.trim() === '*') return true
  const wanted = identityEtag(etag)
  return header.split(',').some((candidate) => identityEtag(candidate.trim().replace(/^W\//, '')) === wanted)
}

export function notModifiedSince (headers: IncomingHttpHeaders, lastModified: string | undefined): boolean {
  const since = headers['if-modified-since']
  if (!since || !lastModified || headers['if-none-match']) return false
  const sinceTime = Date.parse(since)
  return Number.isFinite(sinceTime) && Date.parse(lastModified) <= sinceTime
}

/** ETags of small bodies (probes, tiny answers), which come again and again: a lookup instead of a SHA-256. */
const SMALL_BODY_CHARS = 256
const SMALL_BODIES_KEPT = 1000
const smallBodyEtags = new Map<string, string>()

function etagOf (payload: string | Buffer): string {
  if (typeof payload !== 'string' || payload.length > SMALL_BODY_CHARS) return strongEtag(payload)
  let etag = smallBodyEtags.get(payload)
  if (etag === undefined) {
    etag = strongEtag(payload)
    if (smallBodyEtags.size >= SMALL_BODIES_KEPT) smallBodyEtags.delete(smallBodyEtags.keys().next().value as string)
    smallBodyEtags.set(payload, etag)
  }
  return etag
}

/**
 * A 304 says the client's copy is still good: it repeats the validators, Cache-Control and Vary, and leaves out the
 * body's own metadata (RFC 9110 §15.4.5). Surrogate keys and cache tags (up to a few KB for an entity with many
 * links) are left out too: a cache that revalidates keeps those of the copy it holds.
 */
export const NOT_SENT_WITH_304 = ['content-type', 'content-length', 'content-encoding', 'content-language', 'surrogate-key', 'cache-tag']

/** GET and HEAD answers that get an ETag (and may become a 304). */
function validated (request: FastifyRequest, reply: FastifyReply, payload: unknown): payload is string | Buffer {
  return (request.method === 'GET' || request.method === 'HEAD') && reply.statusCode === 200 && (typeof payload === 'string' || Buffer.isBuffer(payload))
}

/** Every successful read gets its strong ETag (kept by the answer caches with the rest of the answer). */
export default fp(async (app) => {
  // Synchronous: no promise per request.
  app.addHook('onSend', function etag (request, reply, payload, done) {
    if (validated(request, reply, payload) && reply.getHeader('etag') === undefined) reply.header('etag', etagOf(payload))
    done(null, payload)
  })
}, { name: 'freshness' })

/**
 * If-None-Match / If-Modified-Since → 304. A plugin of its own, registered after the answer caches' onSend
 * (src/app.ts): a conditional request that misses the cache still leaves the full answer in it, so a client that
 * only ever revalidates is answered from memory from its second request on.
 */
export const notModifiedPlugin = fp(async (app) => {
  app.addHook('onSend', function notModified (request, reply, payload, done) {
    if (!validated(request, reply, payload)) {
      done(null, payload)
      return
    }
    const etag = reply.getHeader('etag') as string
    const ifNoneMatch = request.headers['if-none-match']
    if ((ifNoneMatch && etagMatches(ifNoneMatch, etag)) || notModifiedSince(request.headers, reply.getHeader('last-modified') as string | undefined)) {
      reply.code(304)
      for (const name of NOT_SENT_WITH_304) reply.removeHeader(name)
      // No body and no Content-Length: a 304 may only repeat the length of the 200 (RFC 9110 §8.6).
      done(null, null)
      return
    }
    done(null, payload)
  })
}, { name: 'not-modified', dependencies: ['freshness'] })
