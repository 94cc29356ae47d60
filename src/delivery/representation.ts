// Turns a snapshot's entities into what clients receive: filtering, ordering, keyset cursors, sparse
// fields, included relations, computed review status and the attribution every answer carries.
import { TYPE_PLURALS, type EntityType, type Locale } from '../../schema/common.js'
import { INCLUDABLE, REVIEW_STATUSES, selectableFields } from '../../schema/api.js'
import type { EntityDocument, Link } from '../../schema/entity.js'
import { BadRequestError, InvalidCursorError } from '../errors.js'
import type { ReleaseSnapshot, ResolvedEntity } from './release-snapshot.js'
import type { VersionRecord } from '../repositories/content-repository.js'

export const LICENSE = { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' }
export const ATTRIBUTION = 'Ketamine therapy content © ketamine-content-api contributors, CC BY 4.0'
export const DISCLAIMERS: Record<Locale, string> = {
  en: 'This information is for education only and is not medical advice. It has not yet been reviewed by a clinician unless a reviewer is named. Talk to a qualified health professional about your own situation.',
  es: 'Esta información es solo educativa y no constituye consejo médico. Aún no ha sido revisada por un profesional clínico salvo que se indique quién la revisó. Consulta tu situación con un profesional sanitario cualificado.'
}

export const REVIEW_DUE_WINDOW_DAYS = 30

export type Sort = 'slug' | '-slug' | 'title' | '-title' | 'publishedAt' | '-publishedAt'

export interface ListOptions {
  locale: Locale
  limit: number
  cursor?: string | undefined
  sort: Sort
  filters: Record<string, string | undefined>
}

export interface ListPage {
  items: ResolvedEntity[]
  nextCursor: string | null
  /** The cursor of each item's own position: a later request with it resumes right after that item. */
  cursors: string[]
  /** Items come before this page (it started from a cursor that is not before the first item). */
  hasPrevious: boolean
}

export function entityUrl (type: EntityType, slug: string): string {
  return `/v1/${TYPE_PLURALS[type]}/${slug}`
}

export function listEntities (snapshot: ReleaseSnapshot, type: EntityType, options: ListOptions): ListPage {
  const filters = Object.entries(options.filters).filter((entry): entry is [string, string] => entry[1] !== undefined)
  const matching = snapshot.list(type, options.locale).filter(({ entity }) => filters.every(([name, value]) => matchesFilter(snapshot, entity.document, name, value)))
  const field = options.sort.replace(/^-/, '') as 'slug' | 'title' | 'publishedAt'
  const direction = options.sort.startsWith('-') ? -1 : 1
  const sortKey = (resolved: ResolvedEntity) => field === 'publishedAt' ? resolved.entity.publishedAt.toISOString() : resolved.entity.document[field]
  const ordered = matching.map((resolved) => ({ resolved, key: sortKey(resolved), slug: resolved.entity.document.slug }))
    .sort((a, b) => direction * (compare(a.key, b.key) || compare(a.slug, b.slug)))
  // The cursor carries the sort and filters it was made for: reused with others it would skip or repeat items.
  const context = `${type}|${options.sort}|${options.locale}|${filters.map(([name, value]) => `${name}=${value}`).sort().join('&')}`
  let start = 0
  if (options.cursor) {
    const position = decodeCursor(options.cursor, context)
    start = ordered.findIndex((item) => direction * (compare(item.key, position.key) || compare(item.slug, position.slug)) > 0)
    if (start === -1) start = ordered.length
  }
  const page = ordered.slice(start, start + options.limit)
  const last = page.at(-1)
  const hasMore = start + options.limit < ordered.length
  return {
    items: page.map((item) => item.resolved),
    nextCursor: hasMore && last ? encodeCursor({ context, key: last.key, slug: last.slug }) : null,
    cursors: page.map((item) => encodeCursor({ context, key: item.key, slug: item.slug })),
    hasPrevious: start > 0
  }
}

function matchesFilter (snapshot: ReleaseSnapshot, document: EntityDocument, name: string, value: string): boolean {
  if (name === 'condition') return snapshot.related(document.type, document.slug, 'condition').some((link) => link.slug === value)
  return (document as unknown as Record<string, unknown>)[name] === value
}

interface CursorPosition { context: string, key: string, slug: string }

function encodeCursor (position: CursorPosition): string {
  return Buffer.from(JSON.stringify([1, position.context, position.key, position.slug])).toString('base64url')
}

function decodeCursor (cursor: string, context: string): CursorPosition {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(value) && value.length === 4 && value[0] === 1 && value[1] === context && typeof value[2] === 'string' && typeof value[3] === 'string') {
      return { context, key: value[2], slug: value[3] }
    }
  } catch {}
  throw new InvalidCursorError()
}

/** Long fields a list leaves out unless asked for with fields=: a page of 25 stays small. */
export const LIST_OMITTED_FIELDS = ['sections', 'sources', 'crisisResources', 'related', 'regulatory', 'typicalProtocol', 'steps', 'mitigation', 'changeNote']

export function listFieldSet (type: EntityType, fields: string | undefined): Set<string> {
  return parseFieldList(type, fields) ?? new Set(selectableFields(type).filter((field) => !LIST_OMITTED_FIELDS.includes(field)))
}

