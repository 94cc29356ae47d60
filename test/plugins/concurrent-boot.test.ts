// Instances started together on an empty PostgreSQL database all come up: one publishes the seeds, the others
// wait for that release instead of failing their start on the publish lock.
import { test } from 'tap'
import { createDatabase, type DatabaseHandle } from '../../db/client.js'
import { PUBLISH_LOCK_KEY } from '../../src/content/publish.js'
import { build, testConfig, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'

test('three instances booting on an empty database: exactly one publishes the seeds, all serve that release', {
  skip: testConfig.DATABASE_URL ? false : 'on PGlite one process owns the directory (see test/db/owner-lock.test.ts); run with DATABASE_URL'
}, async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const [row] = await database.withConnection((query) => query('select current_database() as name')) as Array<{ name: string }>
  const url = new URL(testConfig.DATABASE_URL as string)
  url.pathname = `/${row?.name as string}`

  // Holding the publish lock makes every instance lose its first attempt: the collision is certain, not lucky.
  let letGo: () => void = () => {}
  let held: () => void = () => {}
  const lockHeld = new Promise<void>((resolve) => { held = resolve })
  const holder = database.withConnection(async (query) => {
    await query(`select pg_advisory_lock(${PUBLISH_LOCK_KEY})`)
    held()
    await new Promise<void>((resolve) => { letGo = resolve })
    await query(`select pg_advisory_unlock(${PUBLISH_LOCK_KEY})`)
  })
  await lockHeld

  const lines: Array<{ instance: number, msg: string }> = []
  const instances = [0, 1, 2].map(async (instance) => {
    const handle: DatabaseHandle = await createDatabase({ databaseUrl: url.toString(), poolSize: 2 })
    // Registered before build's own teardown, so it runs after the app has closed.
    t.teardown(() => handle.close())
    return build(t, {
      database: handle,
      seedsDir: seeds.path,
      publishOnEmpty: true,
      config: { LOG_LEVEL: 'info' },
      logStream: { write: (line: string) => { lines.push({ instance, msg: (JSON.parse(line) as { msg: string }).msg }) } }
    })
  })
  const waiting = () => new Set(lines.filter((line) => line.msg.startsWith('another instance is publishing')).map((line) => line.instance)).size
  const deadline = Date.now() + 60_000
  while (waiting() < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(waiting(), 3, 'all three met the lock and are waiting, not failing')
  letGo()
  await holder

  const apps = await Promise.all(instances)
  t.equal(lines.filter((line) => line.msg === 'published the seed content into the empty database').length, 1, 'exactly one instance published')
  const releases = await database.withConnection((query) => query('select count(*)::int as count from releases')) as Array<{ count: number }>
  t.equal(releases[0]?.count, 1, 'one release in the database')
  for (const app of apps) {
    t.equal(app.releases.currentRelease, 1)
    t.match((await app.inject('/v1/risks/low-risk')).json(), { version: 1, release: 1 })
  }
})
