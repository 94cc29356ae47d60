// Optional partner authentication: a key in `Authorization: Bearer …` or `X-API-Key`. Reading needs no key;
// a key that is presented must be valid (a typo should fail loudly, not silently downgrade to anonymous).
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { createAccessRepository, type AccessRepository } from '../../repositories/access-repository.js'
import { verifyApiKey, type ApiKeyScope, type VerifiedKey } from '../../access/api-keys.js'
import { ForbiddenError, UnauthorizedError } from '../../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    accessRepository: AccessRepository
  }
  interface FastifyRequest {
    apiKey: VerifiedKey | null
  }
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

export default fp(async (app) => {
  const repository = createAccessRepository(app.database.db)
  app.decorate('accessRepository', repository)
  app.decorateRequest('apiKey', null)
  app.addHook('onRequest', async (request) => {
    const key = presentedKey(request)
    if (key === undefined || key === '') return
    const verified = await verifyApiKey(repository, key)
    if (!verified) throw new UnauthorizedError('the API key is not valid or has been revoked')
    request.apiKey = verified
  })
}, { name: 'auth', dependencies: ['database'] })
