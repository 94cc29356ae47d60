import { test } from 'tap'
import { ConfigError, loadConfig } from '../src/config.js'

test('defaults', async (t) => {
  t.same(loadConfig({}), {
    PORT: 3000,
    HOST: '127.0.0.1',
    PGLITE_DIR: './data/pglite',
    LOG_LEVEL: 'info',
    NODE_ENV: 'development',
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    API_KEY_CACHE_TTL_MS: 30_000,
    RATE_LIMIT_ANONYMOUS: 300,
    RATE_LIMIT_KEY: 3000,
    GRAPHQL_COST_BUDGET: 200_000,
    GRAPHQL_TRUSTED_DOCUMENTS: 'off',
    DB_STATEMENT_TIMEOUT_MS: 5000,
    REQUEST_TIMEOUT_MS: 5000,
    MAX_EVENT_LOOP_DELAY_MS: 1000
  })
})

test('values are parsed and validated', async (t) => {
  const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kca', NODE_ENV: 'production', UNRELATED: 'x' })
  t.equal(config.PORT, 8080)
  t.equal(config.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/kca')
  t.equal(config.NODE_ENV, 'production')
})

test('a bad value stops the start and names the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), { constructor: ConfigError, message: /PORT="eighty"/ })
  t.throws(() => loadConfig({ PORT: '70000' }), { message: /PORT/ })
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), { message: /LOG_LEVEL="loud" must be one of fatal, error/ })
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), { message: /DATABASE_URL/ })
})
