// Cheap, honest probes (issue 14, deliver 3): readiness is one `select 1` through the pool with a deadline; the
// migration state is what boot (or the last migrate) found, not re-read per probe; probes and metrics are never
// rate-limited. 1,000 probes must open no connection of their own.
import { test } from 'tap'
import { build, testConfig, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { createDatabase, rowsOf } from '../../db/client.js'
import { migrationStatus } from '../../db/migrate.js'
import { sql } from 'drizzle-orm'

test('1,000 readiness probes: one pooled statement each, no new connections, never rate-limited', async (t) => {
  const statements: string[] = []
  const database = await testDatabase(t, { onQuery: (text) => statements.push(text) })
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { RATE_LIMIT_ANONYMOUS: 3 } })

  // On PostgreSQL, count the sessions ever opened on this test's database (pg_stat_database.sessions, PG 14+).
  const admin = testConfig.DATABASE_URL ? await createDatabase({ databaseUrl: testConfig.DATABASE_URL, poolSize: 1 }) : null
  if (admin) t.teardown(() => admin.close())
  const testName = testConfig.DATABASE_URL ? rowsOf<{ name: string }>(await database.db.execute(sql`select current_database() as name`))[0]?.name : undefined
  const sessionsOf = async () => {
    if (!admin || !testName) return 0
    const [row] = rowsOf<{ sessions: number }>(await admin.db.execute(sql`select sessions::int as sessions from pg_stat_database where datname = ${testName}`))
    return Number(row?.sessions ?? 0)
  }

  t.equal((await app.inject('/health/ready')).statusCode, 200, 'ready once before counting (the pool is warm)')
  const sessionsBefore = await sessionsOf()
  const statementsBefore = statements.length
  const statuses = new Map<number, number>()
  for (let batch = 0; batch < 20; batch++) {
    const answers = await Promise.all(Array.from({ length: 50 }, () => app.inject({ url: '/health/ready', remoteAddress: '10.3.3.3' })))
    for (const answer of answers) statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1)
  }
  t.same([...statuses], [[200, 1000]], 'every probe 200, none 429 although the address\'s limit is 3')
  const probeStatements = statements.slice(statementsBefore)
  t.equal(probeStatements.length, 1000, 'one statement per probe')
  t.same([...new Set(probeStatements.map((text) => text.trim().toLowerCase()))], ['select 1'], 'and it is the ping: no migration table, no journal')
  if (admin) {
    const opened = await sessionsOf() - sessionsBefore
    t.ok(opened <= 4, `PostgreSQL: ${opened} session(s) opened by 1,000 probes (the pool holds at most 4)`)
  }

  for (const url of ['/health/live', '/metrics']) {
    const answers = await Promise.all(Array.from({ length: 10 }, () => app.inject({ url, remoteAddress: '10.3.3.4' })))
    t.same(answers.map((answer) => answer.statusCode), Array(10).fill(200), `${url} is exempt from the rate limit`)
  }
  t.equal((await app.inject({ url: '/v1/risks', remoteAddress: '10.3.3.3' })).statusCode, 200, 'the probes did not spend the address\'s budget')
})

test('readiness reports the migrations found at boot and after a migrate, not per probe', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const ready = (await app.inject('/health/ready')).json()
  t.ok(ready.migrations.available > 0)
  t.equal(ready.migrations.applied, ready.migrations.available)

  // Forget the newest migration behind the server's back: probes keep reporting what boot found...
  await database.db.execute(sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`)
  const probe = await app.inject('/health/ready')
  t.equal(probe.statusCode, 200, 'a probe does not re-read the migration table')
  // ...until a migrate (or an explicit check) looks again.
  await migrationStatus(database)
  const after = await app.inject('/health/ready')
  t.equal(after.statusCode, 503)
  t.equal(after.json().migrations.applied, ready.migrations.available - 1)
})
