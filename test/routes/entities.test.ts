import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('REST reads of entities', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds, 'first release')
  const app = await build(t, { database })
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ method: 'GET', url, headers })
    return { status: response.statusCode, headers: response.headers, body: response.json(), payload: response.payload }
  }

  t.test('list with items, meta and no next page', async (t) => {
    const { status, body, headers } = await get('/v1/conditions')
    t.equal(status, 200)
    t.same(body.items.map((item: { slug: string }) => item.slug), ['alpha-disorder', 'beta-syndrome'])
    t.equal(body.nextCursor, null)
    t.match(body.meta, { release: 1, requestedLocale: 'en', localeFallback: false, license: 'CC BY 4.0', attribution: /CC BY 4.0/, disclaimer: /not medical advice/ })
    t.equal(headers['content-language'], 'en')
    t.match(body.items[0], { version: 1, contentHash: /^sha256:[0-9a-f]{64}$/, review: { reviewStatus: 'unreviewed' }, url: '/v1/conditions/alpha-disorder' })
  })

  t.test('list items leave out long fields unless fields= names them', async (t) => {
    const { body } = await get('/v1/conditions')
    t.notOk('sections' in body.items[0] || 'sources' in body.items[0] || 'regulatory' in body.items[0])
    t.match(body.items[0], { title: 'Title of alpha-disorder', evidenceStatus: 'approved', summary: /alpha-disorder/ })
    const full = await get('/v1/conditions?fields=sections,sources')
    t.equal(full.body.items[0].sections.length, 2)
    t.equal(full.body.items[0].sources.length, 2)
  })

  t.test('cursor pagination visits every item once, in order', async (t) => {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const { status, body }: { status: number, body: { items: Array<{ slug: string }>, nextCursor: string | null } } =
        await get(`/v1/risks?limit=1${cursor ? `&after=${cursor}` : ''}`)
      t.equal(status, 200)
      t.equal(body.items.length, 1)
      seen.push(...body.items.map((item) => item.slug))
      cursor = body.nextCursor
      pages++
    } while (cursor && pages < 10)
    t.same(seen, ['high-risk', 'low-risk'])
    const descending = await get('/v1/risks?sort=slug_desc')
    t.same(descending.body.items.map((item: { slug: string }) => item.slug), ['low-risk', 'high-risk'])
  })

  t.test('a cursor cannot be reused with another sort or forged', async (t) => {
    const first = await get('/v1/risks?limit=1')
    const reused = await get(`/v1/risks?limit=1&sort=slug_desc&after=${first.body.nextCursor}`)
    t.equal(reused.status, 400)
    t.equal(reused.body.code, 'KCA_ERR_INVALID_CURSOR')
    const forged = await get('/v1/risks?after=bm90LWEtY3Vyc29y')
    t.equal(forged.status, 400)
  })

  t.test('filters come from an allow-list', async (t) => {
    const high = await get('/v1/risks?severity=high')
    t.same(high.body.items.map((item: { slug: string }) => item.slug), ['high-risk'])
    const forCondition = await get('/v1/risks?condition=beta-syndrome')
    t.same(forCondition.body.items.map((item: { slug: string }) => item.slug), ['high-risk'])
    const approved = await get('/v1/conditions?evidenceStatus=approved')
    t.same(approved.body.items.map((item: { slug: string }) => item.slug), ['alpha-disorder'])
    const unknown = await get('/v1/risks?colour=red')
    t.equal(unknown.status, 400)
    t.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(unknown.body, { code: 'KCA_ERR_VALIDATION', errors: [{ parameter: 'querystring.colour', message: 'is not a known parameter' }] })
    const badEnum = await get('/v1/risks?severity=extreme')
    t.match(badEnum.body, { status: 400, errors: [{ parameter: 'querystring.severity', message: /must be one of: low, moderate, high/ }] })
    const badLimit = await get('/v1/risks?limit=101')
    t.match(badLimit.body, { status: 400, errors: [{ parameter: 'querystring.limit' }] })
  })

  t.test('sparse fields and included relations', async (t) => {
    const { body } = await get('/v1/conditions/alpha-disorder?fields=title&include=risks,mechanisms')
    t.same(Object.keys(body).sort(), ['locale', 'mechanisms', 'meta', 'risks', 'slug', 'title', 'type'])
    t.same(body.risks.map((risk: { slug: string }) => risk.slug), ['high-risk', 'low-risk'])
    t.match(body.risks[0], { type: 'risk', severity: 'high', url: '/v1/risks/high-risk' })
    t.same(body.mechanisms.map((mechanism: { slug: string }) => mechanism.slug), ['gate-blocking'])
    const badField = await get('/v1/conditions/alpha-disorder?fields=title,password')
    t.match(badField.body, { status: 400, detail: /unknown field "password"/ })
    const badInclude = await get('/v1/conditions/alpha-disorder?include=users')
    t.match(badInclude.body, { status: 400, detail: /unknown relation "users"/ })
  })

  t.test('links read in both directions', async (t) => {
    const { body } = await get('/v1/risks/high-risk?fields=related')
    t.same(body.related.map((link: { type: string, slug: string }) => `${link.type}/${link.slug}`), ['condition/alpha-disorder', 'condition/beta-syndrome'])
  })

  t.test('locale with fallback to English', async (t) => {
    const spanish = await get('/v1/conditions/alpha-disorder?locale=es')
    t.equal(spanish.body.locale, 'es')
    t.equal(spanish.body.title, 'Título de alpha-disorder')
    t.equal(spanish.headers['content-language'], 'es')
    t.equal(spanish.body.meta.localeFallback, false)
    t.match(spanish.body.meta.disclaimer, /no constituye consejo médico/)
    const byHeader = await get('/v1/conditions/alpha-disorder', { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' })
    t.equal(byHeader.body.locale, 'es')
    const fallback = await get('/v1/conditions/beta-syndrome?locale=es')
    t.equal(fallback.body.locale, 'en')
    t.equal(fallback.headers['content-language'], 'en')
    t.match(fallback.body.meta, { requestedLocale: 'es', localeFallback: true })
    t.same(fallback.body.crisisResources.map((line: { name: string }) => line.name), ['Test Line'], 'crisis lines of the served text')
    const list = await get('/v1/conditions?locale=es&fields=title')
    t.same(list.body.items.map((item: { locale: string }) => item.locale), ['es', 'en'])
    t.equal(list.body.meta.localeFallback, true)
  })

  t.test('unknown slugs, bad slugs and unknown routes', async (t) => {
    const missing = await get('/v1/conditions/no-such-thing')
    t.equal(missing.status, 404)
    t.match(missing.body, { type: '/docs/errors#KCA_ERR_NOT_FOUND', title: 'Not Found', status: 404, code: 'KCA_ERR_NOT_FOUND', detail: /no-such-thing/, requestId: /\S+/ })
    const badSlug = await get('/v1/conditions/Not_A_Slug')
    t.equal(badSlug.status, 400)
    t.match(badSlug.body.errors, [{ parameter: 'params.slug' }])
    const route = await get('/v1/nothing-here')
    t.equal(route.status, 404)
    t.equal(route.body.code, 'KCA_ERR_ROUTE_NOT_FOUND')
  })

  t.test('versions', async (t) => {
    const list = await get('/v1/risks/low-risk/versions')
    t.match(list.body, { type: 'risk', slug: 'low-risk', locale: 'en', items: [{ version: 1, state: 'published', changeNote: 'first release', release: 1 }] })
    const one = await get('/v1/risks/low-risk/versions/1')
    t.match(one.body, { slug: 'low-risk', version: 1, summary: 'A short summary of low-risk.' })
    const none = await get('/v1/risks/low-risk/versions/9')
    t.equal(none.status, 404)
    const bad = await get('/v1/risks/low-risk/versions/zero')
    t.equal(bad.status, 400)
  })

  t.test('a pinned release keeps serving its content after a new publish', async (t) => {
    await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'The summary as of release two.' } })
    t.equal((await publishSeedsDir(database, seeds)).release, 2)
    await app.releases.refresh()
    const current = await get('/v1/risks/low-risk')
    t.match(current.body, { summary: 'The summary as of release two.', version: 2, release: 2 })
    t.equal(current.headers['kca-release'], '2', 'the release read is a header: the body depends on the version only')
    t.notOk('release' in current.body.meta)
    const pinned = await get('/v1/risks/low-risk?release=1')
    t.match(pinned.body, { summary: 'A short summary of low-risk.', version: 1, release: 1 })
    t.equal(pinned.headers['kca-release'], '1')
    const unchanged = await get('/v1/risks/high-risk')
    const unchangedPinned = await get('/v1/risks/high-risk?release=1')
    t.equal(unchanged.headers['kca-release'], '2')
    t.equal(unchanged.payload, unchangedPinned.payload, 'a version unchanged since release 1 has the same body in both releases')
    t.equal(unchanged.headers.etag, unchangedPinned.headers.etag, '…and the same ETag')
    const noRelease = await get('/v1/risks/low-risk?release=99')
    t.equal(noRelease.status, 404)
    t.equal(noRelease.body.code, 'KCA_ERR_RELEASE_NOT_FOUND')
  })

  t.test('a withdrawn entity answers 410 Gone', async (t) => {
    await seeds.remove('topic', 'the-basics')
    await publishSeedsDir(database, seeds)
    await app.releases.refresh()
    const gone = await get('/v1/topics/the-basics')
    t.equal(gone.status, 410)
    t.match(gone.body, { code: 'KCA_ERR_GONE', detail: /withdrawn in release 3/ })
    const history = await get('/v1/topics/the-basics/versions/1')
    t.equal(history.status, 200, 'history stays readable')
    const list = await get('/v1/topics')
    t.same(list.body.items, [])
  })
})
