// Turns a snapshot's entities into what clients receive: filtering, ordering, keyset cursors, sparse
// fields, included relations and the attribution every answer carries. One entity's representation is
// rendered from its stored version alone (links, locales and review were resolved when it was published),
// so it is a pure function of (version, requested locale): the changes feed can carry it byte for byte.
import { TYPE_PLURALS, type EntityType, type Locale, type Sort } from '../../schema/common.js'
import { INCLUDABLE, selectableFields } from '../../schema/api.js'
import type { EntityDocument, Link } from '../../schema/entity.js'
import { BadRequestError } from '../errors.js'
import { decodeListCursor, encodeListCursor } from './cursors.js'
import { isMaterialised, materialise, entityPath, type PublishedDocument } from '../content/materialise.js'
import type { ReleaseSnapshot, ResolvedEntity } from './release-snapshot.js'
import type { VersionRecord } from '../repositories/records.js'
import type { ReleaseStore } from './release-store.js'

export const LICENSE = { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' }
export const ATTRIBUTION = 'Ketamine therapy content © ketamine-content-api contributors, CC BY 4.0'
export const DISCLAIMERS: Record<Locale, string> = {
  en: 'This information is for education only and is not medical advice. It has not yet been reviewed by a clinician unless a reviewer is named. Talk to a qualified health professional about your own situation.',
  es: 'Esta información es solo educativa y no constituye consejo médico. Aún no ha sido revisada por un profesional clínico salvo que se indique quién la revisó. Consulte su situación con un profesional sanitario cualificado.'
}

export interface PageOptions {
  locale: Locale
  limit: number
  after?: string | undefined
  sort: Sort
  filters: Record<string, string>
}

export const entityUrl = entityPath

/** One page of a type's entities in a snapshot: filtered, ordered (ties by slug) and cut after a keyset cursor. */
export function pageOfEntities (snapshot: ReleaseSnapshot, type: EntityType, options: PageOptions) {
  const filters = Object.entries(options.filters)
  const matching = snapshot.list(type, options.locale).filter(({ entity }) => filters.every(([name, value]) => matchesFilter(snapshot, entity.document, name, value)))
  const descending = options.sort.endsWith('_desc')
  const field = options.sort.replace(/_desc$/, '') as 'slug' | 'title' | 'publishedAt'
  const direction = descending ? -1 : 1
  const sortKey = (resolved: ResolvedEntity) => field === 'publishedAt' ? resolved.entity.publishedAt.toISOString() : resolved.entity.document[field]
  const ordered = matching.map((resolved) => ({ resolved, key: sortKey(resolved), slug: resolved.entity.document.slug }))
    .sort((a, b) => direction * (compare(a.key, b.key) || compare(a.slug, b.slug)))
  // The cursor carries the sort and filters it was made for: reused with others it would skip or repeat items.
  const context = `${type}|${options.sort}|${options.locale}|${filters.map(([name, value]) => `${name}=${value}`).sort().join('&')}`
  let start = 0
  if (options.after) {
    const position = decodeListCursor(options.after, context)
    start = ordered.findIndex((item) => direction * (compare(item.key, position.key) || compare(item.slug, position.slug)) > 0)
    if (start === -1) start = ordered.length
  }
  const page = ordered.slice(start, start + options.limit)
  const cursors = page.map((item) => encodeListCursor({ context, key: item.key, slug: item.slug }))
  const hasMore = start + options.limit < ordered.length
  return {
    items: page.map((item) => item.resolved),
    cursors,
    nextCursor: hasMore ? cursors.at(-1) ?? null : null,
    hasMore,
    hasPrevious: start > 0
  }
}

function matchesFilter (snapshot: ReleaseSnapshot, document: PublishedDocument, name: string, value: string): boolean {
  if (name === 'condition') return snapshot.related(document.type, document.slug, 'condition').some((link) => link.slug === value)
  return (document as unknown as Record<string, unknown>)[name] === value
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

/**
 * One entity as clients receive it. Without `include` the answer comes from the stored version alone; `include`
 * embeds cards of the linked entities as they are in `snapshot` (a composite read, not part of the version).
 */
export function renderEntity (snapshot: ReleaseSnapshot | null, resolved: ResolvedEntity, options: RenderOptions): Record<string, unknown> {
  const { entity } = resolved
  const { declaredRelated: _declared, ...document } = entity.document
  const full: Record<string, unknown> = {
    ...document,
    version: entity.version,
    contentHash: entity.contentHash,
    publishedAt: entity.publishedAt.toISOString(),
    changeNote: entity.changeNote,
    release: entity.versionRelease,
    url: entityUrl(document.type, document.slug)
  }
  const output: Record<string, unknown> = { type: document.type, slug: document.slug, locale: document.locale }
  for (const [key, value] of Object.entries(full)) {
    if (options.fields === null || options.fields.has(key)) output[key] = value
  }
  for (const name of options.include) {
    const targetType = (Object.entries(TYPE_PLURALS).find(([, plural]) => plural === name) as [EntityType, string])[0]
    output[name] = snapshot === null
      ? []
      : snapshot.related(document.type, document.slug, targetType).map((link) => cardOf(snapshot, link, options.locale)).filter((card) => card !== null)
  }
  return output
}

/** `meta` of a list or search answer: it names the release read. */
export function metaOf (snapshot: ReleaseSnapshot, requestedLocale: Locale, localeFallback: boolean) {
  return { release: snapshot.release.number, ...entityMetaOf(requestedLocale, localeFallback) }
}

/**
 * `meta` of one entity: a function of the requested locale and whether it fell back, nothing else, so the body
 * of a version is the same whichever release it is read in. The release read is the `KCA-Release` header.
 */
export function entityMetaOf (requestedLocale: Locale, localeFallback: boolean) {
  return {
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

/** A stored version as something the renderer takes. */
export async function resolvedFromVersion (record: VersionRecord, releases: ReleaseStore): Promise<ResolvedEntity> {
  if (!isMaterialised(record.document)) {
    // Published before 0.2: resolved within the release that published it, which holds this very version.
    const legacy = (await releases.snapshot(record.releaseNumber)).find(record.type, record.slug, record.locale)
    if (legacy && !legacy.fallback && legacy.entity.version === record.version) return legacy
  }
  return {
    entity: {
      entityId: record.entityId,
      document: record.document as PublishedDocument,
      version: record.version,
      contentHash: record.contentHash,
      publishedAt: record.publishedAt,
      changeNote: record.changeNote,
      versionRelease: record.releaseNumber
    },
    fallback: false
  }
}

/** A draft as a preview shows it: resolved against the current release as if it were published now. */
export function resolvedFromDraft (snapshot: ReleaseSnapshot, draft: { document: EntityDocument, contentHash: string, updatedAt: Date }, locale: Locale): ResolvedEntity {
  const sources = snapshot.sources().filter((source) => !(source.type === draft.document.type && source.slug === draft.document.slug && source.locale === draft.document.locale))
  const document = materialise([...sources, draft.document]).get(`${draft.document.type}/${draft.document.slug}/${draft.document.locale}`) as PublishedDocument
  return {
    entity: { entityId: 0, document, version: 0, contentHash: draft.contentHash, publishedAt: draft.updatedAt, changeNote: 'draft', versionRelease: 0 },
    fallback: draft.document.locale !== locale
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
