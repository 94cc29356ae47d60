// The editorial corpus in seeds/ itself: complete, cited, coded, linked, translated and readable.
// This is the one test that reads the real seeds; it fails when any promise of the first release slips.
import { test } from 'tap'
import { loadCorpus, PATIENT_READING_GRADE_TARGET } from '../src/content/corpus.js'
import { DEFAULT_SEEDS_DIR } from '../src/plugins/app/content.js'
import type { ConditionDocument, EntityDocument, RiskDocument } from '../schema/entity.js'
import { DISCLAIMERS } from '../src/delivery/representation.js'
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

// Facts corrected after the outside medical-content audit (issue 15). Each assertion pins one fact to its
// source id in seeds/sources.yaml, so a later edit that drops the fact or its citation fails here.
const section = (document: EntityDocument | undefined, id: string) => document?.sections.find((candidate) => candidate.id === id)

test('PTSD is not one-sided: the negative 2022 multicentre trial is reported and cited (abdallah-2022)', async (t) => {
  t.ok(corpus.sources.some((source) => source.id === 'abdallah-2022' && source.pmid === '35046508' && source.doi === '10.1038/s41386-022-01266-9'), 'abdallah-2022 carries the identifiers of references.md')
  for (const locale of ['en', 'es']) {
    const ptsd = find('condition', 'ptsd', locale)
    t.ok(ptsd, `condition/ptsd (${locale}) exists`)
    t.match(ptsd?.summary, /158/, `ptsd (${locale}): the summary names the 158-person trial`)
    const evidence = section(ptsd, 'evidence')
    t.ok(evidence?.citations.includes('abdallah-2022'), `ptsd (${locale}): the evidence section cites abdallah-2022`)
    t.match(evidence?.body, /158/, `ptsd (${locale}): the evidence section reports the trial`)
    t.match(evidence?.body, locale === 'en' ? /did not improve more with either dose of ketamine than with the placebo/ : /no mejoraron más con ninguna de las dos dosis de ketamina que con el placebo/,
      `ptsd (${locale}): no PTSD benefit over placebo is stated`)
  }
  for (const locale of ['en', 'es']) {
    const future = section(find('topic', 'future-of-psychedelic-assisted-therapy', locale), 'outlook')
    t.ok(future?.citations.includes('abdallah-2022'), `the psychedelic-therapy topic (${locale}) cites abdallah-2022 where it discusses PTSD`)
    t.match(future?.body, locale === 'en' ? /158 veterans and service members/ : /158 veteranos y militares/)
    t.notMatch(future?.body, /early promise in PTSD/, 'no one-sided "early promise" claim is left')
  }
  for (const locale of ['en', 'es']) {
    const otherUses = section(find('topic', 'what-is-ketamine', locale), 'other-uses')
    t.ok(otherUses?.citations.includes('abdallah-2022') && /158/.test(otherUses.body), `what-is-ketamine (${locale}): the PTSD line reports the 2022 trial`)
  }
})

test('the bladder risk applies to esketamine nasal spray, with the label nuance (spravato-label), and names upper-tract harm', async (t) => {
  const label = corpus.sources.find((source) => source.id === 'spravato-label')
  t.equal(label?.url, 'https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=d81a6a79-a74a-44b7-822c-0dfa3036eaed', 'spravato-label points to the DailyMed set id of references.md')
  for (const locale of ['en', 'es']) {
    const bladder = find('risk', 'bladder-and-urinary-tract-damage', locale) as RiskDocument | undefined
    t.ok(bladder?.treatments.includes('esketamine-nasal-spray'), `bladder risk (${locale}) lists esketamine-nasal-spray`)
    t.ok(bladder?.treatments.includes('non-medical-use'), `bladder risk (${locale}) still lists non-medical use`)
    const safety = section(bladder, 'safety')
    t.ok(safety?.citations.includes('spravato-label'), `bladder risk (${locale}): the treatment section cites the esketamine label`)
    t.match(safety?.body, locale === 'en' ? /ulcerative or interstitial cystitis/ : /cistitis ulcerosa o intersticial/, `bladder risk (${locale}): the label warning is named`)
    t.match(safety?.body, locale === 'en' ? /more often than people using a placebo spray/ : /con más frecuencia que las que usaban un espray placebo/, `bladder risk (${locale}): more urinary symptoms than placebo`)
    t.match(section(bladder, 'overview')?.body, locale === 'en' ? /kidneys/ : /riñones/, `bladder risk (${locale}): kidney and upper urinary tract harm in heavy use`)
  }
  const spanish = find('risk', 'bladder-and-urinary-tract-damage', 'es')
  t.match(spanish?.summary, /a su clínica o a su médico/, 'the Spanish summary says whom to tell')
  t.notMatch(JSON.stringify(find('risk', 'bladder-and-urinary-tract-damage')), /care works best/, 'no claim the source does not make')
})

