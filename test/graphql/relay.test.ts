// Normalised-cache correctness and the Relay server specification: one id names one content, node(id:) reads it
// again, every edge cursor resumes, and possibleTypes is published beside the SDL.
import { readFileSync } from 'node:fs'
import { test } from 'tap'
import { getNamedType, isInterfaceType, isListType, isNonNullType, isObjectType, type GraphQLField } from 'graphql'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { POSSIBLE_TYPES_PATH } from '../../src/plugins/app/graphql.js'
import { possibleTypesJson } from '../../src/graphql/possible-types.js'

const ENTITY = `fragment E on Entity {
  id type slug locale localeFallback title summary version release
  sections { id key heading aspect body citations }
  codes { id system code display verified }
  sources { id key title year }
  related { id slug title locale }
  versions { id version state changeNote contentHash release }
  ... on Risk { atVersion(n: 1) { id summary version sections { id heading } } }
}`
const ALL = `query All($locale: Locale, $release: Int) {
  conditions(first: 25, locale: $locale, release: $release) { nodes { ...E } }
  risks(first: 25, locale: $locale, release: $release) { nodes { ...E } }
  mechanisms(first: 25, locale: $locale, release: $release) { nodes { ...E } }
  topics(first: 25, locale: $locale, release: $release) { nodes { ...E } }
}
${ENTITY}`

/** Nested objects with an id are checked on their own: in their parent they count as their id. */
function shallow (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shallow)
  if (value !== null && typeof value === 'object') {
    if (typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shallow(item)]))
  }
  return value
}

/** Every object carrying an id, anywhere in an answer. */
function objectsWithIds (value: unknown, found: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(value)) for (const item of value) objectsWithIds(item, found)
  else if (value !== null && typeof value === 'object') {
    if (typeof (value as { id?: unknown }).id === 'string') found.push(value as Record<string, unknown>)
    for (const item of Object.values(value)) objectsWithIds(item, found)
  }
  return found
}

