// npm run content:check [-- --diff] — validate every content file and report reading grades; with --diff,
// also say what a publish would change against the database's current release, with a word diff of every
// changed field. Never writes anything. The diff needs the database: when a running server owns the embedded
// one, the server computes it.
import { loadCorpus, PATIENT_READING_GRADE_TARGET } from '../content/corpus.js'
import { formatProblem } from '../content/problems.js'
import { configOrExit, executeCommand, parseCliArgs, printProblems, seedsDirOf } from './shared.js'

const args = parseCliArgs({ diff: { type: 'boolean' }, seeds: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } })
const config = configOrExit()
const seeds = seedsDirOf(config, args.seeds)
const corpus = await loadCorpus(seeds)

if (!args.quiet) {
  process.stdout.write(`Reading grade (patient target: grade ${PATIENT_READING_GRADE_TARGET} or below for the summary and overview)\n`)
  for (const row of corpus.readingReport) {
    const flag = row.aboveTarget ? '  ABOVE TARGET' : ''
    process.stdout.write(`  ${row.type}/${row.slug} (${row.locale}, ${row.audience}): whole ${row.grade}, summary ${row.summaryGrade}, overview ${row.overviewGrade ?? '-'}${flag}\n`)
  }
  const above = corpus.readingReport.filter((row) => row.aboveTarget)
  process.stdout.write(`${above.length} patient entit${above.length === 1 ? 'y' : 'ies'} above the target${above.length ? `: ${above.map((row) => `${row.type}/${row.slug} (${row.locale})`).join(', ')}` : ''}\n`)
}

// Warnings do not stop a publish: an outdated translation is still served, marked translationStatus: outdated.
if (corpus.warnings.length > 0) {
  process.stderr.write(`${corpus.warnings.map((warning) => `warning: ${formatProblem(warning)}`).join('\n')}\n${corpus.warnings.length} warning(s)\n`)
}

if (corpus.problems.length > 0) {
  printProblems(corpus.problems)
  process.exit(1)
}
const published = corpus.entities.filter((entity) => entity.status === 'published').length
process.stdout.write(`content is valid: ${corpus.entities.length} files (${published} published, ${corpus.entities.length - published} draft), ${corpus.sources.length} sources\n`)

// Colour only for a person at a terminal; piped or redirected output stays plain text.
if (args.diff) await executeCommand(config, 'content:diff', { seeds, color: process.stdout.isTTY === true && !process.env.NO_COLOR })
