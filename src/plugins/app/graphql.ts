// GraphQL at /graphql: Mercurius registered once, with the checked-in SDL, loaders and masked errors.
import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import { createLoaders, createResolvers } from '../../graphql/resolvers.js'
import { formatGraphqlErrors } from '../../graphql/error-formatter.js'
import { ResponseCache } from './response-cache.js'

export const SDL_PATH = new URL('../../../schema/graphql/schema.graphql', import.meta.url)
export const SDL = readFileSync(SDL_PATH, 'utf8')

export interface GraphqlPluginOptions {
  production: boolean
}

/** Queries whose answers depend only on the release are answered from memory once computed. */
function graphqlCacheKey (release: number | null, body: unknown): string | null {
  if (release === null || body === null || typeof body !== 'object' || Array.isArray(body)) return null
  const { query, variables, operationName } = body as { query?: unknown, variables?: unknown, operationName?: unknown }
  if (typeof query !== 'string' || query.length > 16_384) return null
  return `${release}|${operationName ?? ''}|${query}|${JSON.stringify(variables ?? null)}`
}

export default fp<GraphqlPluginOptions>(async (app, options) => {
  const cache = new ResponseCache(2000, 32 * 1024 * 1024)
  app.releases.onSwap(() => cache.clear())
  app.decorate('graphqlCache', cache)
  app.decorateRequest('graphqlCacheKey', null)
  await app.register(mercurius, {
    schema: SDL,
    resolvers: createResolvers(),
    loaders: createLoaders(app.contentRepository),
    graphiql: !options.production,
    allowBatchedQueries: false,
    queryDepth: 10,
    jit: 1,
    errorFormatter: formatGraphqlErrors as never,
    routes: true
  })

  // Whole answers are cached only when they carry no error, keyed by the release they were read from.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions.url !== '/graphql') return
    const key = graphqlCacheKey(app.releases.currentRelease, request.body)
    if (key === null) return
    const hit = cache.get(key)
    if (!hit) {
      request.graphqlCacheKey = key
      return
    }
    reply.headers(hit.headers)
    return reply.send(hit.payload)
  })
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.graphqlCacheKey === null || reply.statusCode !== 200 || typeof payload !== 'string') return payload
    if (payload.includes('"errors":')) return payload
    cache.set(request.graphqlCacheKey, { payload, headers: { 'content-type': String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8') } })
    return payload
  })
}, { name: 'graphql', dependencies: ['content', 'response-cache'] })

declare module 'fastify' {
  interface FastifyInstance {
    graphqlCache: ResponseCache
  }
  interface FastifyRequest {
    graphqlCacheKey: string | null
  }
}
