import { test } from 'tap'
import { loadCorpus } from '../../src/content/corpus.js'
import { publishCorpus } from '../../src/content/publish.js'
import { createContentRepository } from '../../src/repositories/content-repository.js'
import { testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'

test('publishing is idempotent, versions only what changed, and withdraws removed files', async (t) => {
  const database = await testDatabase(t)
  const repository = createContentRepository(database.db)
  const seeds = await seedsDir(t, SMALL_CORPUS)

  const first = await publishCorpus(database.db, await loadCorpus(seeds.path), { changeNote: 'first' })
  t.equal(first.release, 1)
  t.equal(first.changes.length, SMALL_CORPUS.length)
  t.ok(first.changes.every((change) => change.action === 'created' && change.version === 1))

  const again = await publishCorpus(database.db, await loadCorpus(seeds.path))
  t.equal(again.release, null, 'no change, no release')
  t.equal(again.changes.length, 0)
  t.equal(await repository.latestReleaseNumber(), 1)

  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'A new, edited summary.' } })
  const edit = await publishCorpus(database.db, await loadCorpus(seeds.path))
  t.equal(edit.release, 2)
  t.same(edit.changes.map((change) => [change.type, change.slug, change.action, change.version]), [['risk', 'low-risk', 'updated', 2]])
  t.same(edit.changes[0]?.changedFields, ['readingGrade', 'summary'])
  const versions = await repository.listVersions({ type: 'risk', slug: 'low-risk', locale: 'en' })
  t.same(versions.map((version) => version.version), [1, 2])
  const releaseTwo = await repository.releaseVersions(2)
  t.equal(releaseTwo.length, SMALL_CORPUS.length, 'a release lists every live entity, changed or not')

  await seeds.remove('topic', 'the-basics')
  const withdrawal = await publishCorpus(database.db, await loadCorpus(seeds.path))
  t.equal(withdrawal.release, 3)
  // The topic linked to alpha-disorder: its link disappears from both locales of alpha-disorder, which is a
  // change of their representation, so each gets a new version naming `related`.
  t.same(withdrawal.changes.map((change) => [change.slug, change.locale, change.action, change.version]),
    [['alpha-disorder', 'en', 'updated', 2], ['alpha-disorder', 'es', 'updated', 2], ['the-basics', 'en', 'withdrawn', 2]])
  t.same(withdrawal.changes.slice(0, 2).map((change) => change.changedFields), [['related'], ['related']])
  t.equal((await repository.releaseVersions(3)).length, SMALL_CORPUS.length - 1)
  const history = await repository.listVersions({ type: 'topic', slug: 'the-basics', locale: 'en' })
  t.same(history.map((version) => version.state), ['published', 'withdrawn'], 'history stays readable')
  t.equal((await repository.releaseVersions(1)).length, SMALL_CORPUS.length, 'old releases are untouched')

  const audit = await repository.listAudit({ after: 0, limit: 100 })
  t.same(audit.map((row) => row.action), [...SMALL_CORPUS.map(() => 'created'), 'updated', 'updated', 'updated', 'withdrawn'])
  t.equal(audit.at(-1)?.hashBefore, history[0]?.contentHash)
})

test('invalid content changes nothing and names the file and field', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishCorpus(database.db, await loadCorpus(seeds.path))
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { severity: 'extreme', summary: 'Changed.' } })
  const corpus = await loadCorpus(seeds.path)
  t.match(corpus.problems, [{ file: /content\/risk\/low-risk\.en\.md$/, path: 'severity', message: /must be one of: low, moderate, high/ }])
  await t.rejects(publishCorpus(database.db, corpus), { code: 'KCA_ERR_CONTENT_INVALID' })
  t.equal(await createContentRepository(database.db).latestReleaseNumber(), 1)
})

test('two concurrent publishes: exactly one release is made', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const corpus = await loadCorpus(seeds.path)
  const results = await Promise.allSettled([publishCorpus(database.db, corpus), publishCorpus(database.db, corpus)])
  const releases = results.map((result) => result.status === 'fulfilled' ? result.value.release : null).filter((release) => release !== null)
  t.same(releases, [1], 'one publish made release 1')
  const loser = results.find((result) => result.status === 'rejected' || result.value.release === null)
  t.ok(loser, 'the other one failed cleanly or found nothing left to do')
  if (loser?.status === 'rejected') t.match(loser.reason, { code: 'KCA_ERR_CONTENT_CONFLICT' })
  t.equal(await createContentRepository(database.db).latestReleaseNumber(), 1)
})

test('drafts are stored but never published', async (t) => {
  const database = await testDatabase(t)
  const repository = createContentRepository(database.db)
  const seeds = await seedsDir(t, [...SMALL_CORPUS, { type: 'risk', slug: 'secret-risk', front: { status: 'draft', summary: 'CANARY draft text.' } }])
  const result = await publishCorpus(database.db, await loadCorpus(seeds.path))
  t.equal(result.changes.length, SMALL_CORPUS.length)
  t.same(result.drafts.map((draft) => draft.slug), ['secret-risk'])
  t.notOk((await repository.releaseVersions(1)).some((version) => version.slug === 'secret-risk'))
  t.match(await repository.findDraft({ type: 'risk', slug: 'secret-risk', locale: 'en' }), { document: { summary: 'CANARY draft text.' } })
})
