import { createHash } from 'node:crypto'
import fc from 'fast-check'
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
    t.match(html, /^<!doctype html>\n<html lang="en" data-theme="light">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="color-scheme" content="light">/)
    t.match(html, '<title>Title of alpha-disorder · ketamine-content-api</title>')
    t.match(html, `<link rel="canonical" href="${ORIGIN}/embed/conditions/alpha-disorder?locale=en">`)
    t.match(html, `<link rel="alternate" hreflang="es" href="${ORIGIN}/embed/conditions/alpha-disorder?locale=es">`)
    t.match(html, `<link rel="alternate" type="application/json+oembed" href="${ORIGIN}/oembed?url=${encodeURIComponent(`${ORIGIN}/embed/conditions/alpha-disorder?locale=en`)}&amp;format=json"`)
    t.match(html, '<main>\n<article class="kca-entity kca-entity--condition" lang="en"')
    t.match(html, 'Not yet reviewed by a clinician')
    t.match(html, '<p class="kca-attribution">')
    // Nothing that could make the browser fetch anything: no external scripts, stylesheets, images or frames;
    // one inline script (the height reporter) besides the JSON-LD data block.
    t.notMatch(html, /\ssrc=|<link rel="stylesheet"|<img|<iframe/)
    t.equal(html.match(/<script>/g)?.length, 1, 'one inline script')
    t.match(html, "postMessage({ type: 'kca:resize', version: 1, height, href: window.location.href }, '*')")
    t.match(html, '<link rel="icon" href="data:,">', 'an empty icon, so the browser does not ask for /favicon.ico')
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">(.*)<\/script>/.exec(html)?.[1] ?? 'null')
    t.match(jsonLd, { '@type': 'MedicalWebPage', name: 'Title of alpha-disorder', url: `${ORIGIN}/embed/conditions/alpha-disorder?locale=en`, about: { '@type': 'MedicalCondition' } })
  })

  t.test('a strict Content-Security-Policy that still lets any site frame the page', async (t) => {
    for (const url of ['/embed/conditions/alpha-disorder', '/embed/conditions/no-such-thing', '/embed/risks/soon-withdrawn', '/embed/widgets/x']) {
      const response = await get(url)
      const style = /<style>([\s\S]*)<\/style>/.exec(response.body)?.[1] ?? ''
      const script = /<script>([\s\S]*?)<\/script>/.exec(response.body)?.[1] ?? ''
      const hash = (text: string) => createHash('sha256').update(text).digest('base64')
      t.equal(response.headers['content-security-policy'],
        `default-src 'none'; style-src 'sha256-${hash(style)}'; script-src 'sha256-${hash(script)}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors *`,
        `${url}: only the inline stylesheet and script, allowed by their hashes`)
      t.equal(response.headers['x-frame-options'], undefined, `${url}: framable`)
    }
  })

  t.test('locale from the query or Accept-Language, with English fallback said so', async (t) => {
    const spanish = await get('/embed/conditions/alpha-disorder?locale=es')
    t.match(spanish.body, '<html lang="es" data-theme="light">')
    t.match(spanish.body, 'Aún no revisado por un profesional clínico')
    t.equal(spanish.headers['content-language'], 'es')
    const negotiated = await get('/embed/conditions/alpha-disorder', { 'accept-language': 'es-ES,es;q=0.9' })
    t.match(negotiated.body, '<html lang="es" data-theme="light">')
    t.match(negotiated.headers.vary, 'accept-language')
    const fallback = await get('/embed/conditions/beta-syndrome?locale=es')
    t.match(fallback.body, '<html lang="en" data-theme="light">')
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

  t.test('every outcome is a framable HTML page in the reader\'s language', async (t) => {
    const unknown = await get('/embed/conditions/no-such-thing')
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.headers['content-type'], 'text/html; charset=utf-8')
    t.match(unknown.body, '<html lang="en" data-theme="light">')
    t.match(unknown.body, '<article class="kca-problem kca-problem--not-found" lang="en" data-status="404" data-code="KCA_ERR_NOT_FOUND">')
    t.match(unknown.body, '<h1 class="kca-problem-title">This content could not be found</h1>')
    const unknownEs = await get('/embed/conditions/no-such-thing', { 'accept-language': 'es' })
    t.match(unknownEs.body, '<h1 class="kca-problem-title">No se ha encontrado este contenido</h1>')
    t.equal(unknownEs.headers['content-language'], 'es')

    const withdrawn = await get('/embed/risks/soon-withdrawn?locale=es&theme=dark')
    t.equal(withdrawn.statusCode, 410)
    t.match(withdrawn.body, '<html lang="es" data-theme="dark">')
    t.match(withdrawn.body, '<h1 class="kca-problem-title">Este contenido se ha retirado</h1>')
    t.match(withdrawn.body, /<p class="kca-tombstone-when">Se retiró el \d{1,2} de \w+ de \d{4}, en la publicación 2\.<\/p>/)
    t.match(withdrawn.body, '<p class="kca-tombstone-why">Motivo: withdraw soon-withdrawn</p>')
    t.match(withdrawn.body, `<a href="${ORIGIN}/v1/risks/soon-withdrawn/versions" target="_blank" rel="noopener">Ver su historial de versiones</a>`)
    t.equal((await get('/embed/risks/soon-withdrawn?release=1')).statusCode, 200, 'still readable in the release that had it')
    t.equal((await get('/embed/risks/no-such-thing?release=99')).statusCode, 404, 'an unknown release is a 404 page too')

    const badType = await get('/embed/widgets/alpha-disorder')
    t.equal(badType.statusCode, 400)
    t.equal(badType.headers['content-type'], 'text/html; charset=utf-8')
    t.match(badType.body, '<h1 class="kca-problem-title">This embed link is not valid</h1>')
    t.match(badType.body, '<code>type: must be one of: topics, conditions, risks, mechanisms, topic, condition, risk, mechanism</code>')
    const unknownParameter = await get('/embed/conditions/alpha-disorder?colour=red&locale=es')
    t.equal(unknownParameter.statusCode, 400)
    t.match(unknownParameter.body, '<h1 class="kca-problem-title">Este enlace de inserción no es válido</h1>')
    t.match(unknownParameter.body, '<code>colour: is not a known parameter</code>')
    const badLocale = await get('/embed/conditions/alpha-disorder?locale=fr', { 'accept-language': 'es' })
    t.equal(badLocale.statusCode, 400)
    t.match(badLocale.body, '<html lang="es"', 'an invalid locale falls back to Accept-Language for the page itself')
    t.match(badLocale.body, '<code>locale: must be one of: en, es</code>')
  })

  t.test('plural and singular type names lead to the same page', async (t) => {
    for (const [plural, singular, slug] of [['conditions', 'condition', 'alpha-disorder'], ['risks', 'risk', 'high-risk']]) {
      const a = await get(`/embed/${plural}/${slug}`)
      const b = await get(`/embed/${singular}/${slug}`)
      t.equal(b.statusCode, 200, `${singular} accepted`)
      t.equal(b.body, a.body, `/${singular}/ and /${plural}/ answer the same page (canonical: the plural)`)
    }
  })

  t.test('theme: light by default, dark or auto on request', async (t) => {
    const light = await get('/embed/conditions/alpha-disorder')
    t.equal((await get('/embed/conditions/alpha-disorder?theme=light')).body, light.body, 'light is the default')
    const dark = (await get('/embed/conditions/alpha-disorder?theme=dark')).body
    t.match(dark, '<html lang="en" data-theme="dark">')
    t.match(dark, '<meta name="color-scheme" content="dark">')
    const auto = (await get('/embed/conditions/alpha-disorder?theme=auto')).body
    t.match(auto, '<meta name="color-scheme" content="light dark">')
    t.equal((await get('/embed/conditions/alpha-disorder?theme=purple')).statusCode, 400)
    const pinned = (await get('/embed/risks/high-risk?release=1&theme=dark')).body
    t.match(pinned, '<a href="/kca/embed/conditions/alpha-disorder?locale=en&amp;release=1&amp;theme=dark">', 'related pages keep the theme, under the public base path')
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

  t.test('oEmbed: a rich iframe for our URLs, responsive and without inline style', async (t) => {
    const url = `${ORIGIN}/embed/conditions/alpha-disorder?locale=es`
    const response = await get(`/oembed?url=${encodeURIComponent(url)}&format=json`)
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], 'application/json')
    const body = response.json()
    t.match(body, { type: 'rich', version: '1.0', title: 'Título de alpha-disorder', provider_name: 'ketamine-content-api', provider_url: ORIGIN, width: 640 })
    t.equal(body.html, `<iframe class="kca-frame" src="${ORIGIN}/embed/conditions/alpha-disorder?locale=es" title="Título de alpha-disorder" width="640" height="${body.height}" frameborder="0" ` +
      'sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox" referrerpolicy="strict-origin-when-cross-origin"></iframe>\n' +
      `<script type="module" src="${ORIGIN}/embed.js"></script>`)
    t.notMatch(body.html, /\sstyle=/, 'no inline style: a strict CSP would block it')

    const bounded = (await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/v1/risks/high-risk`)}&maxwidth=320&maxheight=480`)).json()
    t.match(bounded, { title: 'Title of high-risk', width: 320, height: 480 })
    t.match(bounded.html, `src="${ORIGIN}/embed/risks/high-risk?locale=en"`)
    t.match(bounded.html, 'data-kca-max-height="480"', 'the frame never grows past maxheight')

    const pinned = (await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/embed/risk/high-risk?release=1&theme=dark`)}`)).json()
    t.match(pinned.html, `src="${ORIGIN}/embed/risks/high-risk?locale=en&amp;release=1&amp;theme=dark"`, 'singular type, release and theme of the URL kept')
    const spanish = (await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/embed/risks/high-risk`)}`, { 'accept-language': 'es' })).json()
    t.match(spanish.html, `src="${ORIGIN}/embed/risks/high-risk?locale=es"`, 'without locale in the URL, Accept-Language')
    const withdrawn = await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/embed/risks/soon-withdrawn`)}`)
    t.equal(withdrawn.statusCode, 410)
    t.equal(withdrawn.json().code, 'KCA_ERR_GONE')
  })

  t.test('oEmbed: the height is never above maxheight and never shrinks as the frame narrows', async (t) => {
    const heightAt = async (query: string) => (await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/embed/conditions/beta-syndrome`)}${query}`)).json() as { width: number, height: number }
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 2000 }), fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
      async (a, b, maxheight) => {
        const [narrow, wide] = [Math.min(a, b), Math.max(a, b)]
        const limit = maxheight === undefined ? '' : `&maxheight=${maxheight}`
        const atNarrow = await heightAt(`&maxwidth=${narrow}${limit}`)
        const atWide = await heightAt(`&maxwidth=${wide}${limit}`)
        return atNarrow.width === Math.min(640, narrow) && atWide.width === Math.min(640, wide) && atNarrow.height >= atWide.height &&
          atWide.height > 0 && (maxheight === undefined || atNarrow.height <= maxheight)
      }), { numRuns: 40 })
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
