// Drafts never leak (reliability E1): a draft per type carries a canary string and is linked from nowhere
// published; every REST route and a full-depth GraphQL query are crawled for it. Only a key with the
// preview scope can read a draft.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { createApiKey } from '../../src/access/api-keys.js'

const CANARY = 'CANARY7731'
const drafts: SeedEntity[] = (['topic', 'condition', 'risk', 'mechanism'] as const).map((type) => ({
  type,
  slug: `draft-${type}`,
  front: { status: 'draft', title: `${CANARY} ${type}`, summary: `${CANARY} secret summary`, related: [{ type: 'condition', slug: 'alpha-disorder' }] }
}))

test('drafts never leak, and preview needs the preview scope', async (t) => {
  const database = await testDatabase(t)
  // A published entity with a draft revision in progress: the published text stays, the draft is hidden.
  const seeds = await seedsDir(t, [...SMALL_CORPUS, ...drafts])
  await publishSeedsDir(database, seeds)
  // Nothing links to the topic, so it may go back to draft while its published version stays.
  await seeds.write({ ...SMALL_CORPUS[6], front: { ...SMALL_CORPUS[6]?.front, status: 'draft', summary: `${CANARY} revision in progress` } } as SeedEntity)
  await publishSeedsDir(database, seeds)
  // Key verdicts are not cached here, so a revocation shows on the very next request (with the default TTL it takes
  // effect within API_KEY_CACHE_TTL_MS: test/ops/api-key-limits.test.ts).
  const app = await build(t, { database, config: { API_KEY_CACHE_TTL_MS: 0 } })
  const { key: previewKey } = await createApiKey(app.accessRepository, 'Editor preview', ['read', 'preview'])
  const { key: readKey } = await createApiKey(app.accessRepository, 'Partner', ['read'])

  t.test('a crawl of every REST route finds no draft text', async (t) => {
    const urls = ['/v1/releases', '/v1/releases/1', '/v1/changes?after=0&limit=500']
    for (const plural of ['topics', 'conditions', 'risks', 'mechanisms']) {
      for (const suffix of ['', '?locale=es', '?include=topics,conditions,risks,mechanisms', '?status=draft', '?preview=true']) urls.push(`/v1/${plural}${suffix}`)
      const list = (await app.inject(`/v1/${plural}?limit=100`)).json()
      for (const item of list.items) {
        urls.push(`${item.url}?include=topics,conditions,risks,mechanisms`, `${item.url}/versions`, `${item.url}/versions/1`)
      }
    }
    for (const draft of drafts) {
      const plural = `${draft.type}s`
      urls.push(`/v1/${plural}/${draft.slug}`, `/v1/${plural}/${draft.slug}/versions`, `/v1/${plural}/${draft.slug}?release=1`)
    }
    let crawled = 0
    for (const url of urls) {
      const response = await app.inject(url)
      crawled++
      t.notMatch(response.body, CANARY, `${url} (${response.statusCode})`)
    }
    t.ok(crawled > 40, `${crawled} URLs crawled`)
    for (const draft of drafts) t.equal((await app.inject(`/v1/${draft.type}s/${draft.slug}`)).statusCode, 404, `${draft.slug} is a 404`)
    const risks = (await app.inject('/v1/risks')).json()
    t.equal(risks.items.length, 2, 'list counts exclude drafts')
    const topic = (await app.inject('/v1/topics/the-basics')).json()
    t.equal(topic.summary, 'A short summary of the-basics.', 'the published text stays while a draft revision exists')
  })

  t.test('a full-depth GraphQL query finds no draft text', async (t) => {
    // Every relation of every entity, with pages small enough to stay under the cost budget.
    const card = '{ slug title summary }'
    const relations: Record<string, string[]> = {
      topics: ['conditions', 'risks', 'mechanisms', 'topics'],
      conditions: ['risks', 'mechanisms', 'topics'],
      risks: ['conditions', 'mechanisms', 'topics'],
      mechanisms: ['conditions', 'risks', 'topics']
    }
    const lists = Object.entries(relations).map(([plural, fields]) =>
      `${plural}(first: 15) { nodes { slug title summary related ${card} versions { version changeNote } ${fields.map((field) => `${field} ${card}`).join(' ')} } }`)
    const query = `{ ${lists.join(' ')} changes(first: 100) { nodes { slug } } releases { nodes { changes { slug } } }
      d1: risk(slug: "draft-risk") { slug } d2: condition(slug: "draft-condition") { slug } }`
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query } })
    t.equal(response.statusCode, 200)
    t.notMatch(response.body, CANARY)
    t.same(response.json().data.d1, null)
  })

  t.test('preview reads', async (t) => {
    const anonymous = await app.inject('/v1/risks/draft-risk?preview=true')
    t.equal(anonymous.statusCode, 401)
    t.equal(anonymous.json().code, 'KCA_ERR_UNAUTHORIZED')
    const partner = await app.inject({ url: '/v1/risks/draft-risk?preview=true', headers: { authorization: `Bearer ${readKey}` } })
    t.equal(partner.statusCode, 403)
    t.equal(partner.json().code, 'KCA_ERR_FORBIDDEN')
    const editor = await app.inject({ url: '/v1/risks/draft-risk?preview=true', headers: { 'x-api-key': previewKey } })
    t.equal(editor.statusCode, 200)
    t.match(editor.json(), { slug: 'draft-risk', status: 'draft', summary: `${CANARY} secret summary` })
    t.equal(editor.headers['cache-control'], 'private, no-store')
    const revision = await app.inject({ url: '/v1/topics/the-basics?preview=true', headers: { 'x-api-key': previewKey } })
    t.match(revision.json(), { status: 'draft', summary: `${CANARY} revision in progress` })
    const publishedOnly = await app.inject({ url: '/v1/risks/high-risk?preview=true', headers: { 'x-api-key': previewKey } })
    t.match(publishedOnly.json(), { status: 'published', slug: 'high-risk' })
    const withoutPreview = await app.inject({ url: '/v1/risks/draft-risk', headers: { 'x-api-key': previewKey } })
    t.equal(withoutPreview.statusCode, 404, 'a key alone does not reveal drafts')
  })

  t.test('keys: invalid or revoked keys are refused, only hashes are stored', async (t) => {
    t.equal((await app.inject({ url: '/v1/risks', headers: { authorization: 'Bearer kca_nothing' } })).statusCode, 401)
    t.equal((await app.inject({ url: '/v1/risks', headers: { authorization: `Bearer ${readKey}` } })).statusCode, 200)
    const stored = await app.accessRepository.listKeys()
    t.notOk(JSON.stringify(stored).includes(readKey), 'the key itself is nowhere in the table')
    const prefix = readKey.split('_')[1] as string
    t.ok(await app.accessRepository.revokeKey(prefix))
    t.equal((await app.inject({ url: '/v1/risks', headers: { authorization: `Bearer ${readKey}` } })).statusCode, 401)
    const tampered = `${previewKey.slice(0, -1)}${previewKey.endsWith('A') ? 'B' : 'A'}`
    t.equal((await app.inject({ url: '/v1/risks', headers: { 'x-api-key': tampered } })).statusCode, 401)
  })
})
