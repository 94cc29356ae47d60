// The editorial corpus in seeds/ itself: complete, cited, coded, linked, translated and readable.
// This is the one test that reads the real seeds; it fails when any promise of the first release slips.
import { test } from 'tap'
import { loadCorpus, PATIENT_READING_GRADE_TARGET } from '../src/content/corpus.js'
import { DEFAULT_SEEDS_DIR } from '../src/plugins/app/content.js'
import type { ConditionDocument, EntityDocument, RiskDocument } from '../schema/entity.js'
import { build } from './helper.js'

const corpus = await loadCorpus(DEFAULT_SEEDS_DIR)
const english = corpus.entities.filter((entity) => entity.document.locale === 'en' && entity.status === 'published').map((entity) => entity.document)
const ofType = <T extends EntityDocument>(type: string) => english.filter((document) => document.type === type) as T[]
const find = (type: string, slug: string, locale = 'en') => corpus.entities.find((entity) => entity.document.type === type && entity.document.slug === slug && entity.document.locale === locale)?.document

/** §9 of the product spec, by slug. */
const REQUIRED = {
  condition: ['treatment-resistant-depression', 'major-depression-with-suicidal-ideation', 'generalized-anxiety-disorder', 'social-anxiety-disorder', 'ptsd', 'bipolar-depression', 'fibromyalgia', 'complex-regional-pain-syndrome'],
  risk: ['dissociative-effects', 'blood-pressure-increase', 'nausea-and-vomiting', 'misuse-and-dependence', 'long-term-cognitive-effects', 'bladder-and-urinary-tract-damage',
    'contraindication-psychosis', 'contraindication-substance-misuse-history', 'contraindication-uncontrolled-hypertension-or-heart-disease', 'contraindication-pregnancy'],
  mechanism: ['nmda-receptor-blockade', 'glutamate-surge-and-ampa-activation', 'synaptic-plasticity-bdnf-mtor', 'why-onset-is-fast', 'what-dissociation-is'],
  topic: ['what-is-ketamine', 'from-anaesthetic-to-antidepressant', 'ketamine-clinics-and-infusion-therapy', 'why-ketamine-helps-treatment-resistant-depression', 'evaluation-before-treatment', 'future-of-psychedelic-assisted-therapy']
}

/** Codes that ../shared/docs/medical-codes.md marks "confirmed": only these may say verified: true. */
const CONFIRMED_CODES = new Set(['snomedct:1153570009', 'mesh:D061218', 'snomedct:370143000', 'mesh:D003865', 'snomedct:21897009', 'mesh:D001008',
  'snomedct:25501002', 'mesh:D000072861', 'snomedct:47505003', 'mesh:D013313', 'snomedct:191627008', 'snomedct:203082005', 'snomedct:128200000',
  'snomedct:333847008', 'snomedct:789488000'])

test('the corpus is valid and complete', async (t) => {
  t.same(corpus.problems, [], 'content:check finds no problem')
  for (const [type, slugs] of Object.entries(REQUIRED)) {
    const present = new Set(ofType(type).map((document) => document.slug))
    t.same(slugs.filter((slug) => !present.has(slug)), [], `every ${type} of §9 is there`)
  }
  t.ok(ofType('topic').length >= 6)
  t.equal(ofType('condition').length, 8)
  t.ok(ofType('risk').length >= 12)
  t.ok(ofType('mechanism').length >= 5)
})

test('every entity is substantial and cited', async (t) => {
  for (const document of english) {
    const label = `${document.type}/${document.slug}`
    t.ok(document.summary.length <= 300, `${label}: summary ≤ 300 characters`)
    t.ok(document.sections.length >= 3, `${label}: at least 3 sections`)
    t.ok(new Set(document.sections.map((section) => section.aspect)).size >= 2, `${label}: sections cover different aspects`)
    const identified = document.sources.filter((source) => source.doi || source.pmid || source.url)
    t.ok(identified.length >= 2, `${label}: at least 2 identified sources`)
    t.ok(document.sections.every((section) => section.citations.length > 0 && section.body.split(/\s+/).length >= 40), `${label}: every section cites and says something`)
    t.notMatch(JSON.stringify(document), /lorem|TODO|TBD|placeholder/i, `${label}: no placeholder text`)
    t.same(document.review, {}, `${label}: no reviewer is claimed, since nobody has reviewed the corpus`)
  }
  for (const source of corpus.sources) {
    if (!source.verified) t.notOk(source.doi || source.pmid, `${source.id}: an unverified source carries no guessed identifier`)
  }
})

