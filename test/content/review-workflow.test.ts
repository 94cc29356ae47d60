// Keeping content right: a translation says which English text it follows and is marked outdated when that
// text changes; a clinical review is signed into the file by a command and listed when it falls due.
import { execFile } from 'node:child_process'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import fc from 'fast-check'
import { test } from 'tap'
import { parse, stringify } from 'yaml'
import { loadCorpus } from '../../src/content/corpus.js'
import { setFrontMatterField } from '../../src/content/front-matter-edit.js'
import { markTranslated, reviewsDue, signReview } from '../../src/content/review-workflow.js'
import { englishTextHash } from '../../src/content/translation.js'
import { build, testDatabase, type TestContext } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const run = promisify(execFile)
const alpha = SMALL_CORPUS[0] as typeof SMALL_CORPUS[number]
const alphaEnglish = (front: Record<string, unknown>) => ({ ...alpha, front: { ...alpha.front, ...front } })

test('an English text edit makes the translation outdated until a translator marks it current', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const alphaRef = { type: 'condition' as const, slug: 'alpha-disorder' }

  const unmarked = await loadCorpus(seeds.path)
  t.match(unmarked.warnings, [{ file: /alpha-disorder\.es\.md$/, path: 'translatedFrom', message: /does not say which English text/ }], 'a translation without translatedFrom is a warning')

  const marked = await markTranslated(seeds.path, alphaRef, 'es')
  t.match(await readFile(marked.file, 'utf8'), `translatedFrom: ${marked.hash}`)
  t.same((await loadCorpus(seeds.path)).warnings, [], 'current: no warning')
  await publishSeedsDir(database, seeds, 'first')
  const app = await build(t, { database })
  const rest = async () => (await app.inject('/v1/conditions/alpha-disorder?locale=es')).json()
  const graphql = async () => (await app.inject({
    method: 'POST',
    url: '/graphql',
    payload: { query: '{ condition(slug: "alpha-disorder", locale: es) { locale version translationStatus translatedFrom englishTextHash } }' }
  })).json().data.condition
  t.match(await rest(), { locale: 'es', version: 1, translationStatus: 'current', translatedFrom: marked.hash, englishTextHash: marked.hash })
  t.match(await graphql(), { locale: 'es', version: 1, translationStatus: 'current', translatedFrom: marked.hash, englishTextHash: marked.hash })
  const english = (await app.inject('/v1/conditions/alpha-disorder')).json()
  t.notOk('translationStatus' in english, 'English is the source, not a translation')

  await seeds.write(alphaEnglish({ summary: 'An edited English summary that the Spanish text does not say yet.' }))
  const edited = await loadCorpus(seeds.path)
  t.same(edited.problems, [], 'an outdated translation is not an error: publishing still works')
  t.match(edited.warnings, [{ file: /content\/condition\/alpha-disorder\.es\.md$/, path: 'translatedFrom', message: /English text .* changed since this translation was made/ }])
  t.equal(edited.warnings.length, 1)
  const second = await publishSeedsDir(database, seeds, 'English edit')
  t.match(second.changes.map((change) => [change.slug, change.locale, change.version]), [['alpha-disorder', 'en', 2], ['alpha-disorder', 'es', 2]],
    'the untouched translation gets a new version: what it is served with changed')
  await app.releases.refresh()
  const newHash = englishTextHash((edited.entities.find((entity) => entity.document.slug === 'alpha-disorder' && entity.document.locale === 'en') as { document: Parameters<typeof englishTextHash>[0] }).document)
  t.not(newHash, marked.hash)
  t.match(await rest(), { version: 2, translationStatus: 'outdated', translatedFrom: marked.hash, englishTextHash: newHash })
  t.match(await graphql(), { version: 2, translationStatus: 'outdated', translatedFrom: marked.hash, englishTextHash: newHash })

  const again = await markTranslated(seeds.path, alphaRef, 'es')
  t.equal(again.hash, newHash)
  t.equal(again.previous, marked.hash)
  t.same((await loadCorpus(seeds.path)).warnings, [])
  await publishSeedsDir(database, seeds, 'translation checked')
  await app.releases.refresh()
  t.match(await rest(), { version: 3, translationStatus: 'current', translatedFrom: newHash })
  t.match(await graphql(), { version: 3, translationStatus: 'current', translatedFrom: newHash })

  // A signed review is served as the file gives it, in REST and GraphQL.
  await signReview({ seedsDir: seeds.path, entity: alphaRef, reviewers: [{ name: 'Ana Ruiz', credentials: 'MD, psychiatrist' }], nextDue: '2026-06-01', date: '2025-06-01' })
  const reviewed = await loadCorpus(seeds.path)
  t.same(reviewed.problems, [])
  t.same(reviewed.warnings, [], 'review is not translated text: the translation stays current')
  await publishSeedsDir(database, seeds, 'reviewed')
  await app.releases.refresh()
  const review = { reviewStatus: 'reviewed', reviewedBy: [{ name: 'Ana Ruiz', credentials: 'MD, psychiatrist' }], lastReviewed: '2025-06-01', nextReviewDue: '2026-06-01' }
  t.same((await app.inject('/v1/conditions/alpha-disorder')).json().review, review)
  t.same((await rest()).review, review)
  const gql = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ condition(slug: "alpha-disorder") { review { reviewStatus reviewedBy { name credentials } lastReviewed nextReviewDue } } }' } })
  t.same(gql.json().data.condition.review, review)
})

