// GraphQL `search` and `lookup` on the seed corpus: the same answers as REST, with entities one field away.
import { test } from 'tap'
import { build } from '../helper.js'

test('GraphQL search and lookup', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const graphql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } })
    return { status: response.statusCode, body: response.json() }
  }

  t.test('search ranks, highlights and expands into entities', async (t) => {
    const { status, body } = await graphql(`{
      search(q: "dissociation", first: 2) {
        totalCount release
        nodes { type slug locale title url rank snippet entity { slug ... on Risk { severity } ... on Mechanism { level } } }
        pageInfo { hasNextPage endCursor }
      }
    }`)
    t.equal(status, 200)
    t.same(body.errors, undefined)
    const result = body.data.search
    t.same(result.nodes.map((node: { type: string, slug: string }) => `${node.type}/${node.slug}`).sort(), ['mechanism/what-dissociation-is', 'risk/dissociative-effects'])
    t.ok(result.nodes.every((node: { snippet: string, entity: { slug: string }, slug: string }) => node.snippet.includes('<mark>') && node.entity.slug === node.slug))
    t.match(result, { release: 1, pageInfo: { hasNextPage: true, endCursor: String } })
    t.ok(result.totalCount > 2)
    const next = await graphql('query ($after: String) { search(q: "dissociation", first: 50, after: $after) { nodes { slug } pageInfo { hasNextPage } } }', { after: result.pageInfo.endCursor })
    t.equal(next.body.data.search.nodes.length, result.totalCount - 2)
    t.equal(next.body.data.search.pageInfo.hasNextPage, false)
  })

  t.test('search in Spanish', async (t) => {
    const { body } = await graphql('{ search(q: "trastorno de estrés postraumático", locale: es) { nodes { slug locale title } } }')
    t.match(body.data.search.nodes[0], { slug: 'ptsd', locale: 'es', title: /Trastorno de estrés postraumático/ })
  })

  t.test('lookup by short name and by FHIR URI', async (t) => {
    const { body } = await graphql(`{
      short: lookup(system: "icd10cm", code: "F4312") { system code release matches { slug matchedCode specificity verified entity { ... on Condition { evidenceStatus } } } }
      fhir: lookup(system: "http://snomed.info/sct", code: "47505003") { matches { slug title } }
      unknown: lookup(system: "icd10cm", code: "Z99.89") { code }
    }`)
    t.same(body.errors, undefined)
    t.match(body.data.short, { system: 'icd10cm', code: 'F43.12', release: 1, matches: [{ slug: 'ptsd', matchedCode: 'F43.12', specificity: 'exact', verified: false, entity: { evidenceStatus: String } }] })
    t.match(body.data.fhir.matches, [{ slug: 'ptsd', title: /post-traumatic stress disorder/i }])
    t.equal(body.data.unknown, null, 'a code nothing carries is null, like an unknown slug')
  })

  t.test('bad arguments are coded client errors', async (t) => {
    for (const query of [
      '{ search(q: "   ") { totalCount } }',
      '{ search(q: "ketamine", first: 51) { totalCount } }',
      '{ search(q: "ketamine", after: "bm90LWEtY3Vyc29y") { totalCount } }',
      '{ lookup(system: "loinc", code: "1234-5") { code } }',
      '{ lookup(system: "icd10cm", code: "hello") { code } }'
    ]) {
      const { body } = await graphql(query)
      t.match(body.errors, [{ extensions: { code: /^KCA_ERR_(BAD_REQUEST|INVALID_CURSOR)$/ } }], query)
    }
  })
})