test('US esketamine facts are current: 2025 monotherapy (jnj-spravato-monotherapy-2025), respiratory depression (spravato-label), 2020 record canady-2020-msi', async (t) => {
  t.notOk(corpus.sources.some((source) => source.id === 'fda-spravato-2020-msi'), 'the unverified 2020 record is gone')
  t.ok(corpus.sources.some((source) => source.id === 'canady-2020-msi' && source.doi === '10.1002/mhw.32471' && source.verified), 'canady-2020-msi carries its DOI')
  t.ok(corpus.sources.some((source) => source.id === 'jnj-spravato-monotherapy-2025' && source.url?.startsWith('https://www.businesswire.com/news/home/20250121005733/')), 'the 2025 manufacturer release is a source')
  const citesOld = corpus.entities.filter(({ document }) => document.sources.some((source) => source.id === 'fda-spravato-2020-msi') ||
    document.sections.some((candidate) => candidate.citations.includes('fda-spravato-2020-msi')))
  t.same(citesOld.map((entity) => entity.sourceFile), [], 'no entity cites the old record')

  for (const locale of ['en', 'es']) {
    const trd = find('condition', 'treatment-resistant-depression', locale) as ConditionDocument
    const monotherapy = trd.regulatory.find((entry) => entry.jurisdiction === 'US' && entry.body === 'FDA' && entry.status === 'approved' && entry.year === 2025)
    t.ok(monotherapy, `treatment-resistant depression (${locale}): a 2025 US entry for esketamine on its own`)
    t.match(monotherapy?.note, locale === 'en' ? /on its own/ : /sola/, `(${locale}) the 2025 entry says "on its own"`)
    t.match(monotherapy?.note, locale === 'en' ? /respiratory depression/ : /depresión respiratoria/, `(${locale}) the 2025 entry names respiratory depression`)
    t.ok(section(trd, 'regulation')?.citations.includes('jnj-spravato-monotherapy-2025'), `(${locale}) the regulation section cites the 2025 release`)
    t.ok(section(trd, 'side-effects')?.citations.includes('spravato-label'), `(${locale}) the side-effects section cites the label for respiratory depression`)
  }
  const suicidal = find('condition', 'major-depression-with-suicidal-ideation') as ConditionDocument
  t.ok(section(suicidal, 'regulation')?.citations.includes('canady-2020-msi'), 'the 2020 suicidal-ideation approval cites canady-2020-msi')

  // "Always with an oral antidepressant" is no longer true in the US for treatment-resistant depression; the
  // present tense survives only where the EU, or the 2020 suicidal-ideation indication, is meant.
  const outdated = [/always with an oral antidepressant/i, /siempre con un antidepresivo oral/i, /You keep taking an oral antidepressant/, /Usted sigue tomando un antidepresivo oral/,
    /It is used together with an antidepressant taken by mouth/, /Se usa junto con un antidepresivo que se toma por boca/]
  for (const entity of corpus.entities) {
    const text = JSON.stringify(entity.document)
    for (const pattern of outdated) t.notMatch(text, pattern, `${entity.sourceFile}: no outdated "${pattern.source}"`)
  }
  for (const slug of ['what-is-ketamine', 'from-anaesthetic-to-antidepressant']) {
    const approvals = find('topic', slug)?.sections.find((candidate) => candidate.aspect === 'regulation')
    t.ok(approvals?.citations.includes('jnj-spravato-monotherapy-2025') && approvals.citations.includes('canady-2020-msi'), `topic/${slug}: approvals cite the 2020 and 2025 records`)
  }
})

