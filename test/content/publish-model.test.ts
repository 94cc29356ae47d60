// Model-based test (reliability G3/G5): random sequences of edit, withdraw, restore, draft and publish;
// after every publish the database must hold exactly what the files say, with contiguous version numbers.
import { test } from 'tap'
import fc from 'fast-check'
import { testDatabase } from '../helper.js'
import { seedsDir, type SeedEntity } from '../factories.js'
import { loadCorpus } from '../../src/content/corpus.js'
import { publishCorpus } from '../../src/content/publish.js'
import { canonicalJson, contentHash } from '../../src/content/canonical.js'
import { sourceOf } from '../../src/content/materialise.js'
import { createContentRepository } from '../../src/repositories/content-repository.js'
import { entityKeyString } from '../../src/repositories/records.js'

const SLUGS = ['risk-a', 'risk-b', 'risk-c', 'risk-d']
type Action =
  | { kind: 'edit', slug: string, text: string }
  | { kind: 'remove', slug: string }
  | { kind: 'draft', slug: string }
  | { kind: 'publish' }

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), slug: fc.constantFrom(...SLUGS), text: fc.constantFrom('First text.', 'Second text.', 'Third text.') }),
  fc.record({ kind: fc.constant('remove' as const), slug: fc.constantFrom(...SLUGS) }),
  fc.record({ kind: fc.constant('draft' as const), slug: fc.constantFrom(...SLUGS) }),
  fc.constant({ kind: 'publish' as const })
)

test('publish keeps its invariants under random edits', async (t) => {
  const database = await testDatabase(t)
  const repository = createContentRepository(database.db)
  const seeds = await seedsDir(t)
  const present = new Set<string>()
  const file = (slug: string, summary: string, status?: 'draft'): SeedEntity => ({ type: 'risk', slug, front: { summary, ...(status ? { status } : {}) } })
  let checks = 0

  const publishAndCheck = async () => {
    const corpus = await loadCorpus(seeds.path)
    if (corpus.problems.length > 0) throw new Error(JSON.stringify(corpus.problems))
    await publishCorpus(database.db, corpus)
    // Idempotent: nothing changed since, so nothing is written.
    t.equal((await publishCorpus(database.db, await loadCorpus(seeds.path))).release, null)
    const release = await repository.latestReleaseNumber()
    const live = release === null ? [] : await repository.releaseVersions(release)
    // Each live version was built from exactly its file (and hashes what it stores).
    const expected = corpus.entities.filter((entity) => entity.status === 'published')
      .map((entity) => [entityKeyString(entity.document), canonicalJson(entity.document)]).sort()
    t.ok(live.every((version) => version.contentHash === contentHash(version.document)), 'every version hashes what it stores')
    const actual = live.map((version) => [entityKeyString(version), canonicalJson(sourceOf(version.document as NonNullable<typeof version.document>))]).sort()
    const keptWhileDraft = corpus.entities.filter((entity) => entity.status === 'draft').map((entity) => entityKeyString(entity.document))
    t.same(actual.filter(([key]) => !keptWhileDraft.includes(key as string)), expected, 'the release holds exactly the published files')
    const histories = new Map<number, number[]>()
    for (const version of await repository.allVersions()) histories.set(version.entityId, [...(histories.get(version.entityId) ?? []), version.version])
    for (const versions of histories.values()) t.same(versions, versions.map((_, index) => index + 1), 'versions are contiguous from 1')
    t.equal(new Set(live.map((version) => version.entityId)).size, live.length, 'one current version per entity')
    checks++
  }

  await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
    for (const step of actions) {
      if (step.kind === 'edit') {
        await seeds.write(file(step.slug, step.text))
        present.add(step.slug)
      } else if (step.kind === 'remove' && present.has(step.slug)) {
        await seeds.remove('risk', step.slug)
        present.delete(step.slug)
      } else if (step.kind === 'draft' && !present.has(step.slug)) {
        await seeds.write(file(step.slug, 'A draft text.', 'draft'))
        present.add(step.slug)
      } else if (step.kind === 'publish') {
        await publishAndCheck()
      }
    }
    await publishAndCheck()
  }), { numRuns: 12, seed: 20261126 })
  t.ok(checks >= 12, `${checks} publishes checked`)
})