test('links: conditions, risks, mechanisms and topics point where they should', async (t) => {
  const links = new Map<string, Set<string>>()
  const add = (from: string, to: string) => links.set(from, (links.get(from) ?? new Set()).add(to))
  for (const document of english) {
    for (const link of document.related) {
      add(`${document.type}/${document.slug}`, `${link.type}/${link.slug}`)
      add(`${link.type}/${link.slug}`, `${document.type}/${document.slug}`)
    }
  }
  const linked = (key: string, type: string) => [...(links.get(key) ?? [])].filter((target) => target.startsWith(`${type}/`))
  for (const condition of ofType('condition')) {
    const key = `condition/${condition.slug}`
    t.ok(linked(key, 'risk').length >= 2, `${key}: at least 2 risks`)
    t.ok(linked(key, 'mechanism').length >= 1, `${key}: at least 1 mechanism`)
  }
  for (const type of ['risk', 'mechanism']) {
    for (const document of ofType(type)) t.ok(linked(`${type}/${document.slug}`, 'condition').length >= 1, `${type}/${document.slug}: applies to a condition`)
  }
  for (const topic of ofType('topic')) t.ok(topic.related.length >= 1, `topic/${topic.slug}: links to what it discusses`)
})

test('codes follow medical-codes.md', async (t) => {
  for (const condition of ofType<ConditionDocument>('condition')) {
    const systems = new Set(condition.codes.map((code) => code.system))
    t.ok(systems.has('icd10cm') && systems.has('snomedct') && systems.has('mesh'), `condition/${condition.slug}: ICD-10-CM, SNOMED CT and MeSH codes`)
    t.ok(condition.regulatory.length >= 1, `condition/${condition.slug}: regulatory entries`)
  }
  for (const document of english) {
    for (const code of document.codes) {
      if (code.verified) t.ok(CONFIRMED_CODES.has(`${code.system}:${code.code}`), `${document.slug}: ${code.system} ${code.code} is verified only if confirmed`)
    }
  }
  const drugCodes = new Set(find('topic', 'what-is-ketamine')?.codes.map((code) => `${code.system}:${code.code}`))
  t.ok(drugCodes.has('snomedct:333847008') && drugCodes.has('snomedct:789488000'), 'ketamine and esketamine drug codes')
  t.notOk(english.some((document) => document.codes.some((code) => code.system === 'rxnorm' && code.verified)), 'no RxNorm code claims to be verified')
})

test('regulatory facts that must not drift', async (t) => {
  const trd = find('condition', 'treatment-resistant-depression') as ConditionDocument
  t.ok(trd.regulatory.some((entry) => entry.jurisdiction === 'US' && entry.body === 'FDA' && entry.status === 'approved' && entry.year === 2019), 'esketamine: FDA 2019')
  t.ok(trd.regulatory.some((entry) => entry.jurisdiction === 'EU' && entry.status === 'approved' && entry.year === 2019), 'esketamine: EU 2019')
  t.ok(trd.regulatory.some((entry) => entry.status === 'off-label'), 'racemic ketamine is off-label')
  const suicidal = find('condition', 'major-depression-with-suicidal-ideation') as ConditionDocument
  t.ok(suicidal.regulatory.some((entry) => entry.jurisdiction === 'US' && entry.status === 'approved' && entry.year === 2020), 'esketamine: FDA 2020 for MDD with acute suicidal ideation or behaviour')
})

