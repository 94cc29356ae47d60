// Which methods each path takes, learnt from the routes as they are registered: a request with another method
// on a known path is a 405 with `Allow` (RFC 9110 §15.5.6), not a 404, and a plain OPTIONS request is told the
// same in `Allow`. Fastify routes by method first, so it cannot tell the two apart by itself.
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods the path takes (`Allow` order), or an empty list when no route has this path. */
    allowedMethods: (path: string) => string[]
  }
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** A find-my-way route pattern as a regular expression over decoded-or-not paths (a parameter never spans a `/`). */
export function routePattern (url: string): RegExp {
  let source = ''
  for (const part of url.split(/(:[A-Za-z0-9_]+|\*)/)) {
    if (part === '*') source += '.*'
    else if (part.startsWith(':')) source += '[^/]+?'
    else source += part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}/?$`)
}

export default fp(async (app) => {
  const routes = new Map<string, { pattern: RegExp, methods: Set<string> }>()
  app.addHook('onRoute', (route) => {
    // The CORS plugin's catch-all OPTIONS route would make every path look known.
    if (route.url === '*' || route.url === '/*') return
    const entry = routes.get(route.url) ?? { pattern: routePattern(route.url), methods: new Set<string>() }
    for (const method of [route.method].flat()) entry.methods.add(method)
    routes.set(route.url, entry)
  })
  // A plain OPTIONS request (and a CORS preflight) is told what the path takes.
  // Synchronous, like every per-request hook: an async one costs a promise per request.
  app.addHook('onSend', function allowHeader (request, reply, payload, done) {
    if (request.method === 'OPTIONS' && reply.statusCode < 300) {
      const allowed = app.allowedMethods(request.url.split('?')[0] ?? '')
      if (allowed.length > 0) reply.header('allow', allowed.join(', '))
    }
    done(null, payload)
  })
  app.decorate('allowedMethods', (path: string) => {
    const methods = new Set<string>()
    for (const { pattern, methods: routeMethods } of routes.values()) {
      if (pattern.test(path)) for (const method of routeMethods) methods.add(method)
    }
    if (methods.size === 0) return []
    if (methods.has('GET')) methods.add('HEAD')
    // Every path answers OPTIONS: CORS preflights and plain capability requests.
    methods.add('OPTIONS')
    return [...methods].sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99))
  })
}, { name: 'allowed-methods' })
