// Optional partner authentication: a key in `Authorization: Bearer …` or `X-API-Key`. Reading needs no key;
// a key that is presented must be valid (a typo should fail loudly, not silently downgrade to anonymous).
// Limits come before work: the rate limiter identifies the client from memory alone (onRequest, below), and only
// a request it lets through may cost a database lookup (preParsing, which runs after the limiter's onRequest).
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { createAccessRepository, type AccessRepository } from '../../repositories/access-repository.js'
import { createKeyVerifier, type ApiKeyScope, type VerifiedKey } from '../../access/api-keys.js'
import { ForbiddenError, UnauthorizedError } from '../../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    accessRepository: AccessRepository
    /** Requests that presented an API key found not valid (limited per IP like anonymous clients). */
    apiKeyStats: { invalid: number }
  }
  interface FastifyRequest {
    apiKey: VerifiedKey | null
    /** A well-formed key memory has no verdict on: limited per IP in a bucket of its own until looked up. */
    apiKeyUnverified: boolean
  }
}

export interface AuthPluginOptions {
  /** API_KEY_CACHE_TTL_MS */
  keyCacheTtlMs: number
}

export function presentedKey (request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization
  if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) return authorization.replace(/^Bearer\s+/i, '').trim()
  const header = request.headers['x-api-key']
  return typeof header === 'string' ? header.trim() : undefined
}

export function requireScope (request: FastifyRequest, scope: ApiKeyScope): void {
  if (!request.apiKey) throw new UnauthorizedError(`this request needs an API key with the "${scope}" scope`)
  if (!request.apiKey.scopes.includes(scope)) throw new ForbiddenError(`API key "${request.apiKey.name}" lacks the "${scope}" scope`)
}

export default fp<AuthPluginOptions>(async (app, options) => {
  const repository = createAccessRepository(app.database.db)
  const verifier = createKeyVerifier(repository, { ttlMs: options.keyCacheTtlMs })
  const stats = { invalid: 0 }
  const counted = new WeakSet<FastifyRequest>()
  app.decorate('accessRepository', repository)
  app.decorate('apiKeyStats', stats)
  app.decorateRequest('apiKey', null)
  app.decorateRequest('apiKeyUnverified', false)
  // Synchronous: no promise per request (most requests present no key).
  app.addHook('onRequest', function peekKey (request, _reply, done) {
    const key = presentedKey(request)
    if (key === undefined || key === '') {
      done()
      return
    }
    const seen = verifier.peek(key)
    if (seen.verdict === 'valid') request.apiKey = seen.key
    else if (seen.verdict === 'unknown') request.apiKeyUnverified = true
    else if (seen.verdict === 'invalid') {
      // Counted here, once, so the requests the limiter refuses count too.
      counted.add(request)
      stats.invalid++
    }
    done()
  })
  const verify = async (request: FastifyRequest, key: string) => {
    const verified = await verifier.verify(key)
    if (!verified) {
      if (!counted.has(request)) stats.invalid++
      request.apiKey = null
      throw new UnauthorizedError('the API key is not valid or has been revoked')
    }
    request.apiKey = verified
  }
  // Synchronous when there is no key to look up; a promise only for the requests that present one.
  app.addHook('preParsing', function verifyKey (request, _reply, payload, done) {
    const key = presentedKey(request)
    // Probes, metrics and unknown routes ignore keys: a made-up key sent there must not reach the database.
    if (key === undefined || key === '' || request.is404 || request.routeOptions.config?.rateLimit === false) {
      done(null, payload)
      return
    }
    verify(request, key).then(() => done(null, payload), (error: Error) => done(error))
  })
}, { name: 'auth', dependencies: ['database'] })
