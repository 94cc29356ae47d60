// Apollo Client 4 against the running app, with the default InMemoryCache (no type policies, only the published
// possibleTypes): the most common GraphQL client must show each entity's own content in each locale.
import { readFileSync } from 'node:fs'
import { test } from 'tap'
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client'
import { relayStylePagination } from '@apollo/client/utilities'
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries'
import { build, testDatabase } from '../helper.js'
import { seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { POSSIBLE_TYPES_PATH } from '../../src/plugins/app/graphql.js'
import { sha256Hex } from '../../src/graphql/http.js'

const CONDITIONS = ['alpha-disorder', 'beta-syndrome', 'gamma-state']
const TOPICS = ['topic-a', 'topic-b', 'topic-c', 'topic-d', 'topic-e']
const english = (slug: string) => [`Overview of ${slug}`, `Evidence for ${slug}`]
const spanish = (slug: string) => [`Resumen de ${slug}`, `Pruebas de ${slug}`]

/** Every condition in English and Spanish with headings of its own, and a few topics to page through. */
const CORPUS: SeedEntity[] = [
  ...CONDITIONS.flatMap((slug): SeedEntity[] => [
    {
      type: 'condition',
      slug,
      sections: [
        { heading: english(slug)[0] as string, id: 'overview', aspect: 'overview', cites: ['trial-one'], body: `Plain words about ${slug}.` },
        { heading: english(slug)[1] as string, id: 'evidence', aspect: 'evidence', cites: ['review-two'], body: `What trials found for ${slug}.` }
      ]
    },
    {
      type: 'condition',
      slug,
      locale: 'es',
      sections: [
        { heading: spanish(slug)[0] as string, id: 'overview', body: `Palabras sencillas sobre ${slug}.` },
        { heading: spanish(slug)[1] as string, id: 'evidence', body: `Lo que hallaron los ensayos sobre ${slug}.` }
      ]
    }
  ]),
  { type: 'risk', slug: 'some-risk', front: { related: CONDITIONS.map((slug) => ({ type: 'condition', slug })) } },
  ...TOPICS.map((slug): SeedEntity => ({ type: 'topic', slug }))
]

const possibleTypes = JSON.parse(readFileSync(POSSIBLE_TYPES_PATH, 'utf8')) as Record<string, string[]>

test('Apollo Client 4 with the default InMemoryCache', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, CORPUS))
  const app = await build(t, { database })
  const uri = `${await app.listen({ port: 0, host: '127.0.0.1' })}/graphql`
  const requests: Array<{ method: string, status: number }> = []
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    requests.push({ method: init?.method ?? 'GET', status: response.status })
    return response
  }
  const client = (cache = new InMemoryCache(), link: ApolloLink = new HttpLink({ uri, fetch: recordingFetch })) => new ApolloClient({ link, cache })

  const SECTIONS = gql`query Sections($locale: Locale) {
    conditions(first: 25, locale: $locale) { nodes { id slug locale sections { id key heading } } }
  }`
  interface SectionsData { conditions: { nodes: Array<{ slug: string, locale: string, sections: Array<{ key: string, heading: string }> }> } }
  const headings = (data: SectionsData | undefined) => Object.fromEntries((data?.conditions.nodes ?? []).map((node) => [node.slug, node.sections.map((section) => section.heading)]))
  const expected = (locale: 'en' | 'es') => Object.fromEntries(CONDITIONS.map((slug) => [slug, locale === 'en' ? english(slug) : spanish(slug)]))

  t.test('every condition keeps its own sections, in each locale', async (t) => {
    const apollo = client()
    const en = await apollo.query<SectionsData>({ query: SECTIONS, variables: { locale: 'en' } })
    const es = await apollo.query<SectionsData>({ query: SECTIONS, variables: { locale: 'es' } })
    t.same(headings(en.data), expected('en'))
    t.same(headings(es.data), expected('es'))
    // What the cache holds now, after both locales were written into it.
    t.same(headings(apollo.readQuery<SectionsData>({ query: SECTIONS, variables: { locale: 'en' } }) ?? undefined), expected('en'), 'English from the cache')
    t.same(headings(apollo.readQuery<SectionsData>({ query: SECTIONS, variables: { locale: 'es' } }) ?? undefined), expected('es'), 'Spanish from the cache')
  })

  t.test('switching locale does not rewrite cached entities', async (t) => {
    const apollo = client()
    const ONE = gql`query One($locale: Locale) { condition(slug: "beta-syndrome", locale: $locale) { id title locale sections { id heading } } }`
    const es = await apollo.query<{ condition: { title: string } }>({ query: ONE, variables: { locale: 'es' } })
    const en = await apollo.query<{ condition: { title: string } }>({ query: ONE, variables: { locale: 'en' } })
    t.not(es.data?.condition.title, en.data?.condition.title)
    const before = requests.length
    const again = await apollo.query<{ condition: { title: string, sections: Array<{ heading: string }> } }>({ query: ONE, variables: { locale: 'es' }, fetchPolicy: 'cache-first' })
    t.equal(requests.length, before, 'answered from the cache')
    t.same(again.data, es.data, 'still the Spanish entity, after the English one was cached')
    t.same(again.data?.condition.sections.map((section) => section.heading), spanish('beta-syndrome'))
  })

  t.test('fragments on Entity resolve with the published possibleTypes', async (t) => {
    const cache = new InMemoryCache({ possibleTypes })
    const apollo = client(cache)
    const RISK = gql`
      query Risk { risk(slug: "some-risk") { ...Card related { ...Card ... on Condition { evidenceStatus } } } }
      fragment Card on Entity { id type slug title summary }`
    const { data } = await apollo.query<{ risk: { title: string, related: Array<{ slug: string, title: string, type: string, evidenceStatus: string }> } }>({ query: RISK })
    t.equal(data?.risk.title, 'Title of some-risk')
    t.same(data?.risk.related.map((entity) => [entity.slug, entity.title, entity.type, entity.evidenceStatus]), CONDITIONS.map((slug) => [slug, `Title of ${slug}`, 'condition', 'investigational']))
    const card = gql`fragment Card on Entity { title summary }`
    const id = cache.identify({ __typename: 'Condition', id: 'Condition:gamma-state:en' }) as string
    t.same(cache.readFragment({ id, fragment: card }), { __typename: 'Condition', title: 'Title of gamma-state', summary: 'A short summary of gamma-state.' }, 'readFragment on the interface')
    const node = gql`fragment N on Node { id }`
    t.same(cache.readFragment({ id, fragment: node }), { __typename: 'Condition', id: 'Condition:gamma-state:en' }, 'and on Node')
  })

  t.test('relayStylePagination pages topics one item at a time from any edge cursor', async (t) => {
    const TOPIC_PAGE = gql`query Topics($first: Int, $after: String) {
      topics(first: $first, after: $after) { edges { cursor node { id slug } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
    }`
    interface Page { topics: { edges: Array<{ cursor: string, node: { slug: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string } } }
    const all = (await client().query<Page>({ query: TOPIC_PAGE, variables: { first: 50 } })).data?.topics.edges ?? []
    t.same(all.map((edge) => edge.node.slug), TOPICS)
    for (const start of [-1, ...all.keys()]) {
      const apollo = client(new InMemoryCache({ possibleTypes, typePolicies: { Query: { fields: { topics: relayStylePagination() } } } }))
      const observable = apollo.watchQuery<Page>({ query: TOPIC_PAGE, variables: { first: 1, after: start === -1 ? null : all[start]?.cursor } })
      const first = await new Promise<Page | undefined>((resolve) => {
        const subscription = observable.subscribe((result) => {
          if (result.loading) return
          subscription.unsubscribe()
          resolve(result.data as Page | undefined)
        })
      })
      let page = first?.topics
      let fetches = 0
      while (page?.pageInfo.hasNextPage && fetches < TOPICS.length) {
        const more = await observable.fetchMore({ variables: { first: 1, after: page.pageInfo.endCursor } })
        t.equal(more.data?.topics.edges.length, 1, 'one item per page')
        page = more.data?.topics
        fetches++
      }
      const merged = apollo.readQuery<Page>({ query: TOPIC_PAGE, variables: { first: 1, after: start === -1 ? null : all[start]?.cursor } })
      t.same(merged?.topics.edges.map((edge) => edge.node.slug), TOPICS.slice(start + 1), `from ${start === -1 ? 'the start' : `edge ${start}`}: every later topic once, in order`)
    }
  })

  t.test('automatic persisted queries through PersistedQueryLink, hashed queries by GET', async (t) => {
    const link = () => new PersistedQueryLink({ sha256: (query: string) => sha256Hex(query), useGETForHashedQueries: true }).concat(new HttpLink({ uri, fetch: recordingFetch }))
    const QUERY = gql`query Persisted { conditions(first: 3) { nodes { id title } } }`
    requests.length = 0
    const first = await client(new InMemoryCache(), link()).query<{ conditions: { nodes: unknown[] } }>({ query: QUERY })
    t.equal(first.data?.conditions.nodes.length, 3)
    t.same(requests.map((request) => request.method), ['GET', 'POST'], 'a miss by GET, then the document by POST')
    requests.length = 0
    const second = await client(new InMemoryCache(), link()).query({ query: QUERY })
    t.same(second.data, first.data)
    t.same(requests, [{ method: 'GET', status: 200 }], 'then the hash alone, by GET')
  })
})
