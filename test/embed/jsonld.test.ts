import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { seedCorpusDatabase } from './helper.js'
import { seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'
import { ENTITY_TYPES, TYPE_PLURALS } from '../../schema/common.js'
import type { PublishedDocument } from '../../src/content/materialise.js'
import { jsonLdScriptContent, renderJsonLd, type JsonLd } from '../../src/delivery/jsonld.js'

const BASE_URL = 'https://content.example.org'

function expectedAbout (document: PublishedDocument): string {
  if (document.type === 'condition') return 'MedicalCondition'
  if (document.type === 'risk') return document.category === 'contraindication' ? 'MedicalContraindication' : 'MedicalRiskFactor'
  return 'Drug'
}

test('JSON-LD of every entity of the seed corpus has the required properties', async (t) => {
  const app = await build(t, { database: await seedCorpusDatabase(t) })
  const snapshot = await app.releases.snapshot()
  let checked = 0
  for (const type of ENTITY_TYPES) {
    for (const { entity: english } of snapshot.list(type, 'en')) {
      for (const locale of snapshot.locales(type, english.document.slug)) {
        const resolved = snapshot.find(type, english.document.slug, locale)
        if (!resolved) throw new Error(`${type}/${english.document.slug} has no ${locale} version`)
        const document = resolved.entity.document
        const jsonLd = renderJsonLd(resolved, { locale, baseUrl: BASE_URL })
        const about = jsonLd.about as JsonLd
        const where = `${type}/${document.slug} (${locale})`
        t.match(jsonLd, {
          '@context': 'https://schema.org',
          '@type': 'MedicalWebPage',
          name: document.title,
          description: document.summary,
          inLanguage: locale,
          url: `${BASE_URL}/embed/${TYPE_PLURALS[type]}/${document.slug}?locale=${locale}`,
          license: 'https://creativecommons.org/licenses/by/4.0/',
          publisher: { '@type': 'Organization', name: 'ketamine-content-api', url: BASE_URL },
          dateModified: resolved.entity.publishedAt.toISOString(),
          creditText: /CC BY 4\.0/
        }, `${where}: page properties`)
        t.equal(about['@type'], expectedAbout(document), `${where}: about is a ${expectedAbout(document)}`)
        t.type(about.name, 'string', `${where}: about has a name`)
        if (about['@type'] === 'MedicalRiskFactor') t.match(about.increasesRiskOf, { '@type': 'MedicalEntity', name: document.title }, `${where}: what the risk factor increases`)
        if (document.type === 'mechanism') t.equal(about.mechanismOfAction, document.summary, `${where}: mechanismOfAction`)
        const citations = jsonLd.citation as JsonLd[]
        t.equal(citations.length, document.sources.length, `${where}: one citation per source`)
        t.ok(citations.every((citation) => ['ScholarlyArticle', 'CreativeWork'].includes(citation['@type'] as string) && typeof citation.name === 'string'), `${where}: citations are typed and named`)
        t.ok(citations.filter((citation) => citation['@type'] === 'ScholarlyArticle').every((citation) => (citation.sameAs as string[]).length > 0), `${where}: scholarly citations link their DOI or PubMed record`)
        const verifiedCodes = document.codes.filter((code) => code.verified)
        t.same(((about.code ?? []) as JsonLd[]).map((code) => [code['@type'], code.codeValue, typeof code.codingSystem]),
          verifiedCodes.map((code) => ['MedicalCode', code.code, 'string']), `${where}: verified codes as MedicalCode`)
        // The seed content has not been reviewed by a clinician: it must not claim a review.
        t.notOk('lastReviewed' in jsonLd || 'reviewedBy' in jsonLd, `${where}: no lastReviewed or reviewedBy without a real review`)
        checked++
      }
    }
  }
  t.ok(checked >= 50, `every entity in every locale was checked (${checked})`)
})

test('JSON-LD states a review only when one exists', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, [
    { type: 'condition', slug: 'reviewed-condition', front: { review: { reviewedBy: [{ name: 'Ada Example', credentials: 'MD' }], lastReviewed: '2025-01-15', nextReviewDue: '2099-01-15' } } },
    { type: 'risk', slug: 'plain-risk', front: { category: 'side-effect' } }
  ])
  await publishSeedsDir(database, seeds)
  const app = await build(t, { database })
  const snapshot = await app.releases.snapshot()
  const reviewed = snapshot.find('condition', 'reviewed-condition', 'en')
  const unreviewed = snapshot.find('risk', 'plain-risk', 'en')
  if (!reviewed || !unreviewed) throw new Error('the test entities were not published')
  t.match(renderJsonLd(reviewed, { locale: 'en', baseUrl: BASE_URL }), {
    lastReviewed: '2025-01-15',
    reviewedBy: [{ '@type': 'Person', name: 'Ada Example', honorificSuffix: 'MD' }]
  })
  const plain = renderJsonLd(unreviewed, { locale: 'en', baseUrl: BASE_URL })
  t.notOk('lastReviewed' in plain || 'reviewedBy' in plain)
  t.match(plain.about, { '@type': 'MedicalRiskFactor', name: 'Ketamine use', increasesRiskOf: { name: 'Title of plain-risk' } })
})

test('JSON-LD links related pages in the language asked for', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, [
    { type: 'condition', slug: 'linked-condition', front: { related: [{ type: 'risk', slug: 'linked-risk' }] } },
    { type: 'risk', slug: 'linked-risk' }
  ])
  await publishSeedsDir(database, seeds)
  const app = await build(t, { database })
  const snapshot = await app.releases.snapshot()
  const resolved = snapshot.find('condition', 'linked-condition', 'es')
  if (!resolved) throw new Error('the test entity was not published')
  const jsonLd = renderJsonLd(resolved, { locale: 'es', baseUrl: `${BASE_URL}/` })
  t.equal(jsonLd.inLanguage, 'en', 'no Spanish translation: the page is the English one')
  t.equal(jsonLd.url, `${BASE_URL}/embed/conditions/linked-condition?locale=en`)
  t.same(jsonLd.relatedLink, [`${BASE_URL}/embed/risks/linked-risk?locale=es`])
})

test('JSON-LD inside a <script> element cannot close it', async (t) => {
  const text = jsonLdScriptContent({ name: '</script><script>alert(1)</script> & <!--' })
  t.notMatch(text, /[<>&]/)
  t.same(JSON.parse(text), { name: '</script><script>alert(1)</script> & <!--' })
})
