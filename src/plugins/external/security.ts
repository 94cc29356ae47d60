// CORS for reads from any origin, security headers on every answer, and the narrow request surface
// (JSON and GraphQL bodies only).
import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'

export default fp(async (app) => {
  await app.register(cors, {
    origin: '*',
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'if-none-match', 'if-modified-since', 'accept-language'],
    exposedHeaders: ['etag', 'last-modified', 'content-language', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-request-id'],
    maxAge: 86_400
  })
  await app.register(helmet, {
    // A JSON API: nothing to run, nothing to frame. The embed page sets its own, looser policy.
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
    // Partners load /embed.js and /embed pages from their own sites.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: false,
    frameguard: false,
    // Headers that only mean something for HTML documents in old browsers: left off JSON answers, where they
    // only cost every client bytes and parsing (the embed page sets what it needs itself).
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    dnsPrefetchControl: false,
    ieNoOpen: false,
    permittedCrossDomainPolicies: false,
    xssFilter: false
  })
  // Only JSON and GraphQL bodies are accepted; anything else is a 415.
  app.removeContentTypeParser('text/plain')
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id)
    return payload
  })
}, { name: 'security' })