test('Relay: global ids, node(id:), resumable cursors, possibleTypes', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, [...SMALL_CORPUS, { type: 'risk', slug: 'low-risk', locale: 'es' }])
  await publishSeedsDir(database, seeds, 'first')
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Second text.' } })
  await publishSeedsDir(database, seeds, 'second')
  const app = await build(t, { database })
  const graphql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } })
    const body = response.json()
    t.same(body.errors, undefined, `no errors: ${query.slice(0, 60)}`)
    return body.data
  }

  // Every entity, section, code, source and version in both locales, current and pinned to release 1.
  const answers = []
  for (const locale of ['en', 'es']) for (const release of [null, 1]) answers.push(await graphql(ALL, { locale, release }))
  const byId = new Map<string, Record<string, unknown>>()
  const objects = objectsWithIds(answers)
  for (const object of objects) {
    const merged = byId.get(object.id as string) ?? {}
    for (const [field, nested] of Object.entries(object)) {
      const value = shallow(nested)
      if (field in merged) t.same(value, merged[field], `${String(object.id)}.${field}: one id, one content`)
      else merged[field] = value
    }
    byId.set(object.id as string, merged)
  }
  t.ok(byId.size > 80, `${byId.size} distinct ids in ${objects.length} objects`)

  t.test('ids are unique where content differs', async (t) => {
    const sections = [...byId.keys()].filter((id) => id.startsWith('Section:'))
    t.ok(sections.includes('Section:condition:alpha-disorder:en:overview') && sections.includes('Section:condition:alpha-disorder:es:overview') && sections.includes('Section:condition:beta-syndrome:en:overview'), 'a section id names its entity and locale')
    t.not(byId.get('Risk:low-risk:en')?.summary, byId.get('Risk:low-risk:en@1')?.summary, 'a pinned read has its own id')
    t.equal(byId.get('Condition:beta-syndrome:es')?.localeFallback, true, 'a fallback read is named by the locale asked for')
    t.equal(byId.get('Condition:beta-syndrome:es')?.locale, 'en')
    t.equal(byId.get('Risk:low-risk:en')?.atVersion, 'Risk:low-risk:en@1', 'atVersion is the pinned read of the release that published it')
  })

  t.test('node(id:) reads every object again, as its id says', async (t) => {
    const query = `query ($id: ID!) { node(id: $id) {
      id __typename
      ... on Entity { slug locale title summary version }
      ... on Section { key heading body }
      ... on Code { system code display }
      ... on Source { key title }
      ... on VersionSummary { version contentHash state }
    } }`
    for (const [id, merged] of byId) {
      const { node } = await graphql(query, { id })
      t.ok(node, `${id} resolves`)
      if (!node) continue
      t.equal(node.id, id)
      t.equal(node.__typename, id.slice(0, id.indexOf(':')))
      for (const [field, value] of Object.entries(node)) if (field in merged) t.same(shallow(value), merged[field], `${id}.${field}`)
    }
    const release = await graphql('{ releases { nodes { id number } } }')
    for (const item of release.releases.nodes) t.same((await graphql(`{ node(id: "${item.id}") { id ... on Release { number } } }`)).node, item)
    for (const id of ['nope', 'Condition:nope:en', 'Condition:alpha-disorder:fr', 'Condition:alpha-disorder:en@999', 'Release:999', 'Section:condition:alpha-disorder:en:nope', 'Risk:low-risk:en@0', 'x'.repeat(5000)]) {
      t.equal((await graphql('query ($id: ID!) { node(id: $id) { id } }', { id })).node, null, `${id.slice(0, 40)}: null`)
    }
  })

  t.test('every edge cursor resumes right after its node', async (t) => {
    const connections: Array<[string, string]> = [
      ['conditions', 'conditions(first: $first, after: $after, locale: es, sort: title_desc)'],
      ['risks', 'risks(first: $first, after: $after)'],
      ['search', 'search(q: "summary", first: $first, after: $after)'],
      ['changes', 'changes(first: $first, after: $after)']
    ]
    for (const [name, field] of connections) {
      const nodeFields = name === 'search' ? 'slug type' : name === 'changes' ? 'cursor slug version' : 'id'
      const query = `query ($first: Int, $after: String) { page: ${field} { edges { cursor node { ${nodeFields} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
      const all = (await graphql(query, { first: 50 })).page
      t.ok(all.edges.length > 1, `${name}: ${all.edges.length} edges`)
      t.same([all.pageInfo.startCursor, all.pageInfo.endCursor, all.pageInfo.hasPreviousPage, all.pageInfo.hasNextPage], [all.edges[0].cursor, all.edges.at(-1).cursor, false, false], `${name}: pageInfo`)
      for (const [index, edge] of all.edges.entries()) {
        const next = (await graphql(query, { first: 1, after: edge.cursor })).page
        t.same(next.edges.map((item: { node: unknown }) => item.node), all.edges.slice(index + 1, index + 2).map((item: { node: unknown }) => item.node), `${name}: after edge ${index}`)
        t.equal(next.pageInfo.hasNextPage, index + 2 < all.edges.length)
        if (next.edges.length > 0) t.equal(next.pageInfo.hasPreviousPage, true)
      }
    }
  })

  t.test('the schema follows the Relay server specification', async (t) => {
    const schema = app.graphql.schema
    const node = schema.getType('Node')
    t.ok(isInterfaceType(node) && String(node.getFields().id?.type) === 'ID!', 'interface Node { id: ID! }')
    const nodeField = schema.getQueryType()?.getFields().node
    t.equal(String(nodeField?.type), 'Node')
    t.same(nodeField?.args.map((argument) => `${argument.name}: ${String(argument.type)}`), ['id: ID!'])
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue
      const fields = type.getFields()
      if (fields.id) t.ok(type.getInterfaces().some((item) => item.name === 'Node') && String(fields.id.type) === 'ID!', `${type.name}.id is a global id (implements Node)`)
      if (!type.name.endsWith('Connection')) continue
      const edges = fields.edges as GraphQLField<unknown, unknown> | undefined
      t.ok(edges && isNonNullType(edges.type) && isListType(edges.type.ofType), `${type.name}.edges is a list`)
      t.equal(String(fields.pageInfo?.type), 'PageInfo!', `${type.name}.pageInfo`)
      const edge = edges ? getNamedType(edges.type) : undefined
      t.ok(isObjectType(edge) && String(edge.getFields().cursor?.type) === 'String!' && edge.getFields().node !== undefined, `${edge?.name}: cursor and node`)
    }
    const pageInfo = schema.getType('PageInfo')
    t.ok(isObjectType(pageInfo))
    if (isObjectType(pageInfo)) {
      t.same(Object.fromEntries(Object.entries(pageInfo.getFields()).map(([name, field]) => [name, String(field.type)])), { hasNextPage: 'Boolean!', hasPreviousPage: 'Boolean!', startCursor: 'String', endCursor: 'String' })
    }
  })

  t.test('possibleTypes is published beside the SDL and matches the running schema', async (t) => {
    const file = readFileSync(POSSIBLE_TYPES_PATH, 'utf8')
    t.equal(file, possibleTypesJson(app.graphql.schema), 'no drift: run npm run graphql:possible-types after changing the SDL')
    t.same(JSON.parse(file).Entity, ['Condition', 'Mechanism', 'Risk', 'Topic'])
    const served = await app.inject('/graphql/possible-types.json')
    t.equal(served.statusCode, 200)
    t.same(served.json(), JSON.parse(file))
  })
})
