import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { renderHtmlFragment, renderMarkdown } from '../../src/delivery/html.js'

// Markdown an editor (or a compromised seeds repository) could write: every line must come out inert.
const HOSTILE_BODY = [
  '### A heading inside a body',
  '',
  'Before <script>alert("script")</script> after.',
  '',
  '<img src="x" onerror="alert(\'img\')">',
  '',
  '<a href="javascript:alert(\'raw\')">raw link</a> and <iframe src="https://evil.example/"></iframe>',
  '',
  '[markdown js link](javascript:alert(1)) [data link](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox(1)) <javascript:alert(3)>',
  '',
  '![tracking pixel](https://tracker.example/pixel.png) [relative](/admin) [protocol relative](//evil.example/x)',
  '',
  '[a trial](https://example.org/trial "Trial") and **bold** text.'
].join('\n')

const CORPUS: SeedEntity[] = [
  ...SMALL_CORPUS,
  {
    type: 'risk',
    slug: 'hostile-risk',
    // The content check now refuses tags in titles; a stray `<` still has to come out escaped.
    front: { title: 'Risky <b & "quotes" \'single\'', severity: 'high', category: 'contraindication' },
    sections: [
      { heading: 'Overview <b bold', id: 'overview', aspect: 'overview', cites: ['review-two'], body: HOSTILE_BODY },
      { heading: 'Evidence', id: 'evidence', aspect: 'evidence', cites: ['trial-one', 'review-two'], body: 'Plain words.' }
    ]
  },
  {
    type: 'mechanism',
    slug: 'reviewed-mechanism',
    front: {
      review: { reviewedBy: [{ name: 'Ada Example', credentials: 'MD, psychiatrist' }, { name: 'Ben Sample', credentials: 'PharmD' }], lastReviewed: '2025-01-15', nextReviewDue: '2099-01-15' },
      sources: ['trial-one', 'review-two']
    }
  }
]

const ALLOWED_TAGS = new Set(['article', 'header', 'footer', 'section', 'aside', 'nav', 'div', 'span', 'p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'hr', 'cite', 'time',
  'table', 'thead', 'tbody', 'tr', 'th', 'td'])

/** Every start tag of a fragment with its attributes; attribute values are escaped, so `>` only closes tags. */
function tagsOf (html: string): Array<{ name: string, attributes: Record<string, string> }> {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map(([, name = '', rest = '']) => ({
    name: name.toLowerCase(),
    attributes: Object.fromEntries([...rest.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)].map(([, key = '', value = '']) => [key.toLowerCase(), value]))
  }))
}

