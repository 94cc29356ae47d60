// The editors' review loop: sign a clinical review into an entity's English file, list reviews falling due,
// and mark a translation as following the current English text. Files are changed through
// setFrontMatterField (only the one field moves) and the corpus is checked again before anything is kept.
import { readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { ENTITY_TYPES, LOCALES, SLUG_PATTERN, type EntityType, type Locale } from '../../schema/common.js'
import { loadCorpus, type Corpus } from './corpus.js'
import { setFrontMatterField } from './front-matter-edit.js'
import { publishedReview } from './materialise.js'
import { englishTextHash } from './translation.js'

export class ReviewCommandError extends Error {}

export interface EntityRef { type: EntityType, slug: string }

export function parseEntityRef (value: string | undefined): EntityRef {
  const match = /^([a-z]+)\/(.+)$/.exec(value ?? '')
  if (!match || !(ENTITY_TYPES as readonly string[]).includes(match[1] as string) || !new RegExp(SLUG_PATTERN).test(match[2] as string)) {
    throw new ReviewCommandError(`--entity takes <type>/<slug> with a type of ${ENTITY_TYPES.join(', ')}, e.g. condition/ptsd (got "${value ?? ''}")`)
  }
  return { type: match[1] as EntityType, slug: match[2] as string }
}

export function parseDate (value: string | undefined, option: string): string {
  const valid = value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value
  if (!valid) throw new ReviewCommandError(`${option} takes a date as YYYY-MM-DD (got "${value ?? ''}")`)
  return value
}

export function todayUtc (): string {
  return new Date().toISOString().slice(0, 10)
}

function fileOf (seedsDir: string, ref: EntityRef, locale: Locale): string {
  return join(seedsDir, 'content', ref.type, `${ref.slug}.${locale}.md`)
}

async function readEntityFile (path: string, ref: EntityRef, locale: Locale): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    throw new ReviewCommandError(`no ${locale} file for ${ref.type}/${ref.slug} (${path})`)
  }
}

/** Writes `next` to `path`, keeps it only if the corpus shows no problem in that file, else restores the file. */
async function writeChecked (seedsDir: string, path: string, previous: string, next: string): Promise<Corpus> {
  await writeFile(path, next)
  const corpus = await loadCorpus(seedsDir)
  // loadCorpus names files relative to the working directory.
  const shown = relative(process.cwd(), path) || path
  const own = corpus.problems.filter((problem) => problem.file === shown)
  if (own.length > 0) {
    await writeFile(path, previous)
    throw new ReviewCommandError(`nothing written: the result would not pass content:check:\n${own.map((problem) => `  ${problem.path}: ${problem.message}`).join('\n')}`)
  }
  return corpus
}

export interface Reviewer { name: string, credentials: string }

/** "Dr Ana Ruiz, MD, psychiatrist" → the name before the first comma, the credentials after it. */
export function parseReviewer (value: string): Reviewer {
  const comma = value.indexOf(',')
  const name = (comma < 0 ? value : value.slice(0, comma)).trim()
  const credentials = comma < 0 ? '' : value.slice(comma + 1).trim()
  if (!name || !credentials) throw new ReviewCommandError(`--reviewer takes "<name>, <credentials>", e.g. "Ana Ruiz, MD, psychiatrist" (got "${value}")`)
  return { name, credentials }
}

export interface SignOptions { seedsDir: string, entity: EntityRef, reviewers: Reviewer[], nextDue: string, date: string }

/** Writes the review block (reviewers, lastReviewed = date, nextReviewDue) into the entity's English file. */
export async function signReview (options: SignOptions): Promise<{ file: string, review: Record<string, unknown> }> {
  if (options.reviewers.length === 0) throw new ReviewCommandError('--reviewer is required: "<name>, <credentials>"')
  if (options.nextDue <= options.date) throw new ReviewCommandError(`--next-due (${options.nextDue}) must be after the review date (${options.date})`)
  const file = fileOf(options.seedsDir, options.entity, 'en')
  const previous = await readEntityFile(file, options.entity, 'en')
  const review = { reviewedBy: options.reviewers, lastReviewed: options.date, nextReviewDue: options.nextDue }
  await writeChecked(options.seedsDir, file, previous, setFrontMatterField(previous, 'review', review))
  return { file, review }
}

/** Records in the translation the hash of the English text it now follows. */
export async function markTranslated (seedsDir: string, entity: EntityRef, locale: Locale): Promise<{ file: string, hash: string, previous: string | undefined }> {
  if (locale === 'en' || !(LOCALES as readonly string[]).includes(locale)) throw new ReviewCommandError(`--locale takes a translation's locale: ${LOCALES.filter((item) => item !== 'en').join(', ')}`)
  const file = fileOf(seedsDir, entity, locale)
  const text = await readEntityFile(file, entity, locale)
  const corpus = await loadCorpus(seedsDir)
  const english = corpus.entities.find((built) => built.document.locale === 'en' && built.document.type === entity.type && built.document.slug === entity.slug)
  if (!english) throw new ReviewCommandError(`the English file of ${entity.type}/${entity.slug} has problems (run npm run content:check); fix them first`)
  const hash = englishTextHash(english.document)
  const previous = corpus.entities.find((built) => built.document.locale === locale && built.document.type === entity.type && built.document.slug === entity.slug)?.document.translatedFrom
  if (previous !== hash) await writeChecked(seedsDir, file, text, setFrontMatterField(text, 'translatedFrom', hash))
  return { file, hash, previous }
}

export interface DueEntry { type: EntityType, slug: string, nextReviewDue: string, lastReviewed: string, reviewers: string[], overdue: boolean }

/** English entities whose review falls due on or before `today + withinDays`, soonest first; and how many were never reviewed. */
export function reviewsDue (corpus: Corpus, today: string, withinDays: number): { due: DueEntry[], unreviewed: string[] } {
  const limit = new Date(`${today}T00:00:00Z`)
  limit.setUTCDate(limit.getUTCDate() + withinDays)
  const horizon = limit.toISOString().slice(0, 10)
  const due: DueEntry[] = []
  const unreviewed: string[] = []
  for (const { document } of corpus.entities) {
    if (document.locale !== 'en') continue
    const review = publishedReview(document.review)
    if (review.reviewStatus === 'unreviewed' || !review.nextReviewDue || !review.lastReviewed) {
      unreviewed.push(`${document.type}/${document.slug}`)
      continue
    }
    if (review.nextReviewDue > horizon) continue
    due.push({
      type: document.type,
      slug: document.slug,
      nextReviewDue: review.nextReviewDue,
      lastReviewed: review.lastReviewed,
      reviewers: (review.reviewedBy ?? []).map((reviewer) => reviewer.name),
      overdue: review.nextReviewDue < today
    })
  }
  due.sort((a, b) => (a.nextReviewDue < b.nextReviewDue ? -1 : a.nextReviewDue > b.nextReviewDue ? 1 : 0))
  return { due, unreviewed: unreviewed.sort() }
}
