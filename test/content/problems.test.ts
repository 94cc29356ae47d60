// Problems an editor can act on (issue 15, item 9): broken corpora written to temporary directories, and the
// exact place, quote, allowed values and number of problems each one gives. One root cause, one problem.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { test } from 'tap'
import { loadCorpus } from '../../src/content/corpus.js'
import { formatProblem, formatProblems, TextPositions } from '../../src/content/problems.js'
import { markdownIn } from '../../src/content/validation.js'
import { SMALL_CORPUS, TEST_SOURCES, seedsDir, type SeedsDir } from '../factories.js'
import type { TestContext } from '../helper.js'
import fc from 'fast-check'

/** Problems with file names relative to the seeds directory, so expectations read like what an editor sees. */
const problemsOf = async (t: TestContext, setup: (seeds: SeedsDir) => Promise<void>) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await setup(seeds)
  const strip = (text: string) => text.replace(/[^\s,]*kca-seeds-[^/]+\//g, '')
  return (await loadCorpus(seeds.path)).problems.map((problem) => ({ ...problem, file: strip(problem.file), message: strip(problem.message) }))
}

test('a broken sources.yaml is one problem, with no "unknown source" for the entities that cite it', async (t) => {
  const problems = await problemsOf(t, (seeds) => writeFile(join(seeds.path, 'sources.yaml'), 'sources:\n  - id: trial-one\n    title: [broken\n'))
  t.same(problems, [{
    file: 'sources.yaml',
    line: 3,
    column: 19,
    path: '',
    message: 'not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    quote: 'title: [broken'
  }])
})

test('an empty source list is one problem, not one per cited id', async (t) => {
  const problems = await problemsOf(t, (seeds) => writeFile(join(seeds.path, 'sources.yaml'), '# all gone\nsources: []\n'))
  t.same(problems, [{ file: 'sources.yaml', line: 2, column: 10, path: 'sources', message: 'must list at least 1 entry', quote: '[]' }])
})

test('one broken source entry is one problem at its field; the entities citing it say nothing', async (t) => {
  const sources = [{ ...TEST_SOURCES[0], doi: 'doi:10.1000/x' }, ...TEST_SOURCES.slice(1)]
  const problems = await problemsOf(t, (seeds) => writeFile(join(seeds.path, 'sources.yaml'), stringify({ sources })))
  t.same(problems, [{
    file: 'sources.yaml',
    line: 7,
    column: 10,
    path: 'sources[0].doi',
    message: 'must be a bare DOI such as 10.1000/xyz123 (no "doi:" and no https://doi.org/)',
    quote: 'doi:10.1000/x'
  }])
})

test('an unknown source used by three entities is one problem naming every place', async (t) => {
  const problems = await problemsOf(t, async (seeds) => {
    for (const slug of ['low-risk', 'high-risk']) await seeds.write({ type: 'risk', slug, front: { sources: ['trial-one', 'review-two', 'new-study'] } })
    await seeds.write({ type: 'mechanism', slug: 'gate-blocking', front: { sources: ['trial-one', 'review-two', 'new-study'] } })
  })
  t.equal(problems.length, 1)
  t.same(problems[0], {
    file: 'content/risk/high-risk.en.md',
    line: 8,
    column: 5,
    path: 'sources[2]',
    message: 'unknown source "new-study": add it to seeds/sources.yaml; also listed at content/risk/low-risk.en.md:8:5, content/mechanism/gate-blocking.en.md:8:5',
    quote: 'new-study'
  })
})

test('a misspelt source id gets a suggestion', async (t) => {
  const problems = await problemsOf(t, (seeds) => seeds.write({
    type: 'risk',
    slug: 'low-risk',
    front: { sources: ['trial-one', 'reveiw-two'] },
    sections: [{ heading: 'Overview', id: 'overview', aspect: 'overview', cites: ['trial-one', 'reveiw-two'], body: 'Text.' }]
  }))
  t.same(problems.map((problem) => [problem.line, problem.column, problem.message]), [
    [7, 5, 'unknown source "reveiw-two": add it to seeds/sources.yaml (did you mean "review-two"?)']
  ])
})

test('a broken English file is one problem: its translation and the links to it say nothing', async (t) => {
  // SMALL_CORPUS has alpha-disorder.es.md, and the-basics links to condition/alpha-disorder.
  const unparsable = await problemsOf(t, (seeds) => seeds.writeRaw('condition', 'alpha-disorder.en.md',
    '---\ntitle: Alpha\nsummary: [oops\n---\n## Overview\n<!-- id: overview; cites: trial-one -->\nText.\n'))
  t.same(unparsable, [{
    file: 'content/condition/alpha-disorder.en.md',
    line: 3,
    column: 15,
    path: '',
    message: 'front matter is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    quote: 'summary: [oops'
  }])
  const onlyCiter = await problemsOf(t, async (seeds) => {
    await writeFile(join(seeds.path, 'sources.yaml'), stringify({ sources: [...TEST_SOURCES, { id: 'only-alpha', title: 'Cited by alpha only', authors: 'Ng A', publisher: 'J', pmid: '2', verified: true }] }))
    await seeds.writeRaw('condition', 'alpha-disorder.en.md', '---\ntitle: Alpha\nsources: [trial-one, only-alpha\n---\n## Overview\n<!-- id: overview; cites: only-alpha -->\nText.\n')
  })
  t.same(onlyCiter.map((problem) => [problem.file, problem.line]), [['content/condition/alpha-disorder.en.md', 3]],
    'the source only the unreadable file cites is not "cited by no entity"')
  const invalid = await problemsOf(t, (seeds) => seeds.write({ type: 'condition', slug: 'alpha-disorder', front: { evidenceStatus: 'proven' } }))
  t.same(invalid, [{
    file: 'content/condition/alpha-disorder.en.md',
    line: 10,
    column: 17,
    path: 'evidenceStatus',
    message: 'must be one of: approved, off-label-with-evidence, investigational',
    quote: 'proven'
  }])
  const duplicateKey = await problemsOf(t, (seeds) => seeds.writeRaw('condition', 'alpha-disorder.en.md',
    '---\ntitle: Alpha\nsummary: One.\nsummary: Two.\n---\n## Overview\n<!-- id: overview; cites: trial-one -->\nText.\n'))
  t.same(duplicateKey.map((problem) => [problem.file, problem.line, problem.column, problem.message, problem.quote]), [
    ['content/condition/alpha-disorder.en.md', 4, 1, 'front matter is not valid YAML: Map keys must be unique', 'summary: Two.']
  ], 'the front matter line is the file line, not the line inside the front matter')
})

test('Markdown in plain-text fields is rejected where it stands, with the mark quoted', async (t) => {
  const problems = await problemsOf(t, async (seeds) => {
    await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'It works **fast** for most.' } })
    await seeds.write({ type: 'condition', slug: 'alpha-disorder', locale: 'es', front: { title: 'Un _rápido_ cambio' } })
    await seeds.write({ type: 'mechanism', slug: 'gate-blocking', front: { steps: ['1. First step happens.', 'Then `code` here.'] } })
    // Ordinary prose with symbols is not Markdown.
    await seeds.write({ type: 'risk', slug: 'high-risk', front: { severity: 'high', category: 'contraindication', frequency: 'rare', summary: 'Blocks 5-HT2A and NMDA (p < 0.05), and/or 2 * 3 doses; see the_label.' } })
  })
  const rule = 'takes plain text, not Markdown'
  t.same(problems, [
    { file: 'content/condition/alpha-disorder.es.md', line: 2, column: 8, path: 'title', message: `${rule} (emphasis); Markdown belongs only in section bodies`, quote: '_rápido_' },
    { file: 'content/mechanism/gate-blocking.en.md', line: 12, column: 5, path: 'steps[0]', message: `${rule} (a list item); Markdown belongs only in section bodies`, quote: '1. First step happens.' },
    { file: 'content/mechanism/gate-blocking.en.md', line: 13, column: 5, path: 'steps[1]', message: `${rule} (code); Markdown belongs only in section bodies`, quote: '`code`' },
    { file: 'content/risk/low-risk.en.md', line: 3, column: 10, path: 'summary', message: `${rule} (bold); Markdown belongs only in section bodies`, quote: '**fast**' }
  ])
  const heading = await problemsOf(t, (seeds) => seeds.write({
    type: 'risk', slug: 'low-risk', sections: [{ heading: 'Why it **matters**', id: 'overview', aspect: 'overview', cites: ['trial-one', 'review-two'], body: 'Body **may** use Markdown.' }]
  }))
  t.same(heading.map((problem) => [problem.line, problem.path, problem.quote]), [[16, 'sections[0].heading', '**matters**']], 'headings too; bodies may')
  const source = await problemsOf(t, (seeds) => writeFile(join(seeds.path, 'sources.yaml'),
    stringify({ sources: [{ ...TEST_SOURCES[0], title: 'See [the trial](https://example.org)' }, ...TEST_SOURCES.slice(1)] })))
  t.same(source.map((problem) => [problem.file, problem.line, problem.path, problem.quote]), [['sources.yaml', 3, 'sources[0].title', '[the trial](https://example.org)']])
})

