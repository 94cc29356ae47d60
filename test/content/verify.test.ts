import { test } from 'tap'
import { sql } from 'drizzle-orm'
import { testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { verifyContent } from '../../src/content/verify.js'

test('content:verify recomputes every hash and names a tampered row', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds)
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Edited.' } })
  await seeds.remove('topic', 'the-basics')
  await publishSeedsDir(database, seeds)

  const clean = await verifyContent(database.db)
  // The edit, the withdrawal, and a new version of alpha-disorder in each locale whose link to the topic went.
  t.equal(clean.checked, SMALL_CORPUS.length + 4)
  t.same(clean.problems, [], 'untouched history verifies, tombstones and audit chain included')

  // Only someone who can disable the trigger can do this; verify is how it gets noticed.
  await database.db.execute(sql`alter table entity_versions disable trigger entity_versions_immutable`)
  await database.db.execute(sql`update entity_versions set document = jsonb_set(document, '{summary}', '"Tampered."') where id = (select v.id from entity_versions v join entities e on e.id = v.entity_id where e.slug = 'high-risk')`)
  await database.db.execute(sql`alter table entity_versions enable trigger entity_versions_immutable`)
  const tampered = await verifyContent(database.db)
  t.equal(tampered.problems.length, 1)
  t.match(tampered.problems[0], { entity: 'risk/high-risk/en', version: 1, problem: /document hashes to sha256:/ })
})
