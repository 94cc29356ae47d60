// The word diff behind `content:check --diff` (issue 15, item 10).
import { test } from 'tap'
import fc from 'fast-check'
import { renderWordDiff, sideOf, tokenize, wordDiff } from '../../src/content/text-diff.js'
import { diffFields, renderFieldDiffs } from '../../src/content/field-diff.js'
import { describePendingChanges } from '../../src/content/pending-diff.js'
import { loadCorpus } from '../../src/content/corpus.js'
import { publishCorpus } from '../../src/content/publish.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { testDatabase } from '../helper.js'

const words = fc.array(fc.constantFrom('ketamine', 'sleep', 'not', 'low', 'very', 'a', 'the', '.', ',', ' ', '  ', '\n', 'é'), { maxLength: 40 }).map((parts) => parts.join(''))

test('applying the diff reproduces both sides, and neighbouring ops never have the same kind', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(words, words, (before, after) => {
    const ops = wordDiff(before, after)
    if (sideOf(ops, 'before') !== before || sideOf(ops, 'after') !== after) return false
    return ops.every((op, index) => op.text !== '' && (index === 0 || ops[index - 1]?.op !== op.op))
  }), { numRuns: 500 }))
})

test('a changed word is marked alone; equal texts are one unchanged run', async (t) => {
  t.same(wordDiff('same text', 'same text'), [{ op: 'equal', text: 'same text' }])
  t.same(wordDiff('', ''), [])
  t.equal(renderWordDiff(wordDiff('Certainty at 24 h is low.', 'Certainty at 24 h is very low.')), 'Certainty at 24 h is {+very +}low.')
  t.equal(renderWordDiff(wordDiff('Ketamine causes sleep.', 'Ketamine causes anaesthesia, which is not sleep.')),
    'Ketamine causes {+anaesthesia, which is not +}sleep.')
  t.equal(renderWordDiff(wordDiff('always with an oral antidepressant', 'alone or with an oral antidepressant')), '[-always-]{+alone or+} with an oral antidepressant')
  t.equal(renderWordDiff(wordDiff('a b c', 'x y z')), '[-a b c-]{+x y z+}', 'a run of changes separated only by spaces reads as one replacement')
  t.same(tokenize('Es rápido, ¿no?'), ['Es', ' ', 'rápido', ',', ' ', '¿', 'no', '?'])
})

test('colour only when asked, and long unchanged text is shortened around the change', async (t) => {
  const ops = wordDiff('one two', 'one three')
  t.equal(renderWordDiff(ops), 'one [-two-]{+three+}')
  t.equal(renderWordDiff(ops, { color: true }), 'one \u001b[31m[-two-]\u001b[39m\u001b[32m{+three+}\u001b[39m')
  const long = Array.from({ length: 40 }, (_, index) => `w${index}`).join(' ')
  const rendered = renderWordDiff(wordDiff(long, long.replace('w20', 'CHANGED')), { context: 3 })
  t.equal(rendered, '… w17 w18 w19 [-w20-]{+CHANGED+} w21 w22 w23 …')
})

test('field diffs key sections by id, so one edited section is one changed field', async (t) => {
  const before = { summary: 'Old words here.', sections: [{ id: 'overview', body: 'Same.' }, { id: 'evidence', body: 'Two trials.' }] }
  const after = { summary: 'New words here.', sections: [{ id: 'intro', body: 'Added.' }, { id: 'overview', body: 'Same.' }, { id: 'evidence', body: 'Three trials.' }] }
  const diffs = diffFields(before, after)
  t.same(diffs.map((diff) => diff.path), ['summary', 'sections[intro].id', 'sections[intro].body', 'sections[evidence].body'])
  t.equal(renderFieldDiffs(diffs, { indent: '' }), [
    'summary: [-Old-]{+New+} words here.',
    'sections[intro].id: (absent) → intro',
    'sections[intro].body: (absent) → Added.',
    'sections[evidence].body: [-Two-]{+Three+} trials.'
  ].join('\n'))
})

test('the --diff report shows an edited summary word by word against the database', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishCorpus(database.db, await loadCorpus(seeds.path))
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'A short summary of low-risk, now with a warning.' } })
  const report = await describePendingChanges(database.db, await loadCorpus(seeds.path))
  const lines = report.split('\n')
  t.equal(lines[0], 'Against release 1:')
  t.match(lines[1], /^ {2}updated {3}risk\/low-risk \(en\) → version 2: (readingGrade, )?summary$/)
  t.ok(lines.includes('    summary: A short summary of low-risk{+, now with a warning+}.'), report)
  t.notOk(report.includes('\u001b['), 'no colour unless asked')
  t.equal(await describePendingChanges(database.db, await loadCorpus(seeds.path), { color: false }), report, 'reading only: the same report twice')
})

test('versions are per locale: a Spanish edit versions Spanish only; a shared English field versions both', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishCorpus(database.db, await loadCorpus(seeds.path))
  const planned = async () => (await publishCorpus(database.db, await loadCorpus(seeds.path), { dryRun: true })).changes
    .map((change) => `${change.action} ${change.type}/${change.slug}/${change.locale} v${change.version}`)

  await seeds.write({ type: 'condition', slug: 'alpha-disorder', locale: 'es', front: { summary: 'Un resumen corregido.' } })
  t.same(await planned(), ['updated condition/alpha-disorder/es v2'])
  await publishCorpus(database.db, await loadCorpus(seeds.path))

  await seeds.write({ type: 'condition', slug: 'alpha-disorder', front: { summary: 'An English summary, edited.', evidenceStatus: 'approved', related: [{ type: 'risk', slug: 'low-risk' }, { type: 'risk', slug: 'high-risk' }, { type: 'mechanism', slug: 'gate-blocking' }] } })
  // The translation is served with the English text it should follow (englishTextHash, translationStatus), so
  // an English text edit versions it too.
  t.same(await planned(), ['updated condition/alpha-disorder/en v2', 'updated condition/alpha-disorder/es v3'], 'English text: English, and the translation now behind it')
  await seeds.write({ type: 'condition', slug: 'alpha-disorder', front: { summary: 'An English summary, edited.', evidenceStatus: 'approved', related: [{ type: 'risk', slug: 'low-risk' }] } })
  // Links are read from both sides, so the entities no longer linked change too.
  t.same(await planned(), ['updated condition/alpha-disorder/en v2', 'updated condition/alpha-disorder/es v3', 'updated mechanism/gate-blocking/en v2', 'updated risk/high-risk/en v2'], 'a shared field (links): every locale, each with its own number')
})
