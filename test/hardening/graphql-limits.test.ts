// Reliability A1–A6 and B1: GraphQL documents are bounded before anything runs. A refused document is a 400 when
// the client accepts application/graphql-response+json (these tests do), a 200 with errors for application/json.
import { readdir, readFile } from 'node:fs/promises'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { test } from 'tap'
import { buildSchema, getIntrospectionQuery, parse, printSchema } from 'graphql'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { SDL } from '../../src/plugins/app/graphql.js'
import { COST_BUDGET, documentCost } from '../../src/graphql/limits.js'

v8.setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void
function liveHeap (): number {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

const FIXTURES = new URL('../fixtures/graphql-hostile/', import.meta.url)

test('GraphQL limits', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/graphql', payload: payload as Record<string, unknown>, headers: { accept: 'application/graphql-response+json', ...headers } })
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
      const legacy = await post({ query }, { accept: 'application/json' })
      t.equal(legacy.statusCode, 200, `${name}: 200 with errors for application/json`)
      t.equal(legacy.json().errors[0].extensions.code, response.json().errors[0].extensions.code)
    }
    t.equal((await post({ query: nested(12) })).json().errors[0].extensions.code, 'KCA_ERR_QUERY_DEPTH')
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

  // A refused document is a 4xx; a document that runs but whose only field refuses its argument (a NUL in a slug) is
  // a 200 whose data is null and whose error is coded (GraphQL over HTTP). Never a 5xx, never data.
  t.test('A6 a corpus of hostile documents, 20 times in parallel: every answer a coded refusal, the process stays up', async (t) => {
    const documents = await Promise.all((await readdir(FIXTURES)).map(async (name) => ({ name, query: await readFile(new URL(name, FIXTURES), 'utf8') })))
    documents.push({ name: 'one-megabyte-string', query: `{ condition(slug: "${'x'.repeat(1_000_000)}") { slug } }` })
    // One round first: what is allocated once (parsed-document caches, compiled code) is not growth.
    await Promise.all(documents.map((document) => post({ query: document.query })))
    // Live heap after a full collection, not RSS: RSS also counts memory the allocator has not returned yet, which
    // varied by tens of MB between runs on a loaded machine while the live heap did not grow.
    const before = liveHeap()
    for (let round = 0; round < 20; round++) {
      const responses = await Promise.all(documents.map((document) => post({ query: document.query })))
      for (const [index, response] of responses.entries()) {
        const body = (response.statusCode === 413 ? { errors: [{ extensions: { code: 'KCA_ERR_BODY_TOO_LARGE' } }] } : response.json()) as { data?: Record<string, unknown> | null, errors?: Array<{ extensions?: { code?: string } }> }
        const refused = response.statusCode >= 400 && response.statusCode < 500
        const fieldRefused = response.statusCode === 200 && Object.values(body.data ?? {}).every((value) => value === null)
        if (!(refused || fieldRefused) || !body.errors?.every((error) => error.extensions?.code?.startsWith('KCA_ERR_'))) t.fail(`${documents[index]?.name}: ${response.statusCode} ${response.body.slice(0, 200)}`)
      }
    }
    t.pass(`${documents.length} documents × 20 rounds refused with a code`)
    const growth = (liveHeap() - before) / 1024 / 1024
    t.ok(growth < 10, `the live heap grew ${growth.toFixed(1)} MB over 20 rounds (a leak of the 1 MB document alone would add 20)`)
    t.equal((await post({ query: '{ __typename }' })).statusCode, 200, 'still serving')
  })

  t.test('introspection is exempt from the depth rule, counted by cost', async (t) => {
    const standard = await post({ query: getIntrospectionQuery() })
    t.equal(standard.statusCode, 200, 'the standard introspection query (13 deep) is answered')
    t.equal(standard.json().data.__schema.queryType.name, 'Query')
    const cost = standard.json().extensions.cost.requested
    t.ok(cost > 100 && cost < 10_000, `it costs ${cost}`)
    const nestedQuery = await readFile(new URL('introspection-nested.graphql', FIXTURES), 'utf8')
    const nestedIntrospection = await post({ query: nestedQuery })
    t.equal(nestedIntrospection.statusCode, 400, 'nested introspection is refused before it runs')
    // graphql-js refuses it too (MaxIntrospectionDepthRule); the cost rule would on its own.
    t.match(nestedIntrospection.json().errors[0].extensions.code, /^KCA_ERR_(GRAPHQL_VALIDATION|QUERY_COST)$/)
    t.ok(documentCost(app.graphql.schema, parse(nestedQuery)) > COST_BUDGET, 'its cost alone is over the budget')
  })

  t.test('the running schema matches the checked-in SDL, which is served as a file', async (t) => {
    t.equal(printSchema(app.graphql.schema), printSchema(buildSchema(SDL)), 'no drift between the server and schema/graphql/schema.graphql')
    const file = await app.inject('/graphql/schema.graphql')
    t.equal(file.statusCode, 200)
    t.equal(file.body, SDL)
  })
})

test('B1 production: introspection on, cached per schema and charged; no GraphiQL, no suggestions', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database, config: { NODE_ENV: 'production', GRAPHQL_COST_BUDGET: 20_000 } })
  const post = (query: string) => app.inject({ method: 'POST', url: '/graphql', payload: { query }, headers: { accept: 'application/graphql-response+json' } })
  let executions = 0
  app.graphql.addHook('preExecution', async () => { executions++ })
  const introspection = await post(getIntrospectionQuery())
  t.equal(introspection.statusCode, 200)
  t.same(introspection.json().data.__schema.types.map((type: { name: string }) => type.name).sort(), Object.keys(app.graphql.schema.getTypeMap()).sort(), 'every type of the running schema')
  const cost = introspection.json().extensions.cost.requested as number
  app.graphqlCache.clear()
  const again = await post(getIntrospectionQuery())
  t.equal(again.body, introspection.body, 'the same answer')
  t.equal(executions, 1, 'served from the per-schema cache: nothing executed again')
  const typo = await post('{ condition(slug: "alpha-disorder") { titel } }')
  t.equal(typo.statusCode, 400)
  t.notMatch(typo.body, /Did you mean/)
  t.same((await post('{ __typename }')).json().data, { __typename: 'Query' })
  t.equal((await app.inject('/graphiql')).statusCode, 404)
  // Budget 20,000 a minute; spent so far: two introspections and one __typename (cost 1). Cached answers are charged too.
  let answered = 2
  let refused: Awaited<ReturnType<typeof post>> | undefined
  while (refused === undefined && answered < 20) {
    const response = await post(getIntrospectionQuery())
    if (response.statusCode === 200) answered++
    else refused = response
  }
  t.equal(refused?.statusCode, 429, 'past the budget: 429')
  t.equal(refused?.json().errors[0].extensions.code, 'KCA_ERR_RATE_LIMITED')
  t.equal(answered, Math.floor((20_000 - 1) / cost), `each cached answer charged its cost (${cost})`)

  const development = await build(t, { database })
  const suggestion = await development.inject({ method: 'POST', url: '/graphql', payload: { query: '{ condition(slug: "alpha-disorder") { titel } }' } })
  t.match(suggestion.body, /Did you mean/, 'development keeps suggestions')
})
