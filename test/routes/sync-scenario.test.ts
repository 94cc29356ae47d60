// Issue 10, "What was seen" 1: a new risk file that links to condition/ptsd changed GET /v1/conditions/ptsd
// without any feed event for ptsd/en or the other linked condition, and after its withdrawal a synced ptsd/es
// still linked to it. Now the link is part of each side's version: both sides and both locales get events.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { SyncClient, syncProblems } from '../sync-client.js'

const CORPUS: SeedEntity[] = [
  { type: 'condition', slug: 'ptsd' },
  { type: 'condition', slug: 'ptsd', locale: 'es' },
  { type: 'condition', slug: 'treatment-resistant-depression' },
  { type: 'risk', slug: 'nausea', front: { related: [{ type: 'condition', slug: 'treatment-resistant-depression' }] } }
]
const NEW_RISK: SeedEntity = {
  type: 'risk',
  slug: 'new-risk',
  front: { related: [{ type: 'condition', slug: 'ptsd' }, { type: 'condition', slug: 'treatment-resistant-depression' }] }
}

interface Event { action: string, type: string, slug: string, locale: string, version: number, entity: { related: Array<{ slug: string, title: string }> } | null }
const describe = (events: Event[]) => events.map((event) => `${event.action} ${event.type}/${event.slug}/${event.locale} v${event.version}`).sort()

test('a link declared from the other side is an event for both sides, in every locale', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, CORPUS)
  await publishSeedsDir(database, seeds, 'first')
  const app = await build(t, { database })
  const incremental = new SyncClient(app)
  await incremental.pull()
  t.same(await syncProblems(app, incremental), [], 'in sync after the first release')

  await seeds.write(NEW_RISK)
  await publishSeedsDir(database, seeds, 'a new risk linking to ptsd')
  await app.releases.refresh()
  const served = (await app.inject('/v1/conditions/ptsd?locale=es')).json()
  t.same(served.related.map((link: { slug: string }) => link.slug), ['new-risk'], 'ptsd/es shows the new link')

  const added = await incremental.pull() as unknown as Event[]
  t.same(describe(added), [
    'created risk/new-risk/en v1',
    'updated condition/ptsd/en v2',
    'updated condition/ptsd/es v2',
    'updated condition/treatment-resistant-depression/en v2'
  ], 'the risk, and both sides of each link in every locale the condition has')
  const ptsdEs = added.find((event) => event.slug === 'ptsd' && event.locale === 'es')
  t.match(ptsdEs?.entity?.related, [{ slug: 'new-risk', title: 'Title of new-risk' }], 'the Spanish copy learns the link (English title: the risk has no translation)')
  t.same(await syncProblems(app, incremental), [], 'the incremental client holds what the server serves')
  const fromZero = new SyncClient(app)
  await fromZero.pull()
  t.same(await syncProblems(app, fromZero), [], 'so does a client replaying from zero')

  const diff = (await app.inject({ url: '/v1/conditions/ptsd/versions/2/diff', headers: { 'accept-language': 'es' } })).json()
  t.match(diff, { locale: 'es', requestedLocale: 'es', localeFallback: false, from: 1, to: 2 })
  t.same(diff.changes.map((change: { path: string }) => change.path), ['related'], 'the history says what changed: the link')

  await seeds.remove('risk', 'new-risk')
  await publishSeedsDir(database, seeds, 'withdraw the new risk')
  await app.releases.refresh()
  const removed = await incremental.pull() as unknown as Event[]
  t.same(describe(removed), [
    'updated condition/ptsd/en v3',
    'updated condition/ptsd/es v3',
    'updated condition/treatment-resistant-depression/en v3',
    'withdrawn risk/new-risk/en v2'
  ])
  t.equal(removed.find((event) => event.action === 'withdrawn')?.entity, null, 'a withdrawal carries no representation')
  const fromZeroAgain = new SyncClient(app)
  await fromZeroAgain.pull()
  for (const [name, client] of [['incremental', incremental], ['from zero', fromZeroAgain]] as const) {
    t.same(await syncProblems(app, client, ['risk/new-risk']), [], `${name}: in sync, and nothing held that answers 410`)
    const linking = [...client.store.entries()].filter(([, held]) => (held.body.related as Array<{ slug: string }>).some((link) => link.slug === 'new-risk'))
    t.same(linking.map(([key]) => key), [], `${name}: no synced copy still links to the withdrawn risk`)
  }
  t.equal((await app.inject('/v1/risks/new-risk')).statusCode, 410)
})

test('GraphQL changes carry the new version of each changed entity', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, CORPUS)
  await publishSeedsDir(database, seeds, 'first')
  await seeds.write(NEW_RISK)
  await publishSeedsDir(database, seeds, 'a new risk linking to ptsd')
  const app = await build(t, { database })
  const query = `{ changes(first: 20, locale: es) { nodes { action slug locale version entity {
    slug locale version title ... on Condition { related { slug title } review { reviewStatus } } } } } }`
  const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query } })
  t.equal(response.statusCode, 200, 'answered')
  const nodes = response.json().data.changes.nodes
  t.same(nodes.map((node: { slug: string, version: number }) => `${node.slug} v${node.version}`), ['ptsd v1', 'ptsd v2'], 'locale: es keeps the Spanish events only')
  t.match(nodes[1].entity, { slug: 'ptsd', locale: 'es', version: 2, title: 'Título de ptsd', related: [{ slug: 'new-risk', title: 'Title of new-risk' }], review: { reviewStatus: 'unreviewed' } })
  t.same(nodes[0].entity.related, [], 'version 1 as it was: no link yet')
  const read = (await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ condition(slug: "ptsd", locale: es) { slug locale version title related { slug title } review { reviewStatus } } }' } })).json()
  const { action: _action, ...current } = { action: null, ...nodes[1].entity }
  t.same(current, read.data.condition, 'the event carries what a read of the current version answers')
})
