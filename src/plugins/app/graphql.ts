// GraphQL at /graphql: Mercurius registered once, with the checked-in SDL, loaders and masked errors.
import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import type { IResolvers } from 'mercurius'
import { createLoaders, createResolvers } from '../../graphql/resolvers.js'
import { createSearchResolvers } from '../../graphql/search-resolvers.js'
import { NoSchemaIntrospectionCustomRule, type DocumentNode } from 'graphql'
import { formatGraphqlErrors } from '../../graphql/error-formatter.js'
import { COST_BUDGET, QueryCostError, documentCost, maxAliasesRule } from '../../graphql/limits.js'
import type { BudgetStore } from '../../limits/budget.js'
import { RateLimitedError } from '../../errors.js'
import { ResponseCache, serveFromCache } from './response-cache.js'
import { packagePath } from '../../paths.js'

export const SDL_PATH = packagePath('schema', 'graphql', 'schema.graphql')
export const SDL = readFileSync(SDL_PATH, 'utf8')

export interface GraphqlPluginOptions {
  production: boolean
  /** Where each client's GraphQL cost is spent, and how much it may spend per window. */
  budget: { store: BudgetStore, perWindow: number }
}

export const GRAPHQL_BODY_LIMIT = 16 * 1024
export const GRAPHQL_MAX_TOKENS = 2000

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
  // Mercurius registers its own routes: the smaller body limit is applied as they are added.
  app.addHook('onRoute', (route) => {
    if (route.url === '/graphql') route.bodyLimit = GRAPHQL_BODY_LIMIT
  })
  const base = createResolvers()
  const search = createSearchResolvers()
  await app.register(mercurius, {
    schema: SDL,
    resolvers: { ...base, ...search, Query: { ...base.Query, ...search.Query } } as IResolvers,
    loaders: createLoaders(app.contentRepository),
    graphiql: !options.production,
    allowBatchedQueries: false,
    queryDepth: 10,
    jit: 1,
    graphql: { parseOptions: { maxTokens: GRAPHQL_MAX_TOKENS } },
    // In production the schema is published as a file instead of being introspectable.
    validationRules: options.production ? [maxAliasesRule, NoSchemaIntrospectionCustomRule] : [maxAliasesRule],
    errorFormatter: ((execution: Parameters<typeof formatGraphqlErrors>[0], context: Parameters<typeof formatGraphqlErrors>[1]) =>
      formatGraphqlErrors(execution, context, { production: options.production })) as never,
    routes: true
  })

  // Cost is computed from the document and its variables before anything runs, then charged to the client.
  app.graphql.addHook('preExecution', async (schema, document: DocumentNode, context, variables) => {
    const cost = documentCost(schema, document, (variables ?? {}) as Record<string, unknown>)
    if (cost > COST_BUDGET) throw new QueryCostError(cost)
    const request = context.reply.request
    const client = request.apiKey ? `key:${request.apiKey.prefix}` : `ip:${request.ip}`
    const { spent, resetMs } = await options.budget.store.spend(client, Math.max(1, cost))
    if (spent > options.budget.perWindow) {
      context.reply.header('retry-after', String(Math.ceil(resetMs / 1000)))
      throw new RateLimitedError(`GraphQL cost budget of ${options.budget.perWindow} per minute is spent; it renews in ${Math.ceil(resetMs / 1000)} s`)
    }
    ;(context as unknown as { queryCost: number }).queryCost = cost
  })
  app.graphql.addHook('onResolution', async (execution, context) => {
    const cost = (context as unknown as { queryCost?: number }).queryCost
    if (cost !== undefined) execution.extensions = { ...execution.extensions, cost: { requested: cost, budget: COST_BUDGET } }
  })

  app.get('/graphql/schema.graphql', {
    schema: { summary: 'The GraphQL schema (SDL)', description: 'Published as a file because introspection is off in production.', tags: ['graphql'] }
  }, async (_request, reply) => {
    reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600')
    return SDL
  })

  // Whole answers are cached only when they carry no error, keyed by the release they were read from.
  serveFromCache(app, {
    cache,
    keptHeaders: ['content-type'],
    keyOf: (request) => request.method === 'POST' && request.routeOptions.url === '/graphql' ? graphqlCacheKey(app.releases.currentRelease, request.body) : null,
    skip: (payload) => payload.includes('"errors":')
  })
}, { name: 'graphql', dependencies: ['content', 'response-cache'] })

declare module 'fastify' {
  interface FastifyInstance {
    graphqlCache: ResponseCache
  }
}