test('the English text hash moves with text only', async (t) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const hashOf = async () => {
    const corpus = await loadCorpus(seeds.path)
    return englishTextHash(corpus.entities.find((entity) => entity.document.slug === 'alpha-disorder' && entity.document.locale === 'en')?.document as Parameters<typeof englishTextHash>[0])
  }
  const start = await hashOf()
  await seeds.write(alphaEnglish({ related: [{ type: 'risk', slug: 'high-risk' }], evidenceStatus: 'investigational' }))
  t.equal(await hashOf(), start, 'links and classifications are not translated text')
  await seeds.write(alphaEnglish({ related: [{ type: 'risk', slug: 'high-risk' }], evidenceStatus: 'investigational', title: 'Alpha disorder, retitled' }))
  t.not(await hashOf(), start, 'the title is')
})

async function copyOfSeeds (t: TestContext): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'kca-review-'))
  t.teardown(() => rm(path, { recursive: true, force: true }))
  await cp(join(process.cwd(), 'seeds'), path, { recursive: true })
  return path
}

const cli = async (args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/review.ts', ...args], { timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number, stdout: string, stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

test('npm run review: sign writes only the review block; due lists what has fallen due', async (t) => {
  const seeds = await copyOfSeeds(t)
  const file = join(seeds, 'content', 'condition', 'ptsd.en.md')
  const original = await readFile(file, 'utf8')

  const refused = [
    ['--reviewer', ' , MD', '--next-due', '2026-06-01', '--date', '2025-06-01'],
    ['--reviewer', 'Ana Ruiz, MD', '--next-due', '2025-05-01', '--date', '2025-06-01'],
    ['--reviewer', 'Ana Ruiz, MD', '--next-due', '2026-02-30', '--date', '2025-06-01'],
    ['--next-due', '2026-06-01', '--date', '2025-06-01']
  ]
  for (const args of refused) {
    const result = await cli(['sign', '--seeds', seeds, '--entity', 'condition/ptsd', ...args])
    t.equal(result.code, 2, `refused: ${args.join(' ')}`)
    t.match(result.stderr, /--reviewer|--next-due/)
  }
  t.equal(await readFile(file, 'utf8'), original, 'a refused sign changes nothing')

  const signed = await cli(['sign', '--seeds', seeds, '--entity', 'condition/ptsd', '--reviewer', 'Ana Ruiz, MD, psychiatrist', '--reviewer', 'Li Wei, PharmD', '--next-due', '2026-06-01', '--date', '2025-06-01'])
  t.equal(signed.code, 0, signed.stderr)
  const after = await readFile(file, 'utf8')
  const block = 'review:\n  reviewedBy:\n    - name: Ana Ruiz\n      credentials: MD, psychiatrist\n    - name: Li Wei\n      credentials: PharmD\n  lastReviewed: 2025-06-01\n  nextReviewDue: 2026-06-01\n'
  const close = original.indexOf('\n---\n', 4) + 1
  t.equal(after, original.slice(0, close) + block + original.slice(close), 'the rest of the file is byte for byte the same')

  const corpus = await loadCorpus(seeds)
  t.same(corpus.problems, [], 'content:check accepts the signed file')
  t.same(corpus.entities.find((entity) => entity.document.slug === 'ptsd' && entity.document.locale === 'en')?.document.review,
    { reviewedBy: [{ name: 'Ana Ruiz', credentials: 'MD, psychiatrist' }, { name: 'Li Wei', credentials: 'PharmD' }], lastReviewed: '2025-06-01', nextReviewDue: '2026-06-01' })

  const resigned = await cli(['sign', '--seeds', seeds, '--entity', 'condition/ptsd', '--reviewer', 'Li Wei, PharmD', '--next-due', '2026-09-01', '--date', '2025-09-01'])
  t.equal(resigned.code, 0, resigned.stderr)
  t.equal(await readFile(file, 'utf8'), original.slice(0, close) + 'review:\n  reviewedBy:\n    - name: Li Wei\n      credentials: PharmD\n  lastReviewed: 2025-09-01\n  nextReviewDue: 2026-09-01\n' + original.slice(close), 'signing again replaces the block')

  const overdue = await cli(['due', '--seeds', seeds, '--today', '2026-10-01'])
  t.equal(overdue.code, 0)
  t.match(overdue.stdout, /^condition\/ptsd: OVERDUE 2026-09-01 \(last reviewed 2025-09-01 by Li Wei\)$/m)
  t.match(overdue.stdout, /1 review\(s\) due by 2026-10-01; 30 entities never reviewed/)
  const early = await cli(['due', '--seeds', seeds, '--today', '2026-08-01'])
  t.equal(early.code, 0)
  t.notMatch(early.stdout, /condition\/ptsd/)
  const soon = await cli(['due', '--seeds', seeds, '--today', '2026-08-01', '--within', '31'])
  t.match(soon.stdout, /^condition\/ptsd: due 2026-09-01/m)
  t.equal((await cli(['due', '--seeds', seeds, '--within', 'soon'])).code, 2)

  const translated = await cli(['translated', '--seeds', seeds, '--entity', 'condition/ptsd', '--locale', 'es'])
  t.equal(translated.code, 0)
  t.match(translated.stdout, /already follows the current English text/, 'the Spanish seeds record the current English text')
})

test('reviewsDue: due exactly when nextReviewDue is on or before today + within', async (t) => {
  const corpus = await loadCorpus(join(process.cwd(), 'seeds'))
  const document = corpus.entities.find((entity) => entity.document.locale === 'en')?.document as Parameters<typeof englishTextHash>[0]
  const day = (offset: number) => new Date(Date.UTC(2030, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10)
  fc.assert(fc.property(fc.integer({ min: -400, max: 400 }), fc.integer({ min: -400, max: 400 }), fc.integer({ min: 0, max: 60 }), (last, gap, within) => {
    const lastReviewed = day(last)
    const nextReviewDue = day(last + Math.abs(gap) + 1)
    const single = { ...corpus, entities: [{ document: { ...document, review: { reviewedBy: [{ name: 'A', credentials: 'B' }], lastReviewed, nextReviewDue } }, status: 'published' as const, sourceFile: 'x' }] }
    const { due } = reviewsDue(single, day(0), within)
    return (due.length === 1) === (nextReviewDue <= day(within)) && due.every((entry) => entry.overdue === (nextReviewDue < day(0)))
  }))
  t.pass('property held')
})

test('setFrontMatterField changes one field and keeps every other line', async (t) => {
  const key = fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/).filter((name) => name !== 'review')
  const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean())
  const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(key, scalar, { maxKeys: 3 }))
  fc.assert(fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), fc.option(fc.dictionary(key, value, { minKeys: 1, maxKeys: 3 })), fc.dictionary(key, scalar, { minKeys: 1, maxKeys: 3 }), (front, oldReview, newReview) => {
    const withOld = oldReview === null ? front : { ...front, review: oldReview }
    const text = `---\n${stringify(withOld)}---\n\n## Body\nText.\n`
    const result = setFrontMatterField(text, 'review', newReview)
    const frontText = result.slice(4, result.indexOf('\n---\n'))
    const parsed = parse(frontText) as Record<string, unknown>
    const otherLines = (source: string) => source.split('\n').filter((line) => !/^review:/.test(line) && !line.startsWith(' ') && !line.startsWith('-'))
    return JSON.stringify(parsed) === JSON.stringify({ ...front, review: newReview }) &&
      result.endsWith('---\n\n## Body\nText.\n') &&
      JSON.stringify(otherLines(result)) === JSON.stringify(otherLines(text))
  }), { numRuns: 200 })
  t.pass('property held')
})
