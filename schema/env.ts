import { Type, type Static } from '@sinclair/typebox'
import { StringEnum } from './common.js'

// Every setting the service reads. `.env.example`, the README's configuration table and docker-compose.yml are
// checked against this object by test/ops/settings.test.ts: add a setting here and the tests name what to update.
export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'port to listen on (0: any free port)' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'address to listen on; 0.0.0.0 in a container' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string (postgres://user@host:5432/db); unset: the embedded PGlite database' })),
  PGLITE_DIR: Type.String({ minLength: 1, default: './data/pglite', description: 'data directory of the embedded database; memory:// for a throwaway one' }),
  SEEDS_DIR: Type.Optional(Type.String({ minLength: 1, description: 'content directory published on an empty database and by content:publish; unset: ./seeds' })),
  LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info' }),
  NODE_ENV: StringEnum(['development', 'production', 'test'] as const, { default: 'development' }),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*[^/?#\\s])?$', description: 'scheme, host and optional path prefix clients reach the service at, without a trailing slash; every absolute URL (embed pages, oEmbed, JSON-LD) is built from it, never from the Host header; unset: http://HOST:PORT (localhost for a wildcard HOST)' })),
  TRUST_PROXY: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F:./,\\s]+$', description: 'comma-separated addresses or CIDR ranges of proxies whose X-Forwarded-* headers are believed; unset: none' })),
  RATE_LIMIT_ANONYMOUS: Type.Integer({ minimum: 1, default: 300, description: 'requests per minute per IP without an API key' }),
  RATE_LIMIT_KEY: Type.Integer({ minimum: 1, default: 3000, description: 'requests per minute per partner API key' }),
  API_KEY_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 30_000, description: 'how long a verified or rejected API key is believed without asking the database (a revocation takes effect within this); verified keys are used beyond it while the database is unreachable' }),
  RATE_LIMIT_REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'share rate limits and GraphQL budgets across instances' })),
  GRAPHQL_COST_BUDGET: Type.Integer({ minimum: 1, default: 200_000, description: 'GraphQL cost each client may spend per minute' }),
  GRAPHQL_TRUSTED_DOCUMENTS: StringEnum(['on', 'off'] as const, { default: 'off', description: 'on: GraphQL runs only the documents in GRAPHQL_TRUSTED_DOCUMENTS_PATH (and no automatic persisted queries)' }),
  GRAPHQL_TRUSTED_DOCUMENTS_PATH: Type.Optional(Type.String({ minLength: 1, description: 'a .graphql/.gql/.json file, or a directory of them: an Apollo persisted-query manifest or a map of sha256 → document' })),
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000, description: 'PostgreSQL statement_timeout and the deadline of every database call' }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000, description: 'a request still unanswered after this gets 503' }),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1000, description: 'above this event-loop delay new requests are shed with 503; 0 turns shedding off' }),
  CDN_PURGE_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'a CDN (Varnish with xkey, see deploy/varnish) that each instance sends PURGE requests to after it swaps in a release' })),
  CDN_PURGE_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'bearer token the CDN requires on purges; set together with CDN_PURGE_URL' }))
})
export type Env = Static<typeof EnvSchema>