test('withdrawing an entity: content:check names every link and translation that must change', async (t) => {
  const problems = await problemsOf(t, async (seeds) => {
    await writeFile(join(seeds.path, 'sources.yaml'), stringify({ sources: [...TEST_SOURCES, { id: 'only-here', title: 'A study only one risk cites', authors: 'Ng A', year: 2020, publisher: 'J', pmid: '1', verified: true }] }))
    await seeds.write({ type: 'risk', slug: 'high-risk', front: { severity: 'high', category: 'contraindication', frequency: 'rare', sources: ['trial-one', 'review-two', 'only-here'] }, sections: [{ heading: 'Overview', id: 'overview', aspect: 'overview', cites: ['trial-one', 'review-two', 'only-here'], body: 'Text.' }] })
    await seeds.write({ type: 'risk', slug: 'high-risk', locale: 'es' })
    // The editor deletes the English file and forgets the rest.
    await seeds.remove('risk', 'high-risk')
  })
  t.same(problems, [
    { file: 'content/condition/alpha-disorder.en.md', line: 24, column: 11, path: 'related[1]', message: 'links to risk/high-risk, but there is no seeds/content/risk/high-risk.en.md (withdrawn or misspelt): remove or correct this link', quote: 'high-risk' },
    { file: 'content/condition/beta-syndrome.en.md', line: 22, column: 11, path: 'related[0]', message: 'links to risk/high-risk, but there is no seeds/content/risk/high-risk.en.md (withdrawn or misspelt): remove or correct this link', quote: 'high-risk' },
    { file: 'content/risk/high-risk.es.md', line: 1, column: 1, path: '', message: 'a translation needs the English file seeds/content/risk/high-risk.en.md; if the entity was withdrawn, delete this translation too' },
    { file: 'sources.yaml', line: 23, column: 9, path: 'sources[3].id', message: 'source "only-here" is not cited by any entity: remove it here, or cite it from an entity', quote: 'only-here' }
  ])
})

