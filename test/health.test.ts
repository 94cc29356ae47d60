import { test } from 'tap'
import { build } from './helper.js'
import { SMALL_CORPUS, seedsDir } from './factories.js'

test('liveness and readiness', async (t) => {
  const empty = await build(t)
  t.same((await empty.inject('/health/live')).json(), { status: 'ok' })
  const notReady = await empty.inject('/health/ready')
  t.equal(notReady.statusCode, 503, 'no release loaded yet')
  t.match(notReady.json(), { status: 'not-ready', database: true, release: null })

  const seeds = await seedsDir(t, SMALL_CORPUS)
  const app = await build(t, { seedsDir: seeds.path, publishOnEmpty: true })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready', database: true, release: 1 })
  t.equal(ready.json().migrations.applied, ready.json().migrations.available)
})

test('an empty database with invalid seeds refuses to start', async (t) => {
  const seeds = await seedsDir(t, [{ type: 'risk', slug: 'broken', front: { severity: 'extreme' } }])
  await t.rejects(build(t, { seedsDir: seeds.path, publishOnEmpty: true }), { code: 'KCA_ERR_CONTENT_INVALID' })
})
