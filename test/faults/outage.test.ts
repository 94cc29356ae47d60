// Reliability F1–F6 against a PostgreSQL cluster of this test's own: stopped and started mid-test.
import { createServer, type Socket } from 'node:net'
import { test } from 'tap'
import { sql } from 'drizzle-orm'
import { createDatabase } from '../../db/client.js'
import { migrateDatabase } from '../../db/migrate.js'
import { build } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { clusterUnavailable, createCluster } from './pg-cluster.js'

const skip = await clusterUnavailable()

test('a database outage: current content keeps answering, the rest is a quick 503, recovery without a restart', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  const cluster = await createCluster()
  t.teardown(() => cluster.destroy())
  const database = await createDatabase({ databaseUrl: cluster.url, poolSize: 3, statementTimeoutMs: 1000 })
  t.teardown(() => database.close())
  await migrateDatabase(database)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { REQUEST_TIMEOUT_MS: 1500 } })
  t.equal((await app.inject('/health/ready')).statusCode, 200)

  await cluster.stop()
  const timed = async (url: string) => {
    const started = Date.now()
    const response = await app.inject(url)
    return { response, ms: Date.now() - started }
  }
  const current = await timed('/v1/risks/low-risk')
  t.equal(current.response.statusCode, 200, 'current content from memory')
  const list = await timed('/v1/conditions?include=risks')
  t.equal(list.response.statusCode, 200, 'lists too')
  const live = await timed('/health/live')
  t.equal(live.response.statusCode, 200)
  t.ok(live.ms < 50, `liveness never touches the database (${live.ms} ms)`)
  const ready = await timed('/health/ready')
  t.equal(ready.response.statusCode, 503, 'not ready while the database is down')
  t.ok(ready.ms < 1500, `readiness answers in ${ready.ms} ms`)
  const history = await timed('/v1/risks/low-risk/versions')
  t.equal(history.response.statusCode, 503, 'what needs the database is a 503')
  t.equal(history.response.headers['retry-after'], '5')
  t.ok(history.ms <= 2100, `within ${history.ms} ms`)
  t.notMatch(history.response.body, /ECONN|postgres|5432/)
  const graphql = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ risk(slug: "high-risk") { versions { version } } }' } })
  t.equal(graphql.statusCode, 503)

  await cluster.start()
  const restarted = Date.now()
  let recovered = false
  while (Date.now() - restarted < 2000) {
    const [readyAgain, versions] = await Promise.all([app.inject('/health/ready'), app.inject('/v1/risks/low-risk/versions')])
    if (readyAgain.statusCode === 200 && versions.statusCode === 200) {
      recovered = true
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(recovered, `ready and answering again ${Date.now() - restarted} ms after the restart, without restarting the app`)
})

test('F2 every connection busy: a request answers 503 by its deadline instead of waiting', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  const cluster = await createCluster()
  t.teardown(() => cluster.destroy())
  const database = await createDatabase({ databaseUrl: cluster.url, poolSize: 1, statementTimeoutMs: 5000 })
  t.teardown(() => database.close())
  await migrateDatabase(database)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { REQUEST_TIMEOUT_MS: 500 } })
  // drizzle queries start when awaited: Promise.resolve starts this one now, and it holds the only connection.
  const busy = Promise.resolve(database.db.execute(sql`select pg_sleep(2)`))
  await new Promise((resolve) => setTimeout(resolve, 100))
  const started = Date.now()
  const response = await app.inject('/v1/risks/low-risk/versions')
  const elapsed = Date.now() - started
  t.equal(response.statusCode, 503, response.body.slice(0, 200))
  t.ok(elapsed <= 600, `answered in ${elapsed} ms (deadline 500 ms)`)
  await busy
})

test('F3 a black-hole database host fails fast', { timeout: 30_000 }, async (t) => {
  // Accepts TCP and never says a word: what a dead host behind a firewall looks like.
  const sockets: Socket[] = []
  const blackHole = createServer((socket) => { sockets.push(socket) })
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise((resolve) => blackHole.close(resolve))
  })
  const { port } = blackHole.address() as { port: number }
  const database = await createDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/none`, poolSize: 1 })
  t.teardown(() => database.close())
  const started = Date.now()
  await t.rejects(database.withConnection((query) => query('select 1')))
  const elapsed = Date.now() - started
  t.ok(elapsed <= 2600, `gave up after ${elapsed} ms (connect_timeout 2 s)`)
})