test('HTML fragment', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, CORPUS)
  await publishSeedsDir(database, seeds)
  const app = await build(t, { database })
  const snapshot = await app.releases.snapshot()
  const render = (type: 'condition' | 'risk' | 'mechanism' | 'topic', slug: string, locale: 'en' | 'es' = 'en', linkTarget?: '_blank') => {
    const resolved = snapshot.find(type, slug, locale)
    if (!resolved) throw new Error(`${type}/${slug} is not in the test release`)
    return renderHtmlFragment(resolved, { locale, linkTarget })
  }

  t.test('hostile Markdown comes out inert', async (t) => {
    const html = render('risk', 'hostile-risk')
    const tags = tagsOf(html)
    t.same(tags.filter((tag) => !ALLOWED_TAGS.has(tag.name)).map((tag) => tag.name), [], 'only the allow-listed elements')
    t.same(tags.flatMap((tag) => Object.keys(tag.attributes)).filter((name) => name.startsWith('on') || name === 'src' || name === 'style'), [], 'no event handlers, sources or styles')
    const hrefs = tags.flatMap((tag) => tag.attributes.href ?? [])
    t.same(hrefs.filter((href) => !/^(?:https:\/\/|mailto:|tel:|#kca-)/.test(href)), [], 'links only to https, mailto, tel or within the fragment')
    t.notOk(hrefs.some((href) => href.includes('evil.example') || href === '/admin'), 'no relative or protocol-relative link survives')
    t.match(html, '&lt;script&gt;alert("script")&lt;/script&gt;', 'raw HTML is shown as text, not dropped silently')
    t.match(html, '<a href="https://tracker.example/pixel.png" rel="noopener nofollow">tracking pixel</a>', 'an image becomes a link: nothing is fetched')
    t.match(html, '<a href="https://example.org/trial" rel="noopener nofollow">a trial</a>', 'a safe link stays, marked noopener nofollow')
    t.match(html, '<h3>A heading inside a body</h3>', 'body headings sit under the section heading')
    t.match(html, '<h1 class="kca-title" id="kca-risk-hostile-risk-title">Risky &lt;b &amp; &quot;quotes&quot; &#39;single&#39;</h1>')
    t.match(html, '<h2 class="kca-section-heading" id="kca-risk-hostile-risk-overview">Overview &lt;b bold</h2>')
  })

  t.test('renderMarkdown alone applies the same rules', async (t) => {
    t.equal(renderMarkdown('[x](JAVASCRIPT:alert(1))'), '<p>[x](JAVASCRIPT:alert(1))</p>\n')
    t.equal(renderMarkdown('[x](https://example.org/a)', '_blank'), '<p><a href="https://example.org/a" rel="noopener nofollow" target="_blank">x</a></p>\n')
  })

  t.test('semantic markup: sections, numbered citations and their markers', async (t) => {
    const html = render('topic', 'the-basics')
    t.match(html, /^<article class="kca-entity kca-entity--topic" lang="en" id="kca-topic-the-basics" aria-labelledby="kca-topic-the-basics-title">/)
    t.match(html, '<section class="kca-section kca-section--overview" aria-labelledby="kca-topic-the-basics-overview">')
    t.match(html, '<h2 class="kca-section-heading" id="kca-topic-the-basics-history">History</h2>')
    // Numbered in the order sections first cite them: overview cites trial-one and page-three, history review-two.
    const references = [...html.matchAll(/<li class="kca-citation" id="kca-topic-the-basics-ref-(\d)">([^<]*)/g)].map(([, number, text]) => `${number} ${text}`)
    t.same(references, ['1 Doe J, Roe R. A randomized trial of something. ', '2 Agency. A regulator page. ', '3 Poe E. A systematic review of things. '])
    t.match(html, '<p class="kca-section-citations">Sources: <a class="kca-cite" href="#kca-topic-the-basics-ref-1" aria-label="Reference 1">[1]</a> <a class="kca-cite" href="#kca-topic-the-basics-ref-2" aria-label="Reference 2">[2]</a></p>')
    t.match(html, '<a href="https://doi.org/10.1000/test.1" rel="noopener nofollow">doi:10.1000/test.1</a>')
    t.match(html, '<a href="https://pubmed.ncbi.nlm.nih.gov/12345678/" rel="noopener nofollow">PMID 12345678</a>')
    t.match(html, '<a href="https://example.org/page" rel="noopener nofollow">example.org</a>')
    t.match(html, '<ol class="kca-citations">')
  })

  t.test('review status line: plain when unreviewed, names and dates when reviewed', async (t) => {
    t.match(render('condition', 'alpha-disorder'), '<p class="kca-review kca-review--unreviewed">Not yet reviewed by a clinician</p>')
    t.match(render('condition', 'alpha-disorder', 'es'), '<p class="kca-review kca-review--unreviewed">Aún no revisado por un profesional clínico</p>')
    t.match(render('mechanism', 'reviewed-mechanism'), '<p class="kca-review kca-review--reviewed">Reviewed by Ada Example, MD, psychiatrist; Ben Sample, PharmD. ' +
      'Last reviewed <time datetime="2025-01-15">January 15, 2025</time>. Next review due <time datetime="2099-01-15">January 15, 2099</time>.</p>')
  })

  t.test('attribution, licence, disclaimer and version in the footer, localized', async (t) => {
    const english = render('condition', 'alpha-disorder')
    t.match(english, /<p class="kca-attribution">Ketamine therapy content © ketamine-content-api contributors\. Licence: <a class="kca-license" href="https:\/\/creativecommons.org\/licenses\/by\/4.0\/" rel="license noopener nofollow">CC BY 4.0<\/a><\/p>/)
    t.match(english, /<p class="kca-disclaimer">This information is for education only and is not medical advice\./)
    t.match(english, /<p class="kca-version">Version 1, published \w+ \d{1,2}, \d{4}<\/p>/)
    const spanish = render('condition', 'alpha-disorder', 'es')
    t.match(spanish, '<article class="kca-entity kca-entity--condition" lang="es"')
    t.match(spanish, '<p class="kca-attribution">Contenido sobre terapia con ketamina © colaboradores de ketamine-content-api. Licencia: <a class="kca-license"')
    for (const html of [english, spanish]) {
      const footer = /<p class="kca-attribution">[\s\S]*?<\/p>/.exec(html)?.[0] ?? ''
      t.equal(footer.split('CC BY 4.0').length - 1, 1, 'the licence is named once, as its link')
    }
    t.match(spanish, '<p class="kca-disclaimer">Esta información es solo educativa')
    t.match(spanish, '<dt>Situación de la ketamina para este trastorno</dt><dd>aprobada</dd>')
  })

  t.test('crisis resources appear for mental-health entities only', async (t) => {
    const mentalHealth = render('condition', 'beta-syndrome')
    t.match(mentalHealth, '<aside class="kca-crisis" aria-labelledby="kca-condition-beta-syndrome-crisis">')
    t.match(mentalHealth, '<li class="kca-crisis-resource"><strong>Test Line</strong> (US): Call <a href="tel:000">000</a>. A test crisis line.</li>')
    t.notMatch(render('condition', 'alpha-disorder'), 'kca-crisis')
  })

  t.test('a missing translation is sent in English, said so in the requested language', async (t) => {
    const html = render('condition', 'beta-syndrome', 'es')
    t.match(html, '<article class="kca-entity kca-entity--condition" lang="en"')
    t.match(html, '<p class="kca-notice" lang="es">Este contenido aún no está traducido al español; se muestra en inglés.</p>')
    t.match(html, 'Not yet reviewed by a clinician')
  })

  t.test('type-specific facts', async (t) => {
    t.match(render('risk', 'high-risk'), '<dt>Severity</dt><dd>high</dd><dt>How common</dt><dd>rare</dd>')
    t.match(render('mechanism', 'gate-blocking'), '<ol class="kca-steps"><li>First step happens.</li><li>Second step follows.</li></ol>')
  })

  t.test('related entities are listed, linked only when the caller says where', async (t) => {
    const plain = render('condition', 'alpha-disorder')
    t.match(plain, '<nav class="kca-related" aria-labelledby="kca-condition-alpha-disorder-related">')
    t.match(plain, '<li><span>Title of high-risk</span> <span class="kca-related-type">(risk)</span></li>')
    const resolved = snapshot.find('condition', 'alpha-disorder', 'es')
    if (!resolved) throw new Error('alpha-disorder is not in the test release')
    const linked = renderHtmlFragment(resolved, { locale: 'es', relatedHref: (link) => `/pages/${link.type}/${link.slug}` })
    t.match(linked, '<li><span lang="en"><a href="/pages/risk/high-risk">Title of high-risk</a></span> <span class="kca-related-type">(riesgo)</span></li>')
  })

  t.test('inside an iframe, outside links open a new tab and in-page links do not', async (t) => {
    const html = render('topic', 'the-basics', 'en', '_blank')
    const anchors = tagsOf(html).filter((tag) => tag.name === 'a')
    const external = anchors.filter((tag) => tag.attributes.href?.startsWith('https://'))
    t.ok(external.length > 0)
    t.ok(external.every((tag) => tag.attributes.target === '_blank' && tag.attributes.rel?.includes('noopener')))
    t.ok(anchors.filter((tag) => tag.attributes.href?.startsWith('#')).every((tag) => tag.attributes.target === undefined))
  })
})
