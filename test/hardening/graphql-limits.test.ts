// Reliability A1–A6 and B1: GraphQL documents are bounded before anything runs.
import { readdir, readFile } from 'node:fs/promises'
import { test } from 'tap'
import { buildSchema, printSchema } from 'graphql'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { SDL } from '../../src/plugins/app/graphql.js'

const FIXTURES = new URL('../fixtures/graphql-hostile/', import.meta.url)

test('GraphQL limits', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/graphql', payload: payload as Record<string, unknown>, headers })
  // A chain of single objects: deep but cheap, so only the depth limit can refuse it.
  const nested = (depth: number) => {
    let selection = 'slug'
    for (let level = 2; level < depth; level++) selection = `atVersion(n: 1) { ${selection} }`
    return `{ condition(slug: "alpha-disorder") { ${selection} } }`
  }

  t.test('A1 depth ≤ 10, counted through fragments', async (t) => {
    t.equal((await post({ query: nested(10) })).statusCode, 200, 'depth 10 passes')
    for (const [name, query] of [
      ['plain', nested(12)],
      ['named fragments', await readFile(new URL('fragment-depth.graphql', FIXTURES), 'utf8')],
      ['inline fragments', `{ condition(slug: "alpha-disorder") { ${'... on Condition { atVersion(n: 1) { '.repeat(11)}slug${' } }'.repeat(11)} } }`],
      ['cyclic fragments', await readFile(new URL('cyclic-fragments.graphql', FIXTURES), 'utf8')]
    ]) {
      const response = await post({ query })
      t.equal(response.statusCode, 400, `${name}: 400`)
      t.ok(response.json().errors[0].extensions.code, `${name}: coded`)
    }
  })

  t.test('A2 cost limit with list sizes and variables; cost in extensions', async (t) => {
    const rejected = await post({ query: '{ conditions(first: 100) { nodes { risks { conditions { risks { slug } } } } } }' })
    t.equal(rejected.statusCode, 400)
    t.match(rejected.json().errors[0], { message: /query cost \d+ exceeds the budget of 10000/, extensions: { code: 'KCA_ERR_QUERY_COST' } })
    const variable = await post({ query: 'query ($n: Int) { topics(first: $n) { nodes { related { slug } } } }', variables: { n: 1000 } })
    t.equal(variable.statusCode, 400, 'a variable page size is applied before execution')
    const accepted = await post({ query: '{ topics(first: 20) { nodes { related { slug } } } }' })
    t.equal(accepted.statusCode, 200)
    t.same(accepted.json().extensions.cost, { requested: 20 * (1 + 20), budget: 10_000 })
  })

  t.test('A3 every list is paginated: bad sizes are 400', async (t) => {
    for (const first of ['-1', '0', '101', '2147483648', '"abc"', '1.5']) {
      const response = await post({ query: `{ conditions(first: ${first}) { nodes { slug } } }` })
      t.equal(response.statusCode, 400, `first: ${first}`)
    }
    const page = await post({ query: '{ conditions { nodes { slug } } }' })
    t.equal(page.json().data.conditions.nodes.length, 2)
  })

  t.test('A4 caps: aliases, tokens, body size', async (t) => {
    const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: condition(slug: "alpha-disorder") { slug }`).join(' ')} }`
    t.equal((await post({ query: aliases(15) })).statusCode, 200, '15 aliases pass')
    const tooMany = await post({ query: aliases(16) })
    t.equal(tooMany.statusCode, 400)
    t.match(tooMany.json().errors[0].message, /at most 15 aliases/)
    const tokens = await post({ query: await readFile(new URL('token-flood.graphql', FIXTURES), 'utf8') })
    t.equal(tokens.statusCode, 400)
    const large = await post({ query: `{ __typename } # ${'x'.repeat(17 * 1024)}` })
    t.equal(large.statusCode, 413)
    t.equal(large.json().errors[0].extensions.code, 'KCA_ERR_BODY_TOO_LARGE')
  })

  t.test('A5 no batching', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: [{ query: '{ __typename }' }, { query: '{ __typename }' }] as unknown as Record<string, unknown> })
    t.equal(response.statusCode, 400)
  })

  t.test('A6 a corpus of hostile documents, 20 times in parallel: every answer a 4xx, the process stays up', async (t) => {
    const documents = await Promise.all((await readdir(FIXTURES)).map(async (name) => ({ name, query: await readFile(new URL(name, FIXTURES), 'utf8') })))
    documents.push({ name: 'one-megabyte-string', query: `{ condition(slug: "${'x'.repeat(1_000_000)}") { slug } }` })
    const before = process.memoryUsage().rss
    for (let round = 0; round < 20; round++) {
      const responses = await Promise.all(documents.map((document) => post({ query: document.query })))
      for (const [index, response] of responses.entries()) {
        if (response.statusCode < 400 || response.statusCode >= 500) t.fail(`${documents[index]?.name}: ${response.statusCode} ${response.body.slice(0, 200)}`)
      }
    }
    t.pass(`${documents.length} documents × 20 rounds answered 4xx`)
    const growth = (process.memoryUsage().rss - before) / 1024 / 1024
    t.ok(growth < 50, `RSS grew ${growth.toFixed(1)} MB`)
    t.equal((await post({ query: '{ __typename }' })).statusCode, 200, 'still serving')
  })

  t.test('the running schema matches the checked-in SDL, which is served as a file', async (t) => {
    t.equal(printSchema(app.graphql.schema), printSchema(buildSchema(SDL)), 'no drift between the server and schema/graphql/schema.graphql')
    const file = await app.inject('/graphql/schema.graphql')
    t.equal(file.statusCode, 200)
    t.equal(file.body, SDL)
  })
})

test('B1 production: no introspection, no GraphiQL, no suggestions; __typename still works', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { NODE_ENV: 'production' } })
  const post = (query: string) => app.inject({ method: 'POST', url: '/graphql', payload: { query } })
  const introspection = await post('{ __schema { types { name } } }')
  t.equal(introspection.statusCode, 400)
  t.match(introspection.json().errors[0].message, /introspection/i)
  const typo = await post('{ condition(slug: "alpha-disorder") { titel } }')
  t.equal(typo.statusCode, 400)
  t.notMatch(typo.body, /Did you mean/)
  t.same((await post('{ __typename }')).json().data, { __typename: 'Query' })
  t.equal((await app.inject('/graphiql')).statusCode, 404)

  const development = await build(t, { database })
  const suggestion = await development.inject({ method: 'POST', url: '/graphql', payload: { query: '{ condition(slug: "alpha-disorder") { titel } }' } })
  t.match(suggestion.body, /Did you mean/, 'development keeps suggestions')
})