test('formatting: one line per problem, file:line:column first', async (t) => {
  t.equal(formatProblem({ file: 'seeds/content/risk/x.en.md', line: 9, column: 11, path: 'severity', message: 'must be one of: low, moderate, high', quote: 'extreme' }),
    'seeds/content/risk/x.en.md:9:11: severity: must be one of: low, moderate, high (found "extreme")')
  t.equal(formatProblems([
    { file: 'b.md', line: 1, column: 1, path: '', message: 'second' },
    { file: 'a.md', line: 5, column: 2, path: 'x', message: 'first' }
  ]), 'a.md:5:2: x: first\nb.md:1:1: second\n2 problem(s) found; nothing was changed.\n')
})

test('text positions agree with counting lines by hand', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n') }), { maxLength: 20 }).map((parts) => parts.join('')), fc.nat(), (text, seed) => {
    const offset = text.length === 0 ? 0 : seed % text.length
    const before = text.slice(0, offset)
    const expected = { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') }
    const positions = new TextPositions(text)
    const found = positions.at(offset)
    return found.line === expected.line && found.column === expected.column && positions.lineText(found.line) === (text.split('\n')[found.line - 1] ?? '')
  })))
})

test('Markdown marks and plain prose', async (t) => {
  for (const plain of ['5-HT2A receptors', 'p < 0.05 and x > 2', 'and/or', '2 * 3 = 6', 'snake_case_name', 'A - B', 'US$ 10', 'Dr. No (2020)']) {
    t.equal(markdownIn(plain), null, plain)
  }
  for (const [text, kind] of [['**bold**', 'bold'], ['an *aside* here', 'emphasis'], ['`x`', 'code'], ['[a](https://b)', 'a link'], ['# Title', 'a heading'], ['> quoted', 'a quotation'], ['- item', 'a list item'], ['a <b>tag</b>', 'HTML']] as const) {
    t.equal(markdownIn(text)?.kind, kind, text)
  }
})