test('precision: Cochrane certainty, anaesthesia is not sleep, animal findings said as such, what the bladder review said', async (t) => {
  // dean-2021-unipolar rates ketamine against placebo at about 24 hours as very low certainty.
  const cochrane: Array<[string, string, string, string, RegExp]> = [
    ['condition', 'treatment-resistant-depression', 'en', 'evidence', /certainty of the evidence was very low/],
    ['condition', 'treatment-resistant-depression', 'es', 'evidence', /certeza de la evidencia era muy baja/],
    ['mechanism', 'why-onset-is-fast', 'en', 'evidence', /very low certainty/],
    ['mechanism', 'why-onset-is-fast', 'es', 'evidence', /certeza de la evidencia era muy baja/],
    ['topic', 'why-ketamine-helps-treatment-resistant-depression', 'en', 'evidence', /very low certainty/],
    ['topic', 'why-ketamine-helps-treatment-resistant-depression', 'es', 'evidence', /certeza de la evidencia era muy baja/],
    ['topic', 'what-is-ketamine', 'en', 'evidence', /certainty of the evidence was very low/],
    ['topic', 'what-is-ketamine', 'es', 'evidence', /certeza de la evidencia era muy baja/]
  ]
  for (const [type, slug, locale, id, pattern] of cochrane) {
    const found = section(find(type, slug, locale), id)
    t.ok(found?.citations.includes('dean-2021-unipolar') && pattern.test(found.body), `${type}/${slug} (${locale}) ${id}: the Cochrane finding is "very low" certainty, cited to dean-2021-unipolar`)
  }
  const unipolarClaims = corpus.entities.flatMap(({ document, sourceFile }) => document.sections
    .filter((candidate) => candidate.citations.includes('dean-2021-unipolar') && !candidate.citations.includes('dean-2021-bipolar'))
    .filter((candidate) => /\b(?<!very )low certainty|certainty of the evidence was low|certeza de la evidencia era baja/.test(candidate.body))
    .map((candidate) => `${sourceFile}#${candidate.id}`))
  t.same(unipolarClaims, [], 'no section citing the unipolar Cochrane review still says "low" certainty')

  const sleepClaims = corpus.entities.filter(({ document }) => /causes (deep )?sleep|put people to sleep|causa sueño|produce un sueño profundo|dormir a las personas/i.test(JSON.stringify([document.summary, document.sections])))
  t.same(sleepClaims.map((entity) => entity.sourceFile), [], 'no text says anaesthesia is sleep')
  t.match(find('mechanism', 'nmda-receptor-blockade')?.summary, /anaesthesia, which is not sleep/)
  t.match(find('mechanism', 'nmda-receptor-blockade', 'es')?.summary, /anestesia, que no es sueño/)

  t.match(section(find('mechanism', 'nmda-receptor-blockade'), 'how-it-works')?.body, /In rats and mice, brain cells in mood-related areas formed new connections/, 'the synapse finding is said to be from rodents')
  t.match(section(find('mechanism', 'nmda-receptor-blockade', 'es'), 'how-it-works')?.body, /En ratas y ratones, las neuronas de zonas relacionadas con el ánimo formaron nuevas conexiones/)
  t.match(section(find('topic', 'what-is-ketamine'), 'how-it-works')?.body, /In the same studies, nerve cells then built new connections/)
  t.match(section(find('topic', 'what-is-ketamine', 'es'), 'how-it-works')?.body, /En esos mismos estudios, las neuronas formaron después nuevas conexiones/)
  t.match(find('mechanism', 'why-onset-is-fast')?.summary, /In animal studies, it quickly led to new connections/)

  t.match(section(find('risk', 'bladder-and-urinary-tract-damage'), 'evidence')?.body, /urologists\) and by addiction specialists should be coordinated/, 'morgan-curran-2012 is quoted for what it says: coordinated care')
})

test('Spanish wording: "a dosis", adverbs, metabolitos, one word for evidence, usted also in the API disclaimer', async (t) => {
  const spanish = corpus.entities.filter((entity) => entity.document.locale === 'es')
  const textOf = (document: EntityDocument) => [document.title, document.summary, ...document.sections.flatMap((candidate) => [candidate.heading, candidate.body]),
    ...('mitigation' in document ? [document.mitigation] : []), ...('steps' in document ? document.steps : []),
    ...('regulatory' in document ? document.regulatory.map((entry) => entry.note) : []), ...('typicalProtocol' in document ? Object.values(document.typicalProtocol) : [])].join('\n')
  const rules: Array<[RegExp, string]> = [
    [/\b[Ee]n (las )?dosis (altas|bajas?|anestésicas|mucho|crecientes)/, '"a dosis", not "en dosis"'],
    [/\b(aumentó|mejorar|alivió|redujeron|reducir|actuar|actúa|hablar muy) rápido\b/, '"rápidamente" as the adverb'],
    [/productos de (su )?descomposición|al descomponer la ketamina/, '"metabolitos"'],
    [/\bla droga\b/, '"la ketamina" or "el fármaco", not "la droga"'],
    [/\blas pruebas (son|de que|varían|no eran|procede)|no hay pruebas suficientes/, 'one word for evidence: "evidencia"'],
    [/\b(tu|tus|consulta tu)\b/i, 'usted, not tú']
  ]
  for (const { document, sourceFile } of spanish) {
    const text = textOf(document)
    for (const [pattern, rule] of rules) t.notMatch(text, pattern, `${sourceFile}: ${rule}`)
  }
  t.match(section(find('mechanism', 'nmda-receptor-blockade', 'es'), 'evidence')?.body, /metabolitos/)
  const overview = section(find('condition', 'ptsd', 'es'), 'overview')?.body ?? ''
  t.notMatch(overview, /estudiado[\s\S]*en fase de estudio/, 'ptsd (es): no "estudiado … en fase de estudio" repetition')
  t.match(DISCLAIMERS.es, /Consulte su situación/, 'the API disclaimer uses usted')
  t.notMatch(DISCLAIMERS.es, /\b(tu|consulta)\b/)
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
