// A real CDN in front: two instances on one PostgreSQL database (sharing Redis when this machine runs one),
// behind Varnish with the project's VCL. A publish purges exactly the keys it changed, purges need the token,
// and with both origins stopped Varnish keeps serving current content (stale-if-error).
import { randomBytes, randomUUID } from 'node:crypto'
import { test } from 'tap'
import { createDatabase } from '../../db/client.js'
import { migrateDatabase } from '../../db/migrate.js'
import { build, testConfig } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { freePort, startVarnish, varnishUnavailable } from '../../bench/varnish.js'

const skip = !testConfig.DATABASE_URL
  ? 'two instances need one shared PostgreSQL database: runs in the PostgreSQL pass (DATABASE_URL)'
  : varnishUnavailable()

async function redisUrl (): Promise<string | undefined> {
  const { Redis } = await import('ioredis')
  const probe = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, enableOfflineQueue: false })
  try {
    await probe.connect()
    await probe.ping()
    return 'redis://127.0.0.1:6379'
  } catch {
    return undefined
  } finally {
    probe.disconnect()
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('Varnish in front of two instances: exact purges, authenticated, stale-if-error', { skip, timeout: 90_000 }, async (t) => {
  const name = `test_${randomUUID().replace(/-/g, '')}`
  const admin = await createDatabase({ databaseUrl: testConfig.DATABASE_URL, poolSize: 1 })
  await admin.withConnection((query) => query(`create database ${name}`))
  const url = new URL(testConfig.DATABASE_URL as string)
  url.pathname = `/${name}`
  const first = await createDatabase({ databaseUrl: url.toString(), poolSize: 4 })
  const second = await createDatabase({ databaseUrl: url.toString(), poolSize: 4 })
  t.teardown(async () => {
    await first.close()
    await second.close()
    await admin.withConnection((query) => query(`drop database if exists ${name} with (force)`))
    await admin.close()
  })
  await migrateDatabase(first)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(first, seeds)

  const token = randomBytes(24).toString('base64url')
  const redis = await redisUrl()
  // The instances must know the CDN's address and Varnish the instances': reserve every port first.
  const ports = [await freePort(), await freePort()]
  const varnishPort = await freePort()
  const config = {
    CDN_PURGE_URL: `http://127.0.0.1:${varnishPort}/`,
    CDN_PURGE_TOKEN: token,
    TRUST_PROXY: '127.0.0.1',
    ...(redis ? { RATE_LIMIT_REDIS_URL: redis } : {})
  }
  const apps = [await build(t, { database: first, config }), await build(t, { database: second, config })]
  for (const [index, app] of apps.entries()) await app.listen({ port: ports[index] as number, host: '127.0.0.1' })

  // Objects live 8 s in this Varnish instead of the API's 60 s: long enough that only a purge can explain a
  // change seen within 2 s of a publish, short enough for the test to see stale-if-error after expiry.
  const ttlSeconds = 8
  const varnish = await startVarnish({ port: varnishPort, backends: ports, token, backendResponse: `if (beresp.ttl > 0s) { set beresp.ttl = ${ttlSeconds}s; }` })
  t.teardown(() => varnish.stop())

  const get = async (path: string) => {
    const response = await fetch(`${varnish.url}${path}`)
    return { status: response.status, cache: response.headers.get('x-cache'), etag: response.headers.get('etag'), age: Number(response.headers.get('age')), body: await response.text(), type: response.headers.get('content-type') }
  }
  const paths = ['/v1/risks/low-risk', '/v1/conditions/beta-syndrome', '/v1/risks']
  for (const path of paths) {
    t.equal((await get(path)).status, 200, `${path} through Varnish`)
    const again = await get(path)
    t.equal(again.cache, 'HIT', `${path} is cached`)
  }
  const untouchedBefore = await get('/v1/conditions/beta-syndrome')
  const warmedAt = Date.now()

  // A purge without the token changes nothing.
  const refused = await fetch(`${varnish.url}/`, { method: 'PURGE', headers: { xkey: 'risk/low-risk', authorization: 'Bearer wrong-token-wrong-token' } })
  t.equal(refused.status, 401, 'a purge with the wrong token is refused')
  t.equal((await get('/v1/risks/low-risk')).cache, 'HIT', 'and the object stays cached')

  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'A freshly edited summary of low-risk.' } })
  const published = await publishSeedsDir(first, seeds, 'Edit low-risk')
  t.ok(published.release, 'the edit published a release')
  const start = Date.now()
  let fresh = await get('/v1/risks/low-risk')
  while (!fresh.body.includes('freshly edited') && Date.now() - start < 5000) {
    await sleep(50)
    fresh = await get('/v1/risks/low-risk')
  }
  const elapsed = Date.now() - start
  t.ok(fresh.body.includes('freshly edited'), 'the CDN serves the edited entity')
  t.ok(elapsed <= 2000, `within 2 s of the publish (took ${elapsed} ms)`)
  t.ok(Date.now() - warmedAt < ttlSeconds * 1000, 'while the old copy was still fresh: the purge, not expiry, replaced it')
  t.ok((await get('/v1/risks')).body.includes('freshly edited'), 'the list of its type was purged too')
  const untouched = await get('/v1/conditions/beta-syndrome')
  t.equal(untouched.cache, 'HIT', 'an entity the release did not change stays cached')
  t.equal(untouched.etag, untouchedBefore.etag)

  // Both origins stop; once the probes see it and the TTL has passed, Varnish serves the stale copies.
  for (const app of apps) await app.close()
  await sleep(ttlSeconds * 1000 + 500)
  const stale = await get('/v1/conditions/beta-syndrome')
  t.equal(stale.status, 200, 'current content keeps answering with every origin down')
  t.ok(stale.age >= ttlSeconds, `from a copy past its TTL (Age ${stale.age} s)`)
  t.equal(stale.etag, untouchedBefore.etag)
  const edited = await get('/v1/risks/low-risk')
  t.equal(edited.status, 200)
  t.ok(edited.body.includes('freshly edited'), 'the stale copy is the purged-and-refetched new content')
  const never = await get('/v1/mechanisms/gate-blocking')
  t.equal(never.status, 503, 'what was never cached answers 503')
  t.match(never.type ?? '', /problem\+json/)
})
