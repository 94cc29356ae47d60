import { createHash } from 'node:crypto'
import { test } from 'tap'
import { testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { build } from '../helper.js'

// Deliberately not the address tests reach the app at: every absolute URL comes from PUBLIC_BASE_URL.
const ORIGIN = 'https://content.example.org/kca'

test('embed routes', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, [...SMALL_CORPUS, { type: 'risk', slug: 'soon-withdrawn' }])
  await publishSeedsDir(database, seeds, 'first release')
  await seeds.remove('risk', 'soon-withdrawn')
  await publishSeedsDir(database, seeds, 'withdraw soon-withdrawn')
  const app = await build(t, { database, config: { PUBLIC_BASE_URL: ORIGIN } })
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers })

  t.test('the embed page is a complete, self-contained HTML5 page', async (t) => {
    const response = await get('/embed/conditions/alpha-disorder')
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-type'], 'text/html; charset=utf-8')
    t.equal(response.headers['content-language'], 'en')
    const html = response.body
    t.match(html, /^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">/)
    t.match(html, '<title>Title of alpha-disorder · ketamine-content-api</title>')
    t.match(html, `<link rel="canonical" href="${ORIGIN}/embed/conditions/alpha-disorder?locale=en">`)
    t.match(html, `<link rel="alternate" hreflang="es" href="${ORIGIN}/embed/conditions/alpha-disorder?locale=es">`)
    t.match(html, `<link rel="alternate" type="application/json+oembed" href="${ORIGIN}/oembed?url=${encodeURIComponent(`${ORIGIN}/embed/conditions/alpha-disorder?locale=en`)}&amp;format=json"`)
    t.match(html, '<main>\n<article class="kca-entity kca-entity--condition" lang="en"')
    t.match(html, 'Not yet reviewed by a clinician')
    t.match(html, '<p class="kca-attribution">')
    // Nothing that could make the browser fetch anything: no external scripts, stylesheets, images or frames.
    t.notMatch(html, /\ssrc=|<link rel="stylesheet"|<img|<iframe|<script(?! type="application\/ld\+json">)/)
    t.match(html, '<link rel="icon" href="data:,">', 'an empty icon, so the browser does not ask for /favicon.ico')
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">(.*)<\/script>/.exec(html)?.[1] ?? 'null')
    t.match(jsonLd, { '@type': 'MedicalWebPage', name: 'Title of alpha-disorder', url: `${ORIGIN}/embed/conditions/alpha-disorder?locale=en`, about: { '@type': 'MedicalCondition' } })
  })

  t.test('a strict Content-Security-Policy that still lets any site frame the page', async (t) => {
    const response = await get('/embed/conditions/alpha-disorder')
    const style = /<style>([\s\S]*)<\/style>/.exec(response.body)?.[1] ?? ''
    const hash = createHash('sha256').update(style).digest('base64')
    t.equal(response.headers['content-security-policy'],
      `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors *`,
      'only the inline stylesheet, allowed by its hash')
    t.equal(response.headers['x-frame-options'], undefined)
  })

  t.test('locale from the query or Accept-Language, with English fallback said so', async (t) => {
    const spanish = await get('/embed/conditions/alpha-disorder?locale=es')
    t.match(spanish.body, '<html lang="es">')
    t.match(spanish.body, 'Aún no revisado por un profesional clínico')
    t.equal(spanish.headers['content-language'], 'es')
    const negotiated = await get('/embed/conditions/alpha-disorder', { 'accept-language': 'es-ES,es;q=0.9' })
    t.match(negotiated.body, '<html lang="es">')
    t.match(negotiated.headers.vary, 'accept-language')
    const fallback = await get('/embed/conditions/beta-syndrome?locale=es')
    t.match(fallback.body, '<html lang="en">')
    t.match(fallback.body, '<p class="kca-notice" lang="es">')
    t.match(fallback.body, `<link rel="canonical" href="${ORIGIN}/embed/conditions/beta-syndrome?locale=en">`, 'the canonical page is the English one')
  })

  t.test('freshness: ETag, 304, and an immutable answer for a pinned release', async (t) => {
    const first = await get('/embed/risks/high-risk')
    t.match(first.headers['cache-control'], 'max-age=60')
    t.equal(first.headers['surrogate-key'], 'risk/high-risk')
    const etag = String(first.headers.etag)
    const again = await get('/embed/risks/high-risk', { 'if-none-match': etag })
    t.equal(again.statusCode, 304)
    const pinned = await get('/embed/risks/high-risk?release=1')
    t.equal(pinned.statusCode, 200)
    t.equal(pinned.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.match(pinned.body, '<a href="/kca/embed/conditions/alpha-disorder?locale=en&amp;release=1">', 'related pages stay in the pinned release, under the path prefix of the base URL')
  })

  t.test('client mistakes and missing entities answer problem+json', async (t) => {
    const unknown = await get('/embed/conditions/no-such-thing')
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(unknown.json(), { code: 'KCA_ERR_NOT_FOUND', detail: 'no condition with slug "no-such-thing"' })
    const withdrawn = await get('/embed/risks/soon-withdrawn')
    t.equal(withdrawn.statusCode, 410)
    t.match(withdrawn.json(), { code: 'KCA_ERR_GONE', tombstone: { type: 'risk', slug: 'soon-withdrawn', release: 2, changeNote: 'withdraw soon-withdrawn' } })
    t.equal((await get('/embed/risks/soon-withdrawn?release=1')).statusCode, 200, 'still readable in the release that had it')
    const badType = await get('/embed/widgets/alpha-disorder')
    t.equal(badType.statusCode, 400)
    t.match(badType.json().errors, [{ parameter: 'params.type' }])
    const unknownParameter = await get('/embed/conditions/alpha-disorder?colour=red')
    t.equal(unknownParameter.statusCode, 400)
    t.match(unknownParameter.json().errors, [{ parameter: 'querystring.colour', message: 'is not a known parameter' }])
  })

  t.test('/embed.js is a cacheable, dependency-free module other origins may load', async (t) => {
    const response = await get('/embed.js')
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-type'], 'text/javascript; charset=utf-8')
    t.equal(response.headers['access-control-allow-origin'], '*')
    t.equal(response.headers['cache-control'], 'public, max-age=3600, stale-while-revalidate=86400')
    t.match(response.body, "customElements.define('ketamine-content', KetamineContent)")
    const code = response.body.replace(/^\s*\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '')
    t.notMatch(code, /\beval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write|\bimport\(/, 'nothing that turns text into code or markup')
    const again = await get('/embed.js', { 'if-none-match': String(response.headers.etag) })
    t.equal(again.statusCode, 304)
  })

  t.test('oEmbed: a rich iframe for our URLs', async (t) => {
    const url = `${ORIGIN}/embed/conditions/alpha-disorder?locale=es`
    const response = await get(`/oembed?url=${encodeURIComponent(url)}&format=json`)
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], 'application/json')
    const body = response.json()
    t.match(body, { type: 'rich', version: '1.0', title: 'Título de alpha-disorder', provider_name: 'ketamine-content-api', provider_url: ORIGIN, width: 640, height: 900 })
    t.match(body.html, `<iframe src="${ORIGIN}/embed/conditions/alpha-disorder?locale=es" title="Título de alpha-disorder" width="640" height="900"`)
    t.match(body.html, 'sandbox="allow-popups allow-popups-to-escape-sandbox"')

    const bounded = (await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/v1/risks/high-risk`)}&maxwidth=320&maxheight=480`)).json()
    t.match(bounded, { title: 'Title of high-risk', width: 320, height: 480 })
    t.match(bounded.html, `src="${ORIGIN}/embed/risks/high-risk?locale=en"`)

    const pinned = (await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/embed/risks/high-risk?release=1`)}`)).json()
    t.match(pinned.html, `src="${ORIGIN}/embed/risks/high-risk?locale=en&amp;release=1"`)
  })

  t.test('oEmbed: 404 for URLs that are not ours or name nothing, 501 for XML', async (t) => {
    for (const url of ['https://elsewhere.example/embed/conditions/alpha-disorder', `${ORIGIN}/embed/conditions/no-such-thing`, `${ORIGIN}/docs`, 'not a url',
      `${ORIGIN}/embed/conditions/alpha-disorder?locale=fr`]) {
      const response = await get(`/oembed?url=${encodeURIComponent(url)}`)
      t.equal(response.statusCode, 404, url)
      t.equal(response.json().code, 'KCA_ERR_NOT_FOUND', url)
    }
    const xml = await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/embed/conditions/alpha-disorder`)}&format=xml`)
    t.equal(xml.statusCode, 501)
    t.match(xml.json(), { status: 501, code: 'KCA_ERR_FORMAT_NOT_IMPLEMENTED' })
    const missing = await get('/oembed')
    t.equal(missing.statusCode, 400)
    t.match(missing.json().errors, [{ parameter: 'querystring.url' }])
  })
})
