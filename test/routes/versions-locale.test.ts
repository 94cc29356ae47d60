// Issue 10, Deliver 3: version history, versions and diffs resolve the locale exactly as reads do (locale=,
// else Accept-Language, else English when there is no translation) and say which locale they are.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('versions, versions/{n} and diff resolve the locale like reads', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, [
    { type: 'condition', slug: 'both-languages' },
    { type: 'condition', slug: 'both-languages', locale: 'es' },
    { type: 'risk', slug: 'english-only' }
  ])
  await publishSeedsDir(database, seeds, 'first')
  await seeds.write({ type: 'condition', slug: 'both-languages', locale: 'es', front: { summary: 'Un resumen corregido.' } })
  await publishSeedsDir(database, seeds, 'Spanish edit')
  const app = await build(t, { database })
  const spanish = { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' }

  const list = await app.inject({ url: '/v1/conditions/both-languages/versions', headers: spanish })
  t.equal(list.statusCode, 200)
  t.match(list.json(), { locale: 'es', requestedLocale: 'es', localeFallback: false, items: [{ version: 1 }, { version: 2, changeNote: 'Spanish edit' }] })
  t.equal(list.headers['content-language'], 'es')
  t.match(list.headers.vary, /accept-language/)
  t.match((await app.inject('/v1/conditions/both-languages/versions')).json(), { locale: 'en', items: [{ version: 1 }] }, 'English without a preference')

  const diff = await app.inject({ url: '/v1/conditions/both-languages/versions/2/diff', headers: spanish })
  t.equal(diff.statusCode, 200, 'a Spanish diff without locale= is not a 404 (English has no version 2)')
  t.match(diff.json(), { locale: 'es', requestedLocale: 'es', from: 1, to: 2, changes: [{ path: 'readingGrade' }, { path: 'summary', after: 'Un resumen corregido.' }] })
  t.equal(diff.headers['content-language'], 'es')
  t.equal((await app.inject('/v1/conditions/both-languages/versions/2/diff?locale=en')).statusCode, 404, 'locale= still wins')

  const version = await app.inject({ url: '/v1/conditions/both-languages/versions/2', headers: spanish })
  t.match(version.json(), { locale: 'es', version: 2, summary: 'Un resumen corregido.', meta: { requestedLocale: 'es', localeFallback: false } })
  t.equal(version.headers['content-language'], 'es')
  const current = await app.inject('/v1/conditions/both-languages?locale=es')
  t.equal(version.payload, current.payload, 'the current version reads the same at its version URL: same bytes')
  t.equal(version.headers.etag, current.headers.etag, '…and the same ETag')

  const fallbackList = await app.inject('/v1/risks/english-only/versions?locale=es')
  t.match(fallbackList.json(), { locale: 'en', requestedLocale: 'es', localeFallback: true, items: [{ version: 1 }] }, 'no Spanish history: the English one, said so')
  t.equal(fallbackList.headers['content-language'], 'en')
  const fallbackVersion = await app.inject({ url: '/v1/risks/english-only/versions/1', headers: spanish })
  t.match(fallbackVersion.json(), { locale: 'en', meta: { requestedLocale: 'es', localeFallback: true } })
  t.equal(fallbackVersion.payload, (await app.inject('/v1/risks/english-only?locale=es')).payload, 'as a read of the current version falls back')
  t.equal((await app.inject('/v1/risks/english-only/versions/1/diff?from=1&locale=es')).statusCode, 200)
  t.equal((await app.inject('/v1/risks/nothing-here/versions?locale=es')).statusCode, 404)
})
