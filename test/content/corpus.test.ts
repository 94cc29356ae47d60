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

test('each problem names the file, the field path and the reason', async (t) => {
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { severity: 'extreme' } })),
    [{ file: 'risk/low-risk.en.md', path: 'severity', message: 'must be one of: low, moderate, high' }])
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'x'.repeat(301) } })),
    [{ file: 'risk/low-risk.en.md', path: 'summary', message: 'must be at most 300 characters' }])
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { colour: 'red' } })),
    [{ file: 'risk/low-risk.en.md', path: 'colour', message: 'is not a known field' }])
  t.same(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { sources: ['trial-one', 'review-two', 'nowhere'] } })),
    [{ file: 'risk/low-risk.en.md', path: 'sources[2]', message: 'unknown source "nowhere": add it to seeds/sources.yaml' },
      { file: 'risk/low-risk.en.md', path: 'sources[2]', message: 'source "nowhere" is listed but no section cites it' }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { related: [{ type: 'condition', slug: 'gamma' }] } })),
    [{ file: 'risk/low-risk.en.md', path: 'related[0]', message: /condition\/gamma, which has no file/ }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'condition', slug: 'alpha-disorder', front: { codes: [{ system: 'snomedct', code: '47505004', display: 'PTSD', verified: true }] } })),
    [{ file: 'condition/alpha-disorder.en.md', path: 'codes[0].code', message: /Verhoeff/ }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', front: { review: { reviewedBy: [{ name: 'A B', credentials: 'MD' }], lastReviewed: '2025-05-01', nextReviewDue: '2025-01-01' } } })),
    [{ path: 'review.nextReviewDue', message: /after lastReviewed/ }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'low-risk', sections: [{ heading: 'Overview', id: 'overview', aspect: 'gossip', cites: ['trial-one', 'review-two'], body: 'Text.' }] })),
    [{ path: 'sections[0].aspect', message: /"gossip" is not an aspect/ }])
})

test('translations carry text only and follow the English sections', async (t) => {
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'risk', slug: 'orphan', locale: 'es' })),
    [{ file: 'risk/orphan.es.md', message: /needs the English file/ }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'condition', slug: 'alpha-disorder', locale: 'es', front: { severity: 'high' } })),
    [{ file: 'condition/alpha-disorder.es.md', path: 'severity' }])
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'condition', slug: 'alpha-disorder', locale: 'es', sections: [{ heading: 'Resumen', id: 'overview', body: 'Texto.' }] })),
    [{ file: 'condition/alpha-disorder.es.md', path: 'sections', message: 'the English section "evidence" is not translated' }])
})

test('malformed files', async (t) => {
  t.match(await problemsOf(t, (seeds) => seeds.writeRaw('risk', 'Bad_Name.en.md', '---\ntitle: x\n---\n')),
    [{ file: 'risk/Bad_Name.en.md', message: /file name must be/ }])
  t.match(await problemsOf(t, (seeds) => seeds.writeRaw('risk', 'no-front.en.md', '## Heading\nText')),
    [{ file: 'risk/no-front.en.md', message: /YAML front matter/ }])
  t.match(await problemsOf(t, (seeds) => seeds.writeRaw('risk', 'bad-yaml.en.md', '---\ntitle: [unclosed\n---\n')),
    [{ file: 'risk/bad-yaml.en.md', message: /not valid YAML/ }])
  t.match(await problemsOf(t, (seeds) => seeds.writeRaw('risk', 'no-meta.en.md', '---\ntitle: x\n---\n## Heading\nText')),
    [{ file: 'risk/no-meta.en.md', message: /must be followed by <!--/ }])
})

test('published content cannot link to a draft', async (t) => {
  t.match(await problemsOf(t, (seeds) => seeds.write({ type: 'mechanism', slug: 'gate-blocking', front: { status: 'draft' } })),
    [{ file: 'condition/alpha-disorder.en.md', path: 'related[2]', message: /draft mechanism\/gate-blocking/ }])
})
