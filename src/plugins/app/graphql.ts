// GraphQL at /graphql: Mercurius registered once, with the checked-in SDL, loaders and masked errors.
import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import { createLoaders, createResolvers } from '../../graphql/resolvers.js'
import { formatGraphqlErrors } from '../../graphql/error-formatter.js'

export const SDL_PATH = new URL('../../../schema/graphql/schema.graphql', import.meta.url)
export const SDL = readFileSync(SDL_PATH, 'utf8')

export interface GraphqlPluginOptions {
  production: boolean
}

export default fp<GraphqlPluginOptions>(async (app, options) => {
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
}, { name: 'graphql', dependencies: ['content'] })
