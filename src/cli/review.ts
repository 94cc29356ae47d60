// npm run review -- <command>: the editors' review loop, without editing YAML by hand.
//   sign --entity condition/ptsd --reviewer "<name>, <credentials>" [--reviewer …] --next-due YYYY-MM-DD [--date YYYY-MM-DD]
//   due [--within DAYS] [--today YYYY-MM-DD]
//   translated --entity condition/ptsd --locale es
// These read the clock (today's date); what the API serves never does.
import { parseArgs } from 'node:util'
import type { Locale } from '../../schema/common.js'
import { loadCorpus } from '../content/corpus.js'
import { FrontMatterEditError } from '../content/front-matter-edit.js'
import { markTranslated, parseDate, parseEntityRef, parseReviewer, ReviewCommandError, reviewsDue, signReview, todayUtc } from '../content/review-workflow.js'
import { configOrExit, seedsDirOf } from './shared.js'

const USAGE = `usage: npm run review -- sign --entity <type>/<slug> --reviewer "<name>, <credentials>" --next-due YYYY-MM-DD [--date YYYY-MM-DD]
       npm run review -- due [--within DAYS] [--today YYYY-MM-DD]
       npm run review -- translated --entity <type>/<slug> --locale es
       (each takes --seeds DIR to work on another content directory)
`

async function main (): Promise<void> {
  const { values: args, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    strict: true,
    options: {
      entity: { type: 'string' },
      reviewer: { type: 'string', multiple: true },
      'next-due': { type: 'string' },
      date: { type: 'string' },
      today: { type: 'string' },
      within: { type: 'string' },
      locale: { type: 'string' },
      seeds: { type: 'string' }
    }
  })
  const seeds = seedsDirOf(configOrExit(), args.seeds)
  const [command, ...rest] = positionals
  if (rest.length > 0) throw new ReviewCommandError(`unexpected argument "${rest[0] as string}"\n${USAGE}`)

  if (command === 'sign') {
    const date = args.date === undefined ? todayUtc() : parseDate(args.date, '--date')
    const { file, review } = await signReview({
      seedsDir: seeds,
      entity: parseEntityRef(args.entity),
      reviewers: (args.reviewer ?? []).map(parseReviewer),
      nextDue: parseDate(args['next-due'], '--next-due'),
      date
    })
    process.stdout.write(`${file}: review signed (lastReviewed ${String(review.lastReviewed)}, nextReviewDue ${String(review.nextReviewDue)}); publish to serve it\n`)
  } else if (command === 'due') {
    const today = args.today === undefined ? todayUtc() : parseDate(args.today, '--today')
    const within = Number(args.within ?? '0')
    if (!Number.isInteger(within) || within < 0 || within > 3650) throw new ReviewCommandError(`--within takes a whole number of days from 0 to 3650 (got "${args.within ?? ''}")`)
    const corpus = await loadCorpus(seeds)
    if (corpus.problems.length > 0) process.stderr.write(`note: ${corpus.problems.length} content problem(s); entities with a broken English file are not listed (run npm run content:check)\n`)
    const { due, unreviewed } = reviewsDue(corpus, today, within)
    for (const entry of due) {
      process.stdout.write(`${entry.type}/${entry.slug}: ${entry.overdue ? 'OVERDUE' : 'due'} ${entry.nextReviewDue} (last reviewed ${entry.lastReviewed} by ${entry.reviewers.join(', ')})\n`)
    }
    process.stdout.write(`${due.length} review(s) due by ${within === 0 ? today : `${today} + ${within} days`}; ${unreviewed.length} entit${unreviewed.length === 1 ? 'y' : 'ies'} never reviewed\n`)
  } else if (command === 'translated') {
    const { file, hash, previous } = await markTranslated(seeds, parseEntityRef(args.entity), (args.locale ?? '') as Locale)
    process.stdout.write(previous === hash ? `${file}: already follows the current English text (${hash})\n` : `${file}: translatedFrom ${hash}; publish to mark it current\n`)
  } else {
    throw new ReviewCommandError(`${command === undefined ? 'a command is required' : `unknown command "${command}"`}\n${USAGE}`)
  }
}

try {
  await main()
} catch (error) {
  if (!(error instanceof ReviewCommandError) && !(error instanceof FrontMatterEditError) && !(error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) throw error
  process.stderr.write(`${error.message}\n`)
  process.exitCode = 2
}