export function parseFieldList (type: EntityType, fields: string | undefined): Set<string> | null {
  if (fields === undefined) return null
  const allowed = selectableFields(type)
  const requested = fields.split(',').map((field) => field.trim()).filter(Boolean)
  // Included relations are asked for with include=; naming them in fields= as well keeps them.
  const unknown = requested.filter((field) => !allowed.includes(field) && !['type', 'slug', 'locale', ...INCLUDABLE].includes(field))
  if (unknown.length > 0) throw new BadRequestError(`fields: unknown field ${unknown.map((field) => `"${field}"`).join(', ')}; allowed: ${allowed.join(', ')}`)
  return new Set(requested)
}

export function parseIncludeList (include: string | undefined): Array<typeof INCLUDABLE[number]> {
  if (include === undefined) return []
  const requested = [...new Set(include.split(',').map((name) => name.trim()).filter(Boolean))]
  const unknown = requested.filter((name) => !(INCLUDABLE as readonly string[]).includes(name))
  if (unknown.length > 0) throw new BadRequestError(`include: unknown relation ${unknown.map((name) => `"${name}"`).join(', ')}; allowed: ${INCLUDABLE.join(', ')}`)
  return requested as Array<typeof INCLUDABLE[number]>
}

export function reviewOf (document: EntityDocument, today = new Date()): Record<string, unknown> {
  const review = document.review
  if (!review.lastReviewed) return { reviewStatus: REVIEW_STATUSES[0] }
  const due = review.nextReviewDue ?? addDays(review.lastReviewed, 365)
  const todayIso = today.toISOString().slice(0, 10)
  const soon = addDays(todayIso, REVIEW_DUE_WINDOW_DAYS)
  const reviewStatus = todayIso > due ? 'overdue' : soon >= due ? 'due' : 'current'
  return { ...review, nextReviewDue: due, reviewStatus }
}

function addDays (isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

export function cardOf (snapshot: ReleaseSnapshot, link: Link, locale: Locale): Record<string, unknown> | null {
  const resolved = snapshot.find(link.type, link.slug, locale)
  if (!resolved) return null
  const document = resolved.entity.document as unknown as Record<string, unknown>
  const card: Record<string, unknown> = {
    type: link.type,
    slug: link.slug,
    locale: document.locale,
    title: document.title,
    summary: document.summary,
    url: entityUrl(link.type, link.slug)
  }
  for (const field of ['evidenceStatus', 'category', 'severity', 'frequency', 'level']) {
    if (document[field] !== undefined) card[field] = document[field]
  }
  return card
}

export interface RenderOptions {
  fields: Set<string> | null
  include: Array<typeof INCLUDABLE[number]>
  locale: Locale
}

export function renderEntity (snapshot: ReleaseSnapshot, resolved: ResolvedEntity, options: RenderOptions): Record<string, unknown> {
  const { entity } = resolved
  const document = entity.document
  const related = snapshot.related(document.type, document.slug)
  const full: Record<string, unknown> = {
    ...document,
    related: related.map((link) => ({ ...link, title: snapshot.find(link.type, link.slug, options.locale)?.entity.document.title ?? link.slug, url: entityUrl(link.type, link.slug) })),
    review: reviewOf(document),
    version: entity.version,
    contentHash: entity.contentHash,
    publishedAt: entity.publishedAt.toISOString(),
    changeNote: entity.changeNote,
    release: entity.versionRelease,
    url: entityUrl(document.type, document.slug),
    availableLocales: snapshot.locales(document.type, document.slug)
  }
  const output: Record<string, unknown> = { type: document.type, slug: document.slug, locale: document.locale }
  for (const [key, value] of Object.entries(full)) {
    if (options.fields === null || options.fields.has(key)) output[key] = value
  }
  for (const name of options.include) {
    const targetType = (Object.entries(TYPE_PLURALS).find(([, plural]) => plural === name) as [EntityType, string])[0]
    output[name] = snapshot.related(document.type, document.slug, targetType)
      .map((link) => cardOf(snapshot, link, options.locale)).filter((card) => card !== null)
  }
  return output
}

export function metaOf (snapshot: ReleaseSnapshot, requestedLocale: Locale, localeFallback: boolean) {
  return {
    release: snapshot.release.number,
    requestedLocale,
    localeFallback,
    attribution: ATTRIBUTION,
    license: LICENSE.name,
    licenseUrl: LICENSE.url,
    disclaimer: DISCLAIMERS[requestedLocale]
  }
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A stored version as something the renderer takes; only published versions have a document. */
export function resolvedFromVersion (record: VersionRecord): ResolvedEntity {
  return {
    entity: {
      entityId: record.entityId,
      document: record.document as EntityDocument,
      version: record.version,
      contentHash: record.contentHash,
      publishedAt: record.publishedAt,
      changeNote: record.changeNote,
      versionRelease: record.releaseNumber
    },
    fallback: false
  }
}

/** One line of a version history, as REST and GraphQL show it. */
export function versionSummary (record: VersionRecord) {
  return {
    version: record.version,
    state: record.state,
    publishedAt: record.publishedAt.toISOString(),
    changeNote: record.changeNote,
    contentHash: record.contentHash,
    release: record.releaseNumber
  }
}
