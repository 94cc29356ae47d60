// What a published version holds: the editor's document plus everything its representation shows that comes
// from elsewhere — the links declared by either side (resolved in the release being published, with each
// linked entity's title in this locale), the locales the entity exists in, and review fields that need no
// clock. The publisher hashes this, so anything that changes what a client is served makes a new version
// (and a feed event); readers render a version from it alone.
import { LOCALES, TYPE_PLURALS, type EntityType, type Locale } from '../../schema/common.js'
import type { EntityDocument, Link, Review } from '../../schema/entity.js'
import { englishTextHash, translationStatus, type TranslationStatus } from './translation.js'

/** A link as a published version shows it; `locale` is the language of `title` (English when untranslated). */
export interface ResolvedLink { type: EntityType, slug: string, locale: Locale, title: string, url: string }

export type PublishedReviewStatus = 'unreviewed' | 'reviewed'
export interface PublishedReview extends Review { reviewStatus: PublishedReviewStatus }

interface PublishedParts {
  related: ResolvedLink[]
  review: PublishedReview
  availableLocales: Locale[]
  /** Translations only: whether `translatedFrom` is the hash of the English text published with it. */
  translationStatus?: TranslationStatus
  /** Translations only: the hash of the English text in the same release (what `translatedFrom` is compared with). */
  englishTextHash?: string
  /** The links this entity's own file declares: what the next publish resolves again. Not shown to clients. */
  declaredRelated: Link[]
}
/** Per type (distributive), so `type` still narrows to the type's own fields. */
export type PublishedDocument = EntityDocument extends infer T ? T extends EntityDocument ? Omit<T, 'related' | 'review'> & PublishedParts : never : never

/** Days after lastReviewed that a review falls due when the file gives no nextReviewDue. */
export const DEFAULT_REVIEW_INTERVAL_DAYS = 365

export function entityPath (type: EntityType, slug: string): string {
  return `/v1/${TYPE_PLURALS[type]}/${slug}`
}

/** Versions published before 0.2 stored the editor's document only; they have no `declaredRelated`. */
export function isMaterialised (document: unknown): document is PublishedDocument {
  return typeof document === 'object' && document !== null && Array.isArray((document as { declaredRelated?: unknown }).declaredRelated)
}

/** The editor's document a stored version was built from (what the next publish starts from). */
export function sourceOf (document: EntityDocument | PublishedDocument): EntityDocument {
  if (!isMaterialised(document)) return document
  const { declaredRelated, availableLocales: _locales, review, related: _related, translationStatus: _status, englishTextHash: _hash, ...rest } = document
  const { reviewStatus: _reviewStatus, ...editorReview } = review
  // A derived nextReviewDue stays: materialising it again gives the same review.
  return { ...rest, related: declaredRelated, review: editorReview } as EntityDocument
}

/**
 * Review freshness without a clock: `reviewed` once a named reviewer signed it off, with the date it falls due
 * (given, or a year after lastReviewed). Whether that date has passed is for the reader to compare.
 */
export function publishedReview (review: Review): PublishedReview {
  if (!review.lastReviewed) return { reviewStatus: 'unreviewed' }
  return { ...review, nextReviewDue: review.nextReviewDue ?? addDays(review.lastReviewed, DEFAULT_REVIEW_INTERVAL_DAYS), reviewStatus: 'reviewed' }
}

function addDays (isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

const key = (type: EntityType, slug: string, locale: Locale) => `${type}/${slug}/${locale}`
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Materialises every document of a release from the editors' documents of everything live in it (all locales).
 * Links are declared once, by either side, and read from both; a link to an entity not live is dropped.
 */
export function materialise (live: EntityDocument[]): Map<string, PublishedDocument> {
  const byKey = new Map(live.map((document) => [key(document.type, document.slug, document.locale), document]))
  const links = new Map<string, Link[]>()
  const add = (from: Link, to: Link) => {
    if (!byKey.has(key(to.type, to.slug, 'en'))) return
    const list = links.get(`${from.type}/${from.slug}`) ?? []
    if (!list.some((link) => link.type === to.type && link.slug === to.slug)) list.push({ type: to.type, slug: to.slug })
    links.set(`${from.type}/${from.slug}`, list)
  }
  for (const document of live) {
    if (document.locale !== 'en') continue
    const self = { type: document.type, slug: document.slug }
    for (const link of document.related) {
      add(self, link)
      add(link, self)
    }
  }
  for (const list of links.values()) list.sort((a, b) => compare(`${a.type}/${a.slug}`, `${b.type}/${b.slug}`))

  const published = new Map<string, PublishedDocument>()
  for (const document of live) {
    const { related: declared, review, ...rest } = document
    const related = (links.get(`${document.type}/${document.slug}`) ?? []).map((link): ResolvedLink => {
      const target = byKey.get(key(link.type, link.slug, document.locale)) ?? byKey.get(key(link.type, link.slug, 'en')) as EntityDocument
      return { type: link.type, slug: link.slug, locale: target.locale, title: target.title, url: entityPath(link.type, link.slug) }
    })
    // Computed here, not when read, so an English text edit gives each translation a new version (and event).
    const english = document.locale === 'en' ? undefined : byKey.get(key(document.type, document.slug, 'en'))
    const hash = english === undefined ? undefined : englishTextHash(english)
    const translation = hash === undefined ? {} : { translationStatus: translationStatus(document.translatedFrom, hash), englishTextHash: hash }
    published.set(key(document.type, document.slug, document.locale), {
      ...rest,
      related,
      review: publishedReview(review),
      availableLocales: LOCALES.filter((locale) => byKey.has(key(document.type, document.slug, locale))),
      ...translation,
      declaredRelated: declared
    } as PublishedDocument)
  }
  return published
}
