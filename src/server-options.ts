// Fastify options shared by the server and the tests, so tests exercise the production configuration.
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import { clientErrorHandler, frameworkErrors } from './framework-errors.js'
import { serverWithFrontDoor } from './front-door.js'

export interface ServerOptionsExtras {
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write: (line: string) => void }
}

/** The proxies whose X-Forwarded-* headers are believed (TRUST_PROXY), or false. */
export function trustedProxies (config: Pick<Config, 'TRUST_PROXY'>): string[] | false {
  return config.TRUST_PROXY ? config.TRUST_PROXY.split(',').map((address) => address.trim()).filter(Boolean) : false
}

/** A client may send its own request id (a CDN's, say); anything odd is replaced by ours. */
export function requestIdOf (headers: IncomingHttpHeaders): string {
  const incoming = headers['x-request-id']
  return typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID()
}

export function serverOptions (config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV' | 'TRUST_PROXY'>, extras: ServerOptionsExtras = {}): FastifyServerOptions {
  return {
    // X-Forwarded-* is believed only from the proxies named in TRUST_PROXY; anyone else could spoof it.
    trustProxy: trustedProxies(config),
    logger: config.LOG_LEVEL === 'silent'
      ? false
      : { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers["x-api-key"]'], ...(extras.logStream ? { stream: extras.logStream } : {}) },
    genReqId: (request) => requestIdOf(request.headers),
    // Answers already whole in memory may leave before Fastify builds a request (src/front-door.ts).
    serverFactory: serverWithFrontDoor,
    // One access line per request comes from plugins/app/access-log.ts instead of Fastify's two.
    disableRequestLogging: true,
    bodyLimit: 64 * 1024,
    // Slow-loris clients are cut off: the whole request must arrive within 10 s.
    connectionTimeout: 10_000,
    requestTimeout: 10_000,
    keepAliveTimeout: 10_000,
    // Requests arriving while the server closes get a coded 503 from the app (src/app.ts), not Fastify's plain JSON.
    return503OnClosing: false,
    // An empty embedded database is migrated and seeded during start-up: give that time on a slow machine.
    pluginTimeout: 120_000,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // Requests refused before routing (bad URL encoding, a path segment over 200 characters, a message Node's
    // parser rejects) answer problem+json with a request id and CORS headers like every other error.
    frameworkErrors,
    clientErrorHandler,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: {
      customOptions: {
        // Unknown query parameters are errors, not silently dropped: a typo must not look like "no filter".
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: true
      }
    }
  }
}
