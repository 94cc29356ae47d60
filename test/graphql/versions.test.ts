import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('GraphQL versions, diff, releases and the changes feed', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds, 'first')
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Second text.' } })
  await publishSeedsDir(database, seeds, 'second')
  const app = await build(t, { database })
  const graphql = async (query: string) => (await app.inject({ method: 'POST', url: '/graphql', payload: { query } })).json()

  const risk = await graphql(`{ risk(slug: "low-risk") {
    version summary
    atVersion(n: 1) { version summary release }
    diff(from: 1, to: 2) { from to changeNote changes { path change before after } }
  } }`)
  t.match(risk.data.risk, { version: 2, summary: 'Second text.', atVersion: { version: 1, summary: 'A short summary of low-risk.', release: 1 } })
  t.match(risk.data.risk.diff, { from: 1, to: 2, changeNote: 'second' })
  t.match(risk.data.risk.diff.changes.find((change: { path: string }) => change.path === 'summary'), { change: 'changed', before: '"A short summary of low-risk."', after: '"Second text."' })

  const pinned = await graphql('{ risk(slug: "low-risk", release: 1) { summary version } }')
  t.same(pinned.data.risk, { summary: 'A short summary of low-risk.', version: 1 })

  const releases = await graphql('{ releases { nodes { number changeNote stats { created updated withdrawn } changes { action slug } } current } release(number: 2) { number } }')
  t.same(releases.data.releases.nodes.map((release: { number: number }) => release.number), [2, 1])
  t.same(releases.data.releases.nodes[0].changes, [{ action: 'updated', slug: 'low-risk' }])
  t.equal(releases.data.releases.current, 2)
  const older = await graphql('{ releases(first: 1) { nodes { number } pageInfo { hasNextPage endCursor } } }')
  t.same(older.data.releases.nodes, [{ number: 2 }])
  const second = await graphql(`{ releases(first: 1, after: "${older.data.releases.pageInfo.endCursor}") { nodes { number } pageInfo { hasNextPage } } }`)
  t.same(second.data.releases, { nodes: [{ number: 1 }], pageInfo: { hasNextPage: false } }, 'releases page like every other connection')
  t.equal(releases.data.release.number, 2)

  const page = await graphql('{ changes(first: 5) { nodes { action slug version } pageInfo { hasNextPage endCursor } } }')
  t.equal(page.data.changes.nodes.length, 5)
  t.equal(page.data.changes.pageInfo.hasNextPage, true)
  const rest = await graphql(`{ changes(after: "${page.data.changes.pageInfo.endCursor}") { nodes { action slug version } pageInfo { hasNextPage } } }`)
  t.same(rest.data.changes.nodes.at(-1), { action: 'updated', slug: 'low-risk', version: 2 })
  t.equal(page.data.changes.nodes.length + rest.data.changes.nodes.length, SMALL_CORPUS.length + 1)
  const bad = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ changes(after: "nope") { nodes { slug } } }' } })
  t.equal(bad.statusCode, 200, 'a field error is a 200 (GraphQL over HTTP)')
  t.equal(bad.json().errors[0].extensions.code, 'KCA_ERR_INVALID_CURSOR', 'the same error as REST for a cursor the API did not issue')
})
