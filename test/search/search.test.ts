// GET /v1/search on the editorial seed corpus: real queries, as a partner would send them.
import { test } from 'tap'
import { build } from '../helper.js'

interface Hit { type: string, slug: string, locale: string, title: string, url: string, rank: number, snippet: string }
interface Page { items: Hit[], total: number, nextCursor: string | null, meta: { release: number, requestedLocale: string } }

test('full-text search of the seed corpus', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ method: 'GET', url, headers })
    return { status: response.statusCode, headers: response.headers, body: response.json() }
  }
  const search = async (query: Record<string, string>, headers: Record<string, string> = {}) =>
    await get(`/v1/search?${new URLSearchParams(query).toString()}`, headers) as { status: number, headers: Record<string, unknown>, body: Page }
  const keys = (page: Page) => page.items.map((hit) => `${hit.type}/${hit.slug}`)

  t.test('"dissociation" ranks the risk and the mechanism about it first', async (t) => {
    const { status, headers, body } = await search({ q: 'dissociation' })
    t.equal(status, 200)
    t.same(keys(body).slice(0, 2).sort(), ['mechanism/what-dissociation-is', 'risk/dissociative-effects'])
    t.ok(body.total > 2, 'other pages mention it too')
    t.ok(body.items.every((hit) => hit.locale === 'en'))
    t.ok(body.items.every((hit, index) => index === 0 || (body.items[index - 1] as Hit).rank >= hit.rank), 'ordered by rank')
    t.match(body.items[0], { url: /^\/v1\/(risks|mechanisms)\/[a-z-]+$/, title: String })
    t.ok(body.items.every((hit) => /<mark>dissociat/i.test(hit.snippet)), 'every snippet highlights the word')
    t.match(body.meta, { release: 1, requestedLocale: 'en' })
    t.equal(headers['content-language'], 'en')
    t.match(headers['cache-control'], /max-age=60/)
    t.match(headers['surrogate-key'], /risk\/dissociative-effects/)
  })

  t.test('English stemming: another form of the word finds the same pages', async (t) => {
    const { body } = await search({ q: 'dissociative' })
    t.ok(keys(body).includes('mechanism/what-dissociation-is'))
    t.ok(keys(body).includes('risk/dissociative-effects'))
  })

  t.test('Spanish: "trastorno de estrés postraumático" finds the Spanish PTSD page first', async (t) => {
    const { status, headers, body } = await search({ q: 'trastorno de estrés postraumático', locale: 'es' })
    t.equal(status, 200)
    t.match(body.items[0], { type: 'condition', slug: 'ptsd', locale: 'es', title: /Trastorno de estrés postraumático/, url: '/v1/conditions/ptsd' })
    t.match(body.items[0]?.snippet, /<mark>[^<]*<\/mark>/)
    t.ok(body.items.every((hit) => hit.locale === 'es'))
    t.equal(headers['content-language'], 'es')
    t.equal(body.meta.requestedLocale, 'es')
    // Spanish stemming, and accents do not matter to the stemmer.
    const unaccented = await search({ q: 'estres postraumatico' }, { 'accept-language': 'es-ES,es;q=0.9' })
    t.equal(unaccented.body.items[0]?.slug, 'ptsd')
    t.equal(unaccented.body.items[0]?.locale, 'es')
  })

  t.test('a language searches only its own texts', async (t) => {
    t.equal((await search({ q: 'trastorno', locale: 'en' })).body.total, 0)
    t.equal((await search({ q: 'dissociation', locale: 'es' })).body.items.every((hit) => hit.locale === 'es'), true)
  })

  t.test('type= narrows the search', async (t) => {
    const { body } = await search({ q: 'dissociation', type: 'risk' })
    t.ok(body.items.length > 0)
    t.ok(body.items.every((hit) => hit.type === 'risk'))
  })

  t.test('web-search syntax is accepted and nothing the user types is an error', async (t) => {
    const phrase = await search({ q: '"blood pressure" -dissociation' })
    t.equal(phrase.status, 200)
    t.equal(phrase.body.items[0]?.slug, 'blood-pressure-increase')
    for (const q of ['\'&|!(:*', 'the', 'or', '-', '"', 'a & b | !c <-> d:*']) {
      const { status, body } = await search({ q })
      t.equal(status, 200, q)
      t.equal(body.nextCursor === null || typeof body.nextCursor === 'string', true)
    }
    const stopWords = (await search({ q: 'the' })).body
    t.same([stopWords.items, stopWords.total, stopWords.nextCursor], [[], 0, null], 'stop words alone match nothing')
  })

  t.test('pagination walks every match once, in rank order', async (t) => {
    const all = await search({ q: 'ketamine', limit: '50' })
    t.ok(all.body.total > 7, 'enough matches for several pages')
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: { body: Page } = await search({ q: 'ketamine', limit: '3', ...(cursor ? { after: cursor } : {}) })
      t.ok(page.body.items.length <= 3)
      t.equal(page.body.total, all.body.total)
      seen.push(...keys(page.body))
      cursor = page.body.nextCursor
      pages++
    } while (cursor !== null && pages < 50)
    t.same(seen, keys(all.body).slice(0, all.body.total))
    t.equal(new Set(seen).size, seen.length, 'no match twice')
    t.equal(pages, Math.ceil(all.body.total / 3))
  })

  t.test('a cursor belongs to its query and release, and pins that release', async (t) => {
    const first = await search({ q: 'ketamine', limit: '2' })
    const cursor = first.body.nextCursor as string
    const other = await get(`/v1/search?q=dissociation&limit=2&after=${cursor}`)
    t.equal(other.status, 400)
    t.equal(other.body.code, 'KCA_ERR_INVALID_CURSOR')
    t.equal((await get('/v1/search?q=ketamine&after=bm90LWEtY3Vyc29y')).status, 400)
    const next = await get(`/v1/search?q=ketamine&limit=2&after=${cursor}`)
    t.equal(next.status, 200)
    t.match(next.headers['cache-control'], /immutable/, 'a page of a named release never changes')
  })

  t.test('release= reads a pinned release', async (t) => {
    const pinned = await get('/v1/search?q=dissociation&release=1')
    t.equal(pinned.status, 200)
    t.match(pinned.headers['cache-control'], /immutable/)
    const missing = await get('/v1/search?q=dissociation&release=99')
    t.equal(missing.status, 404)
    t.equal(missing.body.code, 'KCA_ERR_RELEASE_NOT_FOUND')
  })

  t.test('bad input is a 400 problem that names the parameter', async (t) => {
    const cases: Array<[string, string]> = [
      ['/v1/search', 'querystring.q'],
      ['/v1/search?q=', 'querystring.q'],
      ['/v1/search?q=%20%20%20', 'querystring.q'],
      [`/v1/search?q=${'a'.repeat(201)}`, 'querystring.q'],
      ['/v1/search?q=a%00b', 'querystring.q'],
      ['/v1/search?q=ketamine&limit=51', 'querystring.limit'],
      ['/v1/search?q=ketamine&limit=0', 'querystring.limit'],
      ['/v1/search?q=ketamine&type=drug', 'querystring.type'],
      ['/v1/search?q=ketamine&locale=fr', 'querystring.locale'],
      ['/v1/search?q=ketamine&page=2', 'querystring.page']
    ]
    for (const [url, parameter] of cases) {
      const response = await app.inject({ method: 'GET', url })
      t.equal(response.statusCode, 400, url)
      t.match(response.headers['content-type'], /application\/problem\+json/)
      t.match(response.json(), { code: 'KCA_ERR_VALIDATION', errors: [{ parameter }] }, url)
    }
    t.equal((await get(`/v1/search?q=${'a'.repeat(200)}`)).status, 200, '200 characters are allowed')
  })
})
