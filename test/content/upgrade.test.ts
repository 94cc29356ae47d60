// A database published by 0.1 stored only the editors' documents (no resolved links, locales or review). Its
// versions must still be read as they were, and the first publish after the upgrade gives each entity exactly
// one new version that materialises them; after that, nothing is rewritten.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { loadCorpus } from '../../src/content/corpus.js'
import { contentHash } from '../../src/content/canonical.js'
import type { PublishedDocument } from '../../src/content/materialise.js'
import { createContentRepository } from '../../src/repositories/content-repository.js'
import { SyncClient, syncProblems } from '../sync-client.js'

test('versions from 0.1 are read as before and materialised once by the next publish', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const corpus = await loadCorpus(seeds.path)
  const repository = createContentRepository(database.db)
  // Release 1 exactly as 0.1 wrote it: the editor's document is the stored document and is what is hashed.
  await database.db.transaction(async (tx) => {
    const entries = []
    const audit = []
    for (const entity of corpus.entities) {
      const entityId = await repository.createEntity(entity.document, tx)
      const hash = contentHash(entity.document)
      const versionId = await repository.insertVersion({
        entityId, version: 1, state: 'published', document: entity.document as unknown as PublishedDocument, contentHash: hash, changeNote: 'from 0.1', sourceFile: entity.sourceFile, releaseNumber: 1
      }, tx)
      entries.push({ entityId, versionId })
      audit.push({ releaseNumber: 1, entityId, ...entity.document, action: 'created' as const, version: 1, hashBefore: null, hashAfter: hash, sourceFile: entity.sourceFile, sourceCommit: null })
    }
    await repository.insertRelease({ number: 1, changeNote: 'from 0.1', sourceCommit: null, manifestHash: 'sha256:0', entityCount: entries.length, stats: { created: entries.length, updated: 0, withdrawn: 0 } }, entries, tx)
    await repository.insertAudit(audit.map(({ releaseNumber, entityId, type, slug, locale, action, version, hashBefore, hashAfter, sourceFile, sourceCommit }) =>
      ({ releaseNumber, entityId, type, slug, locale, action, version, hashBefore, hashAfter, sourceFile, sourceCommit })), tx)
  })
  const app = await build(t, { database })

  const alpha = await app.inject('/v1/conditions/alpha-disorder?locale=es')
  t.equal(alpha.statusCode, 200)
  t.match(alpha.json(), {
    version: 1,
    availableLocales: ['en', 'es'],
    review: { reviewStatus: 'unreviewed' },
    related: [
      { type: 'mechanism', slug: 'gate-blocking', locale: 'en', title: 'Title of gate-blocking', url: '/v1/mechanisms/gate-blocking' },
      { type: 'risk', slug: 'high-risk' }, { type: 'risk', slug: 'low-risk' },
      { type: 'topic', slug: 'the-basics' }
    ]
  }, 'links from both sides, resolved in the release, as 0.1 showed them')
  t.notOk('declaredRelated' in alpha.json())
  t.equal((await app.inject('/v1/conditions/alpha-disorder/versions/1?locale=es')).payload, alpha.payload, 'its version URL reads the same')
  const client = new SyncClient(app)
  await client.pull()
  t.same(await syncProblems(app, client), [], 'the feed carries those representations')

  const upgrade = await publishSeedsDir(database, seeds, 'first publish after the upgrade')
  t.equal(upgrade.changes.length, corpus.entities.length, 'one new version per entity and locale')
  t.ok(upgrade.changes.every((change) => change.action === 'updated' && change.version === 2))
  t.ok(upgrade.changes.every((change) => change.changedFields.includes('availableLocales') && change.changedFields.includes('declaredRelated')))
  t.equal((await publishSeedsDir(database, seeds)).release, null, 'then nothing more to write')
  await app.releases.refresh()
  await client.pull()
  t.same(await syncProblems(app, client), [], 'an incremental client follows the upgrade')
  t.match((await app.inject('/v1/conditions/alpha-disorder/versions/1')).json(), { version: 1, related: [{ slug: 'gate-blocking' }] }, 'old versions stay readable')
})
