// Redis fails open, clearly (issue 14, deliver 2): unreachable at start or lost mid-run, the server starts and
// serves, rate limits and GraphQL budgets fall back to each instance's memory with a warning and a metric, and
// the shared limits come back when Redis does. Uses a redis-server of the test's own, on a free port.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const REDIS_SERVER = '/usr/bin/redis-server'

async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

async function startRedis (port: number, directory: string): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const started = Date.now()
  while (!/Ready to accept connections/.test(output)) {
    if (child.exitCode !== null || Date.now() - started > 10_000) throw new Error(`redis-server did not start: ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return child
}

async function stopRedis (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGKILL')
  await once(child, 'exit')
}

const metric = async (app: FastifyInstance, name: string) => {
  const text = (await app.inject({ url: '/metrics', remoteAddress: '10.255.0.1' })).body
  return Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\d+)`, 'm').exec(text)?.[1] ?? NaN)
}

let clientCounter = 0
const newClient = () => ({ remoteAddress: `10.77.${Math.floor(++clientCounter / 250)}.${(clientCounter % 250) + 1}` })
// Each document is new (its alias), so none is answered from the GraphQL answer cache, which charges nothing.
let queryCounter = 0
const graphql = (app: FastifyInstance, client: { remoteAddress: string }, size: number) =>
  app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ q${++queryCounter}: risks(first: ${size}) { nodes { slug title } } }` }, ...client })

test('Redis unreachable at start: the server starts, serves, and limits from memory', async (t) => {
  const port = await freePort()
  const lines: string[] = []
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, {
    database,
    config: { RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_ANONYMOUS: 3, GRAPHQL_COST_BUDGET: 30, LOG_LEVEL: 'warn' },
    logStream: { write: (line) => { lines.push(line) } }
  })
  const client = newClient()
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await app.inject({ url: '/v1/risks', ...client })).statusCode)
  t.same(statuses, [200, 200, 200, 429], 'the rate limit still holds, counted in memory')

  const graphqlClient = newClient()
  const first = await graphql(app, graphqlClient, 20)
  t.equal(first.statusCode, 200, 'GraphQL answers (cost 20 of 30)')
  const over = await graphql(app, graphqlClient, 15)
  t.equal(over.statusCode, 429, 'and the GraphQL budget is spent in memory, not skipped')

  const warnings = lines.map((line) => JSON.parse(line) as { level: number, msg: string }).filter((line) => /Redis unavailable/.test(line.msg))
  t.equal(warnings.length, 1, 'one warning for the outage, not one per request')
  t.equal(warnings[0]?.level, 40)
  t.equal(await metric(app, 'kca_shared_limits_available'), 0)
  t.ok(await metric(app, 'kca_shared_limits_fallback_total{store="rate-limit"}') >= 4)
  t.equal(await metric(app, 'kca_shared_limits_fallback_total{store="budget"}'), 2)
})

test('Redis lost mid-run and back: requests keep answering, limits per instance, then shared again', { skip: existsSync(REDIS_SERVER) ? false : `${REDIS_SERVER} is not installed`, timeout: 120_000 }, async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'kca-redis-'))
  t.teardown(() => rm(directory, { recursive: true, force: true }))
  const port = await freePort()
  let redis = await startRedis(port, directory)
  t.teardown(() => stopRedis(redis))

  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const config = { RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_ANONYMOUS: 3, GRAPHQL_COST_BUDGET: 30 }
  const first = await build(t, { database, config })
  const second = await build(t, { database, config })

  const shared = async (label: string) => {
    const client = newClient()
    t.equal((await first.inject({ url: '/v1/risks', ...client })).statusCode, 200, `${label}: 1st`)
    t.equal((await second.inject({ url: '/v1/risks', ...client })).statusCode, 200, `${label}: 2nd`)
    t.equal((await first.inject({ url: '/v1/risks', ...client })).headers['ratelimit-remaining'], '0', `${label}: one count across both instances`)
    t.equal((await second.inject({ url: '/v1/risks', ...client })).statusCode, 429, `${label}: the 4th is refused by the other instance`)
    const graphqlClient = newClient()
    t.equal((await graphql(first, graphqlClient, 20)).statusCode, 200, `${label}: GraphQL cost 20 of 30`)
    t.equal((await graphql(second, graphqlClient, 15)).statusCode, 429, `${label}: the other instance sees the 20 spent`)
  }
  await shared('Redis up')

  await stopRedis(redis)
  // Give ioredis a moment to notice the closed connection; requests in between must answer anyway.
  const during = []
  const client = newClient()
  for (let i = 0; i < 5; i++) {
    during.push((await first.inject({ url: '/v1/risks', ...client })).statusCode)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.same(during, [200, 200, 200, 429, 429], 'REST answers throughout, limited in this instance\'s memory')
  t.equal((await second.inject({ url: '/v1/risks', ...client })).statusCode, 200, 'each instance counts on its own while Redis is away')
  const graphqlClient = newClient()
  const answered = await graphql(first, graphqlClient, 20)
  t.equal(answered.statusCode, 200, 'GraphQL answers, never a 500')
  t.equal((await graphql(first, graphqlClient, 15)).statusCode, 429, 'the budget holds in memory')
  t.equal((await graphql(second, graphqlClient, 15)).statusCode, 200, 'on each instance separately')
  t.equal(await metric(first, 'kca_shared_limits_available'), 0)
  t.ok(await metric(first, 'kca_shared_limits_fallback_total{store="budget"}') >= 2)

  redis = await startRedis(port, directory)
  const restarted = Date.now()
  while (!(first.sharedLimits.available && second.sharedLimits.available) && Date.now() - restarted < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.ok(first.sharedLimits.available && second.sharedLimits.available, `both instances reconnected ${Date.now() - restarted} ms after Redis came back`)
  t.equal(await metric(second, 'kca_shared_limits_available'), 1)
  await shared('Redis back')
})
