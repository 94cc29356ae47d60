// One entity, three representations: JSON at /v1/{type}/{slug}, a sanitized HTML fragment at ….html and schema.org
// JSON-LD at ….jsonld. Asking the JSON URL for another one (format=, Accept) redirects there, so each URL has
// one media type and a typed client's `data` is the JSON object.
import { test } from 'tap'
import { build, testConfig, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('each representation has its URL; format= and Accept redirect to it', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const url = '/v1/conditions/alpha-disorder'

  const html = await app.inject(`${url}.html`)
  t.equal(html.statusCode, 200)
  t.match(html.headers['content-type'], /^text\/html/)
  t.match(html.body, /<article class="kca-entity kca-entity--condition"/)
  t.match(html.body, /Not yet reviewed by a clinician/)
  t.match(html.body, /CC BY 4.0/)
  t.notMatch(html.body, /<script/)
  t.match((await app.inject(`${url}.html?locale=es`)).body, /lang="es"/)

  const jsonld = await app.inject(`${url}.jsonld`)
  t.match(jsonld.headers['content-type'], /^application\/ld\+json/)
  t.match(jsonld.json(), { '@context': 'https://schema.org', '@type': 'MedicalWebPage', about: { '@type': 'MedicalCondition' } })
  t.notOk('lastReviewed' in jsonld.json(), 'no review is claimed for unreviewed content')

  const json = await app.inject({ url, headers: { accept: 'application/json' } })
  t.match(json.headers['content-type'], /^application\/json/)
  t.equal(json.json().slug, 'alpha-disorder')

  for (const [request, target] of [
    [{ url: `${url}?format=html&locale=es` }, `${url}.html?locale=es`],
    [{ url, headers: { accept: 'text/html' } }, `${url}.html`],
    [{ url: `${url}?format=jsonld` }, `${url}.jsonld`],
    [{ url, headers: { accept: 'application/ld+json' } }, `${url}.jsonld`],
    [{ url, headers: { accept: 'application/json;q=0.5, text/html' } }, `${url}.html`]
  ] as const) {
    const redirect = await app.inject(request)
    t.equal(redirect.statusCode, 303, `${JSON.stringify(request)}: 303`)
    t.equal(redirect.headers.location, target)
    t.match(redirect.headers.vary, /accept/)
  }
  t.match((await app.inject({ url, headers: { accept: 'text/html;q=0.5, application/json' } })).headers['content-type'], /^application\/json/, 'the higher q wins')
  t.match((await app.inject({ url, headers: { accept: '*/*' } })).headers['content-type'], /^application\/json/, 'JSON is the default')
  t.equal((await app.inject(`${url}?format=html&fields=title`)).statusCode, 400)
  t.equal((await app.inject(`${url}?format=xml`)).statusCode, 400)
  t.equal((await app.inject(`${url}.html?fields=title`)).statusCode, 400, 'fields shape JSON only')
  t.equal((await app.inject('/v1/conditions/nope.html')).statusCode, 404)
  t.equal((await app.inject('/v1/conditions/nope.jsonld')).statusCode, 404)

  t.test('the cache keeps the representations apart; JSON-LD URLs come from PUBLIC_BASE_URL, whatever the Host', async (t) => {
    for (let round = 0; round < 2; round++) {
      t.match((await app.inject(url)).headers['content-type'], /^application\/json/)
      t.match((await app.inject(`${url}.html`)).headers['content-type'], /^text\/html/)
      const one = await app.inject({ url: `${url}.jsonld`, headers: { host: 'one.example' } })
      const two = await app.inject({ url: `${url}.jsonld`, headers: { host: 'two.example' } })
      t.match(one.headers['content-type'], /^application\/ld\+json/)
      t.ok(one.body.includes(testConfig.PUBLIC_BASE_URL), 'absolute URLs from the configured base')
      t.notMatch(one.body, /one\.example/)
      t.notMatch(two.body, /two\.example/)
      t.equal(one.body, two.body, 'the Host header changes nothing')
    }
  })
})
