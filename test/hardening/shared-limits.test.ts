// With RATE_LIMIT_REDIS_URL, instances share one rate limit and one GraphQL budget (tested against the
// Redis this machine runs; skipped, saying so, where none answers).
import { randomInt } from 'node:crypto'
import { test } from 'tap'
import { Redis } from 'ioredis'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const REDIS_URL = 'redis://127.0.0.1:6379'

async function redisUnavailable (): Promise<string | false> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, enableOfflineQueue: false })
  try {
    await probe.connect()
    await probe.ping()
    return false
  } catch (error) {
    return `no Redis at ${REDIS_URL}: ${(error as Error).message}`
  } finally {
    probe.disconnect()
  }
}

const skip = await redisUnavailable()

test('two instances share one rate limit and one GraphQL budget through Redis', { skip }, async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const config = { RATE_LIMIT_REDIS_URL: REDIS_URL, RATE_LIMIT_ANONYMOUS: 3, GRAPHQL_COST_BUDGET: 30 }
  const first = await build(t, { database, config })
  const second = await build(t, { database, config })
  // A client address of this run's own: buckets left by earlier runs in the same minute do not matter.
  const client = { remoteAddress: `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}` }
  t.equal((await first.inject({ url: '/v1/risks', ...client })).statusCode, 200)
  t.equal((await second.inject({ url: '/v1/risks', ...client })).statusCode, 200)
  const third = await first.inject({ url: '/v1/risks', ...client })
  t.equal(third.headers['ratelimit-remaining'], '0', 'the second instance counted the first one\'s requests')
  const fourth = await second.inject({ url: '/v1/risks', ...client })
  t.equal(fourth.statusCode, 429)

  const graphqlClient = { remoteAddress: `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}` }
  const ask = (app: typeof first, size: number) => app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ risks(first: ${size}) { nodes { slug } } }` }, ...graphqlClient })
  // Each instance has its own small request limit, so only two GraphQL calls go through: the budget decides.
  const shared = await build(t, { database, config: { ...config, RATE_LIMIT_ANONYMOUS: 100 } })
  const other = await build(t, { database, config: { ...config, RATE_LIMIT_ANONYMOUS: 100 } })
  t.equal((await ask(shared, 20)).statusCode, 200, 'cost 20 of 30')
  const over = await ask(other, 15)
  t.equal(over.statusCode, 429, 'the other instance sees the 20 already spent')
})