test('Spanish, safety and reading level', async (t) => {
  const mustTranslate = [...ofType('condition'), ...ofType<RiskDocument>('risk').filter((risk) => risk.severity === 'high')]
  for (const document of mustTranslate) {
    const spanish = find(document.type, document.slug, 'es')
    t.ok(spanish, `${document.type}/${document.slug} has a Spanish version`)
    t.same(spanish?.sections.map((section) => section.id), document.sections.map((section) => section.id), `${document.slug}: every section translated`)
  }
  for (const condition of ofType('condition').filter((document) => !['fibromyalgia', 'complex-regional-pain-syndrome'].includes(document.slug))) {
    t.ok(condition.crisisResources.some((line) => line.phone === '988'), `condition/${condition.slug}: 988 in English`)
    t.ok(find('condition', condition.slug, 'es')?.crisisResources.some((line) => line.phone === '024'), `condition/${condition.slug}: 024 in Spanish`)
  }
  const above = corpus.readingReport.filter((row) => row.aboveTarget)
  t.same(above.map((row) => `${row.type}/${row.slug} (${row.locale})`), [], `patient summaries and overviews at grade ${PATIENT_READING_GRADE_TARGET} or below`)
  t.equal(corpus.readingReport.length, corpus.entities.length, 'every entity is in the reading report')
})

test('the server publishes the seeds into an empty database and serves them', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const conditions = await app.inject('/v1/conditions')
  t.equal(conditions.statusCode, 200)
  t.equal(conditions.json().items.length, 8)
  const ptsd = await app.inject('/v1/conditions/ptsd?include=risks')
  t.ok(ptsd.json().risks.length >= 2, 'ptsd with its risks')
  for (const condition of conditions.json().items as Array<{ slug: string }>) {
    const spanish = await app.inject(`/v1/conditions/${condition.slug}?locale=es`)
    t.equal(spanish.headers['content-language'], 'es', `${condition.slug} answers in Spanish`)
  }
  const graphql = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ conditions(first: 20) { edges { node { slug risks { slug severity } mechanisms { slug } } } } }' } })
  t.equal(graphql.json().data.conditions.edges.length, 8)
})

// Issue 15, item 5: every entity has Spanish, so a Spanish partner page that embeds a topic or a mechanism
// no longer falls back to English. Self-contained so that it merges beside other additions to this file.
const { TYPE_PLURALS } = await import('../schema/common.js')

test('every entity has Spanish: same sections, translated text, and the API and embed page answer in Spanish', async (t) => {
  const untranslated: string[] = []
  for (const document of english) {
    const label = `${document.type}/${document.slug}`
    const spanish = find(document.type, document.slug, 'es')
    if (!spanish) {
      untranslated.push(label)
      continue
    }
    t.same(spanish.sections.map((part) => part.id), document.sections.map((part) => part.id), `${label}: every section translated, under the same ids`)
    t.not(spanish.title, document.title, `${label}: the title is translated`)
    t.not(spanish.summary, document.summary, `${label}: the summary is translated`)
    const leftInEnglish = spanish.sections.filter((part, index) => part.heading === document.sections[index]?.heading || part.body === document.sections[index]?.body)
    t.same(leftInEnglish.map((part) => part.id), [], `${label}: no section is left in English`)
  }
  t.same(untranslated, [], 'every published entity has a Spanish file')

  const app = await build(t, { publishOnEmpty: true })
  for (const document of english) {
    const path = `${TYPE_PLURALS[document.type]}/${document.slug}`
    const rest = await app.inject(`/v1/${path}?locale=es`)
    t.equal(rest.headers['content-language'], 'es', `/v1/${path} answers in Spanish`)
    t.equal(rest.json().locale, 'es', `/v1/${path}: the body is the Spanish version`)
    const embed = await app.inject(`/embed/${path}?locale=es`)
    t.equal(embed.statusCode, 200, `/embed/${path} is served`)
    t.match(embed.body, /<html lang="es"[ >]/, `/embed/${path} is a Spanish page`)
  }
})
