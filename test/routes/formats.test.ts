// One entity, three representations on one URL: JSON, a sanitized HTML fragment and schema.org JSON-LD.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('format= and Accept choose the representation, and the cache keeps them apart', async (t) => {
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, SMALL_CORPUS))
  const app = await build(t, { database })
  const url = '/v1/conditions/alpha-disorder'

  const html = await app.inject({ url, headers: { accept: 'text/html' } })
  t.equal(html.statusCode, 200)
  t.match(html.headers['content-type'], /^text\/html/)
  t.match(html.body, /<article class="kca-entity kca-entity--condition"/)
  t.match(html.body, /Not yet reviewed by a clinician/)
  t.match(html.body, /CC BY 4.0/)
  t.notMatch(html.body, /<script/)
  t.match(html.headers.vary, /accept/)

  const json = await app.inject({ url })
  t.match(json.headers['content-type'], /^application\/json/, 'JSON after an HTML answer: the cache keys on the format')
  t.equal(json.json().slug, 'alpha-disorder')

  const byQuery = await app.inject(`${url}?format=html&locale=es`)
  t.match(byQuery.body, /lang="es"/)

  for (const request of [{ url: `${url}?format=jsonld` }, { url, headers: { accept: 'application/ld+json' } }]) {
    const jsonld = await app.inject(request)
    t.match(jsonld.headers['content-type'], /^application\/ld\+json/)
    t.match(jsonld.json(), { '@context': 'https://schema.org', '@type': 'MedicalWebPage', about: { '@type': 'MedicalCondition' } })
    t.notOk('lastReviewed' in jsonld.json(), 'no review is claimed for unreviewed content')
  }
  t.match(String((await app.inject({ url, headers: { accept: 'application/json;q=0.5, text/html' } })).headers['content-type']), /^text\/html/, 'the higher q wins')
  t.equal((await app.inject(`${url}?format=html&fields=title`)).statusCode, 400)
  t.equal((await app.inject(`${url}?format=xml`)).statusCode, 400)
  t.equal((await app.inject('/v1/conditions/nope?format=html')).statusCode, 404)
})
