import { test } from 'tap'
import { loadCorpus } from '../../src/content/corpus.js'
import { SMALL_CORPUS, seedsDir, type SeedsDir } from '../factories.js'
import type { TestContext } from '../helper.js'

const problemsOf = async (t: TestContext, setup: (seeds: SeedsDir) => Promise<void>) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await setup(seeds)
  return (await loadCorpus(seeds.path)).problems.map((problem) => ({ ...problem, file: problem.file.replace(/^.*\/content\//, '') }))
}

test('a valid corpus builds documents with computed fields', async (t) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const corpus = await loadCorpus(seeds.path)
  t.same(corpus.problems, [])
  t.equal(corpus.entities.length, SMALL_CORPUS.length)
  const spanish = corpus.entities.find((entity) => entity.document.slug === 'alpha-disorder' && entity.document.locale === 'es')
  t.match(spanish?.document, {
    title: 'Título de alpha-disorder',
    evidenceStatus: 'approved',
    sections: [{ id: 'overview', aspect: 'overview', citations: ['trial-one'] }, { id: 'evidence' }],
    sources: [{ id: 'trial-one' }, { id: 'review-two' }]
  })
  t.type(spanish?.document.readingGrade, 'number')
  const mental = corpus.entities.find((entity) => entity.document.slug === 'beta-syndrome')
  t.same(mental?.document.crisisResources.map((line) => line.name), ['Test Line'])
})

test('each problem names the file, its line and column, the field path, the offending text and the reason', async (t) => {
  // The factory writes front matter in a fixed order: title (line 2), summary (3), audience (4), sources (5-7), then the type's fields.
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { severity: 'extreme' } })),
    [{ file: 'risk/low-risk.en.md', line: 9, column: 11, path: 'severity', message: 'must be one of: low, moderate, high', quote: 'extreme' }])
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'x'.repeat(301) } })),
    [{ file: 'risk/low-risk.en.md', line: 3, column: 10, path: 'summary', message: 'must be at most 300 characters (it has 301)', quote: `${'x'.repeat(79)}…` }])
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { colour: 'red' } })),
    [{
      file: 'risk/low-risk.en.md',
      line: 14,
      column: 1,
      path: 'colour',
      message: 'is not a known field; allowed here: title, summary, audience, status, sources, related, codes, mentalHealth, review, category, severity, frequency, mitigation, treatments',
      quote: 'colour'
    }])
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { sources: ['trial-one', 'review-two', 'nowhere'] } })),
    [{ file: 'risk/low-risk.en.md', line: 8, column: 5, path: 'sources[2]', message: 'unknown source "nowhere": add it to seeds/sources.yaml', quote: 'nowhere' }],
    'an unknown source is one problem, not also "listed but not cited"')
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { related: [{ type: 'condition', slug: 'alpha-disordr' }] } })),
    [{
      file: 'risk/low-risk.en.md',
      line: 16,
      column: 11,
      path: 'related[0]',
      message: 'links to condition/alpha-disordr, but there is no seeds/content/condition/alpha-disordr.en.md (withdrawn or misspelt): remove or correct this link (did you mean "alpha-disorder"?)',
      quote: 'alpha-disordr'
    }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'condition', slug: 'alpha-disorder', front: { codes: [{ system: 'snomedct', code: '47505004', display: 'PTSD', verified: true }] } })),
    [{ file: 'condition/alpha-disorder.en.md', path: 'codes[0].code', message: /Verhoeff/, quote: '47505004' }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { review: { reviewedBy: [{ name: 'A B', credentials: 'MD' }], lastReviewed: '2025-05-01', nextReviewDue: '2025-01-01' } } })),
    [{ path: 'review.nextReviewDue', message: /after lastReviewed/, quote: '2025-01-01' }])
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', sections: [{ heading: 'Overview', id: 'overview', aspect: 'gossip', cites: ['trial-one', 'review-two'], body: 'Text.' }] })),
    [{
      file: 'risk/low-risk.en.md',
      line: 17,
      column: 28,
      path: 'sections[0].aspect',
      message: 'is not an aspect; use one of: overview, how-it-works, effectiveness, evidence, side-effects, contraindications, what-to-expect, safety, regulation, history, outlook',
      quote: 'gossip'
    }], 'one problem: the built document does not repeat it')
})

test('translations carry text only and follow the English sections', async (t) => {
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'orphan', locale: 'es' })),
    [{ file: 'risk/orphan.es.md', line: 1, column: 1, path: '', message: 'a translation needs the English file seeds/content/risk/orphan.en.md; if the entity was withdrawn, delete this translation too' }])
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'condition', slug: 'alpha-disorder', locale: 'es', front: { severity: 'high' } })),
    [{
      file: 'condition/alpha-disorder.es.md',
      line: 4,
      column: 1,
      path: 'severity',
      message: 'a translation cannot set this field; it takes title, summary, status, translatedFrom, alsoKnownAs, regulatory, typicalProtocol (the rest comes from the English file)',
      quote: 'severity'
    }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'condition', slug: 'alpha-disorder', locale: 'es', sections: [{ heading: 'Resumen', id: 'overview', body: 'Texto.' }] })),
    [{ file: 'condition/alpha-disorder.es.md', path: 'sections', message: 'the English section "evidence" ("Evidence") is not translated' }])
})

test('malformed files', async (t) => {
  t.match(await problemsOf(t, (seeds) => seeds.writeRaw('risk', 'Bad_Name.en.md', '---\ntitle: x\n---\n')),
    [{ file: 'risk/Bad_Name.en.md', line: 1, column: 1, message: /file name must be/, quote: 'Bad_Name.en.md' }])
  t.match(await problemsOf(t, (seeds) => seeds.writeRaw('risk', 'no-front.en.md', '## Heading\nText')),
    [{ file: 'risk/no-front.en.md', line: 1, column: 1, message: /YAML front matter/, quote: '## Heading' }])
  t.same(await problemsOf(t, (seeds) => seeds.writeRaw('risk', 'bad-yaml.en.md', '---\ntitle: [unclosed\n---\n')),
    [{ file: 'risk/bad-yaml.en.md', line: 2, column: 17, path: '', message: 'front matter is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]', quote: 'title: [unclosed' }])
  t.same(await problemsOf(t, (seeds) => seeds.writeRaw('risk', 'no-meta.en.md', '---\ntitle: x\n---\n## Heading\nText')),
    [
      { file: 'risk/no-meta.en.md', line: 2, column: 1, path: '', message: 'is missing the required fields: summary, audience, sources, category, severity, frequency, mitigation, treatments' },
      { file: 'risk/no-meta.en.md', line: 4, column: 1, path: 'sections[0]', message: 'a section heading must be followed by <!-- id: …; aspect: …; cites: … -->', quote: '## Heading' }
    ])
})

test('published content cannot link to a draft', async (t) => {
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'mechanism', slug: 'gate-blocking', front: { status: 'draft' } })),
    [{ file: 'condition/alpha-disorder.en.md', line: 26, column: 11, path: 'related[2]', message: /draft mechanism\/gate-blocking/, quote: 'gate-blocking' }])
})
