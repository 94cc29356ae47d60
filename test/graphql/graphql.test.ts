import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('GraphQL reads, relations through loaders and masked errors', async (t) => {
  const statements: string[] = []
  const database = await testDatabase(t, { onQuery: (sql) => statements.push(sql) })
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds)
  const app = await build(t, { database })
  const graphql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } })
    return { status: response.statusCode, body: response.json() }
  }

  t.test('single entities and their relations', async (t) => {
    const { status, body } = await graphql(`{
      condition(slug: "alpha-disorder") { slug title evidenceStatus review { reviewStatus } risks { slug severity conditions { slug } } mechanisms { slug steps } }
      risk(slug: "high-risk") { conditions { slug } }
      missing: condition(slug: "nope") { slug }
    }`)
    t.equal(status, 200)
    t.same(body.errors, undefined)
    t.match(body.data.condition, { slug: 'alpha-disorder', evidenceStatus: 'approved', review: { reviewStatus: 'unreviewed' } })
    t.same(body.data.condition.risks.map((risk: { slug: string }) => risk.slug), ['high-risk', 'low-risk'])
    t.same(body.data.condition.risks[0].conditions.map((condition: { slug: string }) => condition.slug), ['alpha-disorder', 'beta-syndrome'])
    t.same(body.data.condition.mechanisms, [{ slug: 'gate-blocking', steps: ['First step happens.', 'Second step follows.'] }])
    t.same(body.data.risk.conditions.map((condition: { slug: string }) => condition.slug), ['alpha-disorder', 'beta-syndrome'])
    t.equal(body.data.missing, null)
  })

  t.test('connections paginate with cursors and filter', async (t) => {
    const first = await graphql('{ risks(first: 1) { edges { cursor node { slug } } pageInfo { hasNextPage endCursor } } }')
    t.same(first.body.data.risks.edges.map((edge: { node: { slug: string } }) => edge.node.slug), ['high-risk'])
    t.equal(first.body.data.risks.pageInfo.hasNextPage, true)
    const next = await graphql('query ($after: String) { risks(first: 1, after: $after) { nodes { slug } pageInfo { hasNextPage } } }', { after: first.body.data.risks.pageInfo.endCursor })
    t.same(next.body.data.risks, { nodes: [{ slug: 'low-risk' }], pageInfo: { hasNextPage: false } })
    const filtered = await graphql('{ risks(filter: { severity: "high" }) { nodes { slug } } }')
    t.same(filtered.body.data.risks.nodes, [{ slug: 'high-risk' }])
    const spanish = await graphql('{ conditions(locale: es) { nodes { slug locale localeFallback title } } }')
    t.same(spanish.body.data.conditions.nodes.map((node: { locale: string, localeFallback: boolean }) => [node.locale, node.localeFallback]), [['es', false], ['en', true]])
  })

  t.test('versions through a batched loader', async (t) => {
    const { body } = await graphql('{ risks { nodes { slug versions { version state release } } } }')
    t.same(body.data.risks.nodes, [
      { slug: 'high-risk', versions: [{ version: 1, state: 'published', release: 1 }] },
      { slug: 'low-risk', versions: [{ version: 1, state: 'published', release: 1 }] }
    ])
  })

  t.test('client errors are coded; a refused document is 400 with graphql-response+json, 200 with JSON; field errors 200', async (t) => {
    const ask = async (query: string, accept: string) => {
      const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query }, headers: { accept } })
      return { status: response.statusCode, type: response.headers['content-type'], body: response.json() }
    }
    const strict = (query: string) => ask(query, 'application/graphql-response+json')
    const json = (query: string) => ask(query, 'application/json')
    for (const [name, query, code] of [
      ['syntax', '{ condition(slug: "x" { slug }', 'KCA_ERR_GRAPHQL_SYNTAX'],
      ['unknown field', '{ condition(slug: "alpha-disorder") { password } }', 'KCA_ERR_GRAPHQL_VALIDATION'],
      ['page size', '{ conditions(first: 101) { nodes { slug } } }', 'KCA_ERR_BAD_REQUEST']
    ] as const) {
      const refused = await strict(query)
      t.equal(refused.status, 400, `${name}: 400 with graphql-response+json`)
      t.equal(refused.type, 'application/graphql-response+json; charset=utf-8')
      t.notOk('data' in refused.body, `${name}: a refused document has no data entry`)
      t.match(refused.body.errors[0], { extensions: { code, requestId: /\S+/ } }, `${name}: ${code}`)
      const legacy = await json(query)
      t.equal(legacy.status, 200, `${name}: 200 with application/json`)
      t.equal(legacy.type, 'application/json; charset=utf-8')
      t.equal(legacy.body.errors[0].extensions.code, code)
    }
    t.match((await strict('{ conditions(first: 101) { nodes { slug } } }')).body.errors[0].message, /first: must be an integer from 1 to 100/)
    for (const [name, query, code] of [
      ['cursor', '{ conditions(after: "garbage") { nodes { slug } } }', 'KCA_ERR_INVALID_CURSOR'],
      ['release', '{ condition(slug: "alpha-disorder", release: 42) { slug } }', 'KCA_ERR_RELEASE_NOT_FOUND'],
      ['slug', '{ condition(slug: "Not A Slug") { slug } }', 'KCA_ERR_BAD_REQUEST']
    ] as const) {
      for (const answer of [await strict(query), await json(query)]) {
        t.equal(answer.status, 200, `${name}: the only field failed: 200 with the error, never 4xx`)
        t.ok('data' in answer.body, `${name}: execution ran`)
        t.equal(answer.body.errors[0].extensions.code, code, `${name}: ${code}`)
      }
    }
  })

  t.test('internal failures are masked', async (t) => {
    const original = app.contentRepository.listVersionsOfEntities
    app.contentRepository.listVersionsOfEntities = async () => { throw new Error('ECONNREFUSED 127.0.0.1:5432 select * from secrets') }
    t.teardown(() => { app.contentRepository.listVersionsOfEntities = original })
    const { status, body } = await graphql('{ risk(slug: "low-risk") { slug versions { version } } }')
    t.equal(status, 200, 'execution ran: partial data is a 200 with errors (GraphQL over HTTP)')
    t.same(body.data, { risk: null })
    t.notMatch(JSON.stringify(body), /ECONN|select|5432/)
    t.match(body.errors[0], { message: /internal error/, extensions: { code: 'KCA_ERR_INTERNAL', requestId: /\S+/ } })
  })

  t.test('relations cost a constant number of SQL statements, whatever the page size', async (t) => {
    const extra: SeedEntity[] = Array.from({ length: 24 }, (_, index) => ({
      type: 'condition' as const,
      slug: `extra-condition-${index}`,
      front: { related: [{ type: 'risk', slug: 'low-risk' }, { type: 'mechanism', slug: 'gate-blocking' }] }
    }))
    for (const entity of extra) await seeds.write(entity)
    await publishSeedsDir(database, seeds)
    await app.releases.refresh()
    await new Promise((resolve) => setTimeout(resolve, 50)) // let the NOTIFY-triggered refresh settle too
    const query = (size: number) => `{ conditions(first: ${size}) { edges { node { slug risks { slug severity } mechanisms { slug } versions { version } } } } }`
    const counts: number[] = []
    for (const size of [2, 20]) {
      app.releases.clear() // cold: the release itself must be loaded too
      statements.length = 0
      const { body } = await graphql(query(size))
      t.equal(body.data.conditions.edges.length, size)
      counts.push(statements.length)
    }
    t.equal(counts[0], counts[1], `same statements for 2 and 20 conditions (${counts.join(' vs ')})`)
    t.ok((counts[0] ?? 0) <= 5, 'a handful of statements')
    statements.length = 0
    await graphql('{ conditions(first: 20) { edges { node { slug risks { slug } mechanisms { slug } } } } }')
    t.equal(statements.length, 0, 'current content with a warm release never touches the database')
  })
})
