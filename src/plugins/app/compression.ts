// Compressed answers. Bodies worth compressing (JSON, HTML, text, at least 1 KiB) are sent in brotli or gzip
// when the client accepts them, with `Vary: Accept-Encoding` and an ETag per encoding (a strong validator
// names one exact byte sequence). Answers kept by the response caches are compressed once per release, when
// first asked for in an encoding (`encodedVariant`); other answers are compressed as they are sent.
// @fastify/compress is not used: its hook runs after ours and would leave the identity ETag on compressed bytes.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'

export type Encoding = 'br' | 'gzip'

export const COMPRESSION_THRESHOLD_BYTES = 1024
const COMPRESSIBLE_TYPE = /^(application\/(json|problem\+json|ld\+json|graphql-response\+json|javascript)|text\/)/

/** The best encoding the client accepts (br, then gzip), honouring q=0; null for identity. */
export function negotiateEncoding (header: string | string[] | undefined): Encoding | null {
  if (!header) return null
  const accepted = new Map<string, number>()
  for (const part of String(header).split(',')) {
    const [token = '', ...parameters] = part.trim().toLowerCase().split(';')
    const q = parameters.map((parameter) => /^\s*q=([01](\.\d{0,3})?)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined)
    accepted.set(token.trim(), q === undefined ? 1 : Number(q))
  }
  const wildcard = accepted.get('*')
  for (const encoding of ['br', 'gzip'] as const) {
    const q = accepted.get(encoding) ?? wildcard ?? 0
    if (q > 0) return encoding
  }
  return null
}

/** Once-per-release compression spends more effort than per-request compression. */
export function compress (payload: string | Buffer, encoding: Encoding, effort: 'once' | 'per-request'): Buffer {
  if (encoding === 'br') {
    return brotliCompressSync(payload, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: effort === 'once' ? 10 : 4,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(payload)
      }
    })
  }
  return gzipSync(payload, { level: effort === 'once' ? 9 : 6 })
}

/** `"abc"` → `"abc-br"`: each encoding of one representation has its own strong ETag. */
export function etagForEncoding (etag: string, encoding: Encoding | null): string {
  return encoding === null ? etag : `${etag.slice(0, -1)}-${encoding}"`
}

/** The identity ETag an encoded one was made from, so a revalidation matches whichever encoding was stored. */
export function identityEtag (etag: string): string {
  return etag.replace(/-(br|gzip)"$/, '"')
}

/** A body of this media type and size is sent compressed to a client that accepts it. */
export function compressibleBody (type: unknown, size: number): boolean {
  return size >= COMPRESSION_THRESHOLD_BYTES && typeof type === 'string' && COMPRESSIBLE_TYPE.test(type)
}

export function compressible (reply: FastifyReply, size: number): boolean {
  return compressibleBody(reply.getHeader('content-type'), size)
}

/** `vary` as it is when it names `name` already (in any case), else with `name` added at the end. */
export function varyWith (vary: string | undefined, name: string): string {
  const names = vary === undefined ? [] : vary.split(',').map((value) => value.trim()).filter(Boolean)
  if (vary !== undefined && names.some((value) => value.toLowerCase() === name.toLowerCase())) return vary
  return [...names, name].join(', ')
}

export function addVary (reply: FastifyReply, name: string): void {
  const vary = reply.getHeader('vary')
  const value = varyWith(vary === undefined ? undefined : String(vary), name)
  if (value !== vary) reply.header('vary', value)
}

/** Sets the headers of an encoded answer: encoding, Vary, the encoding's ETag. */
export function markEncoded (reply: FastifyReply, encoding: Encoding | null): void {
  addVary(reply, 'accept-encoding')
  if (encoding === null) return
  reply.header('content-encoding', encoding)
  const etag = reply.getHeader('etag')
  if (typeof etag === 'string') reply.header('etag', etagForEncoding(identityEtag(etag), encoding))
}

export function requestedEncoding (request: FastifyRequest): Encoding | null {
  return negotiateEncoding(request.headers['accept-encoding'])
}

export default fp(async (app) => {
  // Runs after freshness (ETag, 304) and the caches' onSend: it sees the identity body they kept.
  // Synchronous: no promise per request.
  app.addHook('onSend', function compressAnswer (request, reply, payload, done) {
    if (reply.statusCode === 304 || request.method === 'HEAD' || (typeof payload !== 'string' && !Buffer.isBuffer(payload)) || reply.getHeader('content-encoding') !== undefined) {
      done(null, payload)
      return
    }
    if (!compressible(reply, Buffer.byteLength(payload))) {
      done(null, payload)
      return
    }
    const encoding = requestedEncoding(request)
    markEncoded(reply, encoding)
    if (encoding === null) {
      done(null, payload)
      return
    }
    const body = compress(payload, encoding, 'per-request')
    reply.header('content-length', body.length)
    done(null, body)
  })
}, { name: 'compression', dependencies: ['freshness', 'not-modified'] })
