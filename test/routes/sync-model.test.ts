// Issue 10, sync equivalence (model-based): random sequences of create / edit / retitle / translate / untranslate /
// link / unlink / withdraw / re-create / publish over a small corpus. After every publish, a client that applied
// only the increments and a client that replays the feed from zero each hold, for every live entity in every
// locale it exists in, exactly the JSON and ETag GET serves (and follow the documented fallback rule for the
// others), and hold nothing the server answers 404 or 410 for. FC_RUNS raises the number of sequences.
import { test } from 'tap'
import fc from 'fast-check'
import { build, testDatabase } from '../helper.js'
import { seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { SyncClient, syncProblems } from '../sync-client.js'

type Key = 'condition/c-one' | 'condition/c-two' | 'risk/r-one' | 'risk/r-two' | 'topic/t-one'
const KEYS: Key[] = ['condition/c-one', 'condition/c-two', 'risk/r-one', 'risk/r-two', 'topic/t-one']

interface ModelEntity { exists: boolean, title: number, summary: number, spanish: boolean, links: Set<Key> }

type Action =
  | { kind: 'create' | 'withdraw' | 'translate' | 'untranslate' | 'retitle' | 'edit', key: Key }
  | { kind: 'link' | 'unlink', from: Key, to: Key }
  | { kind: 'publish' }

const key = fc.constantFrom(...KEYS)
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), key }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('withdraw' as const, 'translate' as const, 'untranslate' as const, 'retitle' as const, 'edit' as const), key }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('link' as const, 'link' as const, 'unlink' as const), from: key, to: key }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'publish' as const }) }
)

const RUNS = Number(process.env.FC_RUNS ?? 50)

test('feed replay, from zero or incrementally, holds exactly what the server serves', async (t) => {
  const database = await testDatabase(t)
  // One entity outside the model keeps every test source cited, so even an empty model is valid content.
  const seeds = await seedsDir(t, [{ type: 'mechanism', slug: 'm-base' }])
  const app = await build(t, { database })
  const model = new Map<Key, ModelEntity>(KEYS.map((name) => [name, { exists: false, title: 0, summary: 0, spanish: false, links: new Set() }]))
  const incremental = new SyncClient(app, 7)
  let publishes = 0
  let events = 0
  let relinks = 0

  /** The files as an editor would leave them: links only to entities that exist, never to itself. */
  const writeFiles = async (name: Key) => {
    const entity = model.get(name) as ModelEntity
    const [type, slug] = name.split('/') as [SeedEntity['type'], string]
    if (!entity.exists) {
      await seeds.remove(type, slug).catch(() => {})
      await seeds.remove(type, slug, 'es').catch(() => {})
      return
    }
    const related = [...entity.links].filter((target) => target !== name && model.get(target)?.exists).sort()
      .map((target) => ({ type: target.split('/')[0], slug: target.split('/')[1] }))
    await seeds.write({ type, slug, front: { title: `Title ${entity.title} of ${slug}`, summary: `Summary ${entity.summary} of ${slug}.`, related } })
    if (entity.spanish) await seeds.write({ type, slug, locale: 'es', front: { title: `Título ${entity.title} de ${slug}` } })
    else await seeds.remove(type, slug, 'es').catch(() => {})
  }

  const publishAndCheck = async () => {
    const result = await publishSeedsDir(database, seeds)
    await app.releases.refresh()
    publishes++
    events += result.changes.length
    relinks += result.changes.filter((change) => change.changedFields.some((field) => field === 'related' || field === 'availableLocales')).length
    const gone = KEYS.filter((name) => !model.get(name)?.exists)
    await incremental.pull()
    const fromZero = new SyncClient(app, 100)
    await fromZero.pull()
    // client 0 applied increments only, client 1 replayed from zero.
    const problems = await syncProblems(app, [incremental, fromZero], gone)
    if (problems.length > 0) throw new Error(`out of sync after release ${result.release}: ${JSON.stringify(problems, null, 2)}`)
  }

  await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 10 }), async (actions) => {
    for (const step of actions) {
      if (step.kind === 'publish') {
        await publishAndCheck()
        continue
      }
      if ('from' in step) {
        const from = model.get(step.from) as ModelEntity
        if (!from.exists || step.from === step.to) continue
        if (step.kind === 'link') {
          if (!model.get(step.to)?.exists) continue
          from.links.add(step.to)
        } else from.links.delete(step.to)
        await writeFiles(step.from)
        continue
      }
      const entity = model.get(step.key) as ModelEntity
      if (step.kind === 'create') {
        // Re-creating a withdrawn entity starts from a new text, with no links and no translation.
        if (entity.exists) continue
        Object.assign(entity, { exists: true, title: entity.title + 1, summary: entity.summary + 1, spanish: false, links: new Set() })
      } else if (!entity.exists) {
        continue
      } else if (step.kind === 'withdraw') {
        entity.exists = false
        // An editor removes the links to it too, or content:check refuses the files.
        for (const [name, other] of model) {
          if (other.exists && other.links.delete(step.key)) await writeFiles(name)
        }
      } else if (step.kind === 'translate') entity.spanish = true
      else if (step.kind === 'untranslate') entity.spanish = false
      else if (step.kind === 'retitle') entity.title++
      else entity.summary++
      await writeFiles(step.key)
    }
    await publishAndCheck()
  }), { numRuns: RUNS, endOnFailure: true })
  t.ok(publishes >= RUNS, `${publishes} publishes checked, ${events} changes, ${incremental.requests} feed pages read incrementally`)
  t.ok(relinks > 0, `${relinks} changes of links or locales were among them`)
})
