// REST and GraphQL are two doors onto one delivery layer. For any list, sort, page size, locale and starting
// point, both doors page through the same items in the same order, say the same "more follows", and hand out the
// same cursors, so a cursor from one door resumes the list through the other. The same holds for search, the
// changes feed and releases; lookup, attribution and meta say the same; and both refuse the same mistakes with the
// same code. Random cases are generated (fast-check) over the seed corpus.
import { test } from 'tap'
import fc from 'fast-check'
import { ENTITY_TYPES, PAGE_SIZES, SORTS, TYPE_PLURALS, type EntityType } from '../../schema/common.js'
import { build } from '../helper.js'

interface RestPage { items: Array<Record<string, unknown>>, nextCursor: string | null, hasMore: boolean, meta?: Record<string, unknown> }
interface Connection { nodes: Array<Record<string, unknown>>, edges: Array<{ cursor: string }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, meta?: Record<string, unknown> }

test('REST and GraphQL answer every read use case alike', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const rest = async (url: string) => {
    const response = await app.inject(url)
    return { status: response.statusCode, body: response.json() }
  }
  const graphql = async (query: string, variables: Record<string, unknown> = {}) =>
    (await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } })).json() as { data?: Record<string, unknown>, errors?: Array<{ message: string, extensions?: { code?: string } }> }
  const qs = (query: Record<string, string | number | undefined>) =>
    new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined).map(([key, value]): [string, string] => [key, String(value)])).toString()

  const listGraphql = async (type: EntityType, args: { first: number, after?: string | undefined, sort: string, locale: string }) => {
    const plural = TYPE_PLURALS[type]
    const answer = await graphql(`query ($first: Int, $after: String, $sort: Sort, $locale: Locale) {
      ${plural}(first: $first, after: $after, sort: $sort, locale: $locale) {
        nodes { slug locale title } edges { cursor } pageInfo { hasNextPage endCursor }
        meta { release requestedLocale localeFallback attribution license licenseUrl disclaimer }
      } }`, args)
    if (answer.errors) throw new Error(JSON.stringify(answer.errors))
    return answer.data?.[plural] as Connection
  }

  t.test('entity lists: same items, same cursors, a cursor from either door resumes the other', async (t) => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...ENTITY_TYPES), fc.constantFrom(...SORTS), fc.integer({ min: 1, max: 7 }), fc.constantFrom('en', 'es'), fc.boolean(),
      async (type, sort, limit, locale, startFromGraphql) => {
        const plural = TYPE_PLURALS[type]
        let after: string | undefined
        let fromGraphql = startFromGraphql
        const seenRest: string[] = []
        for (let pages = 0; pages < 30; pages++) {
          const restPage = (await rest(`/v1/${plural}?${qs({ limit, sort, locale, after, fields: 'title' })}`)).body as RestPage
          const connection = await listGraphql(type, { first: limit, after, sort, locale })
          t.same(connection.nodes.map((node) => node.slug), restPage.items.map((item) => item.slug), `${plural} ${sort} ${limit} ${locale}: same items`)
          t.equal(connection.pageInfo.hasNextPage, restPage.hasMore, 'hasMore = pageInfo.hasNextPage')
          t.equal(restPage.nextCursor, restPage.hasMore ? connection.pageInfo.endCursor : null, 'nextCursor = endCursor while more follows')
          const { release: _release, ...restMeta } = restPage.meta as Record<string, unknown>
          t.match(connection.meta, restMeta, 'the same meta')
          seenRest.push(...restPage.items.map((item) => item.slug as string))
          if (!restPage.hasMore) break
          // Alternate doors: the next page is asked with the cursor the other door gave.
          after = fromGraphql ? connection.pageInfo.endCursor ?? undefined : restPage.nextCursor ?? undefined
          fromGraphql = !fromGraphql
        }
        const whole = (await rest(`/v1/${plural}?${qs({ limit: PAGE_SIZES.entities.max, sort, locale, fields: 'title' })}`)).body as RestPage
        t.same(seenRest, whole.items.map((item) => item.slug), 'the pages, whichever door, make the whole list once')
      }), { numRuns: 25, seed: 42 })
  })

  t.test('search: same hits, cursors and totals through both doors', async (t) => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('ketamine', 'dissociation', 'depresión', 'blood pressure'), fc.integer({ min: 1, max: 5 }), fc.constantFrom('en', 'es'),
      async (q, limit, locale) => {
        let after: string | undefined
        for (let pages = 0; pages < 20; pages++) {
          const restPage = (await rest(`/v1/search?${qs({ q, limit, locale, after })}`)).body as RestPage & { total: number }
          const answer = await graphql('query ($q: String!, $first: Int, $after: String, $locale: Locale) { search(q: $q, first: $first, after: $after, locale: $locale) { nodes { slug type } edges { cursor } pageInfo { hasNextPage endCursor } totalCount } }', { q, first: limit, after, locale })
          const connection = answer.data?.search as Connection & { totalCount: number }
          t.same(connection.nodes.map((node) => `${node.type}/${node.slug}`), restPage.items.map((item) => `${item.type}/${item.slug}`), `search ${q}: same hits`)
          t.equal(connection.totalCount, restPage.total)
          t.equal(connection.pageInfo.hasNextPage, restPage.hasMore)
          if (!restPage.hasMore) break
          t.equal(restPage.nextCursor, connection.pageInfo.endCursor, 'the same cursor')
          after = pages % 2 === 0 ? connection.pageInfo.endCursor ?? undefined : restPage.nextCursor ?? undefined
        }
      }), { numRuns: 12, seed: 7 })
  })

  t.test('changes feed and releases: same events, same sync point', async (t) => {
    for (const limit of [1, 7, 50]) {
      let after: string | undefined
      for (let pages = 0; pages < 200; pages++) {
        const restPage = (await rest(`/v1/changes?${qs({ limit, after })}`)).body as RestPage
        const connection = (await graphql('query ($first: Int, $after: String) { changes(first: $first, after: $after) { nodes { cursor slug locale version } pageInfo { hasNextPage endCursor } } }', { first: limit, after })).data?.changes as Connection
        t.same(connection.nodes, restPage.items.map(({ cursor, slug, locale, version }) => ({ cursor, slug, locale, version })))
        t.equal(connection.pageInfo.endCursor, restPage.nextCursor, 'endCursor = nextCursor, the sync point')
        t.equal(connection.pageInfo.hasNextPage, restPage.hasMore)
        after = restPage.nextCursor ?? undefined
        if (!restPage.hasMore) break
      }
      const caughtUp = (await graphql('query ($after: String) { changes(after: $after) { nodes { slug } pageInfo { endCursor hasNextPage } } }', { after })).data?.changes as Connection
      t.same(caughtUp, { nodes: [], pageInfo: { endCursor: after, hasNextPage: false } }, 'caught up: the same cursor again')
    }
    const releases = (await rest('/v1/releases?limit=1')).body as RestPage & { current: number }
    const connection = (await graphql('{ releases(first: 1) { nodes { number } edges { cursor } pageInfo { hasNextPage endCursor } current } }')).data?.releases as Connection & { current: number }
    t.same(connection.nodes.map((node) => node.number), releases.items.map((item) => item.number))
    t.equal(connection.current, releases.current)
    t.equal(connection.pageInfo.hasNextPage, releases.hasMore)
  })

  t.test('lookup, attribution and errors say the same', async (t) => {
    const restLookup = (await rest('/v1/lookup?system=icd10cm&code=F4312&locale=es')).body as { code: string, matches: Array<Record<string, unknown>>, meta: Record<string, unknown> }
    const lookup = (await graphql('{ lookup(system: "icd10cm", code: "F4312", locale: es) { code matches { type slug specificity matchedCode } meta { release requestedLocale localeFallback } } }')).data?.lookup as typeof restLookup
    t.equal(lookup.code, restLookup.code)
    t.same(lookup.matches, restLookup.matches.map(({ type, slug, specificity, matchedCode }) => ({ type, slug, specificity, matchedCode })))
    t.same(lookup.meta, { release: restLookup.meta.release, requestedLocale: 'es', localeFallback: restLookup.meta.localeFallback })
    for (const locale of ['en', 'es']) {
      const attribution = (await rest(`/v1/attribution?locale=${locale}`)).body
      t.same((await graphql(`{ attribution(locale: ${locale}) { text license licenseUrl disclaimer } }`)).data?.attribution, attribution, `${locale}: one attribution`)
      const entity = (await rest(`/v1/conditions/ptsd?locale=${locale}`)).body as { meta: Record<string, unknown> }
      t.same({ text: entity.meta.attribution, license: entity.meta.license, licenseUrl: entity.meta.licenseUrl, disclaimer: entity.meta.disclaimer }, attribution, 'what every body repeats in meta')
    }
    const mistakes: Array<[string, string, string]> = [
      ['/v1/conditions?after=bm9wZQ', '{ conditions(after: "bm9wZQ") { nodes { slug } } }', 'KCA_ERR_INVALID_CURSOR'],
      ['/v1/changes?after=bm9wZQ', '{ changes(after: "bm9wZQ") { nodes { slug } } }', 'KCA_ERR_INVALID_CURSOR'],
      ['/v1/releases?after=bm9wZQ', '{ releases(after: "bm9wZQ") { nodes { number } } }', 'KCA_ERR_INVALID_CURSOR'],
      ['/v1/search?q=ketamine&after=bm9wZQ', '{ search(q: "ketamine", after: "bm9wZQ") { nodes { slug } } }', 'KCA_ERR_INVALID_CURSOR'],
      ['/v1/lookup?system=loinc&code=1', '{ lookup(system: "loinc", code: "1") { code } }', 'KCA_ERR_'],
      ['/v1/conditions?release=999', '{ conditions(release: 999) { nodes { slug } } }', 'KCA_ERR_RELEASE_NOT_FOUND']
    ]
    for (const [url, query, code] of mistakes) {
      const restAnswer = await rest(url)
      const answer = await graphql(query)
      t.equal(restAnswer.status, 400 + (code === 'KCA_ERR_RELEASE_NOT_FOUND' ? 4 : 0), `${url}: a 4xx`)
      t.match(restAnswer.body.code, code, `${url}: ${code}`)
      t.match(answer.errors?.[0]?.extensions?.code, code, `${query}: the same code`)
    }
  })
})
