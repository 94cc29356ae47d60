// The delivery layer: one function per read use case, over the release snapshot and the repositories. REST routes
// (src/routes/v1) and GraphQL resolvers (src/graphql) are adapters around it: they translate their protocol's
// arguments in, and this module's answers out, and hold no rule of their own. Limits, cursors, locale fallback
// and errors are decided here once, so the two doors cannot drift apart (the vocabulary mapping is in the README).
import { PAGE_SIZES, type EntityType, type Locale, type PagedRead, type Sort } from '../../schema/common.js'
import type { ContentRepository } from '../repositories/content-repository.js'
import type { SearchHit, SearchRepository } from '../repositories/search-repository.js'
import { searchQueryProblem } from '../repositories/search-repository.js'
import type { AuditRecord, ReleaseRecord, VersionRecord } from '../repositories/records.js'
import type { CodeSystem } from '../../schema/entity.js'
import { BadRequestError, GoneError, NotFoundError, ReleaseNotFoundError } from '../errors.js'
import type { ReleaseSnapshot, ResolvedEntity } from './release-snapshot.js'
import type { ReleaseStore } from './release-store.js'
import { ATTRIBUTION, DISCLAIMERS, LICENSE, pageOfEntities, resolvedFromDraft, resolvedFromVersion } from './representation.js'
import { missingEntityError } from './missing-entity.js'
import { diffDocuments, type FieldChange } from './diff.js'
import { historyIn } from './history.js'
import { CODE_SYSTEM_NAMES, lookupCode, normalizeCode, parseCodeSystem, type CodeMatch } from './code-lookup.js'
import {
  decodeChangeCursor, decodeReleaseCursor, decodeSearchCursor, encodeChangeCursor, encodeReleaseCursor, encodeSearchCursor
} from './cursors.js'

/** One page of any paged read, whichever door asked. */
export interface Page<T> {
  items: T[]
  /** Each item's own cursor: a read resumed with it starts right after that item (Relay edge cursors). */
  cursors: string[]
  /** Where the next page starts; null when none follows (the changes feed always gives one: the sync point). */
  nextCursor: string | null
  hasMore: boolean
  /** The page started after a cursor with items before it. */
  hasPrevious: boolean
}

/** A read of one release: which snapshot answered, and whether the client pinned it (an immutable answer). */
export interface ReleaseRead { snapshot: ReleaseSnapshot, pinned: boolean }

export interface EntityRead extends ReleaseRead { resolved: ResolvedEntity }

export interface VersionRead {
  record: VersionRecord
  resolved: ResolvedEntity
  /** The locale of the history read: the requested one, or English when the entity has no history in it. */
  locale: Locale
  requestedLocale: Locale
  localeFallback: boolean
}

export interface ChangesPage extends Page<AuditRecord> {
  /** With `withEntity`: the version each event announces (keyed `entityId#version`), read in one statement. */
  versions: Map<string, VersionRecord> | null
}

export interface SearchPage extends Page<SearchHit>, ReleaseRead { total: number }

export interface LookupAnswer extends ReleaseRead { system: CodeSystem, code: string, matches: CodeMatch[] }

export interface Attribution { text: string, license: string, licenseUrl: string, disclaimer: string }

export interface DeliverySources {
  releases: ReleaseStore
  content: ContentRepository
  search: SearchRepository
}

/** The page size a client asked for, checked against the one table both doors share. */
function pageSize (read: PagedRead, requested: number | null | undefined, max: number = PAGE_SIZES[read].max): number {
  const size = requested ?? PAGE_SIZES[read].default
  if (!Number.isInteger(size) || size < 1 || size > max) throw new BadRequestError(`page size (limit / first): must be an integer from 1 to ${max}`)
  return size
}

function releaseNumber (release: number | null | undefined): number | undefined {
  if (release === null || release === undefined) return undefined
  if (!Number.isInteger(release) || release < 1) throw new BadRequestError('release: must be a positive integer')
  return release
}

export function attributionOf (locale: Locale): Attribution {
  return { text: ATTRIBUTION, license: LICENSE.name, licenseUrl: LICENSE.url, disclaimer: DISCLAIMERS[locale] }
}

export function createDelivery ({ releases, content, search }: DeliverySources) {
  const snapshotOf = async (release: number | null | undefined): Promise<ReleaseRead> => {
    const pinned = releaseNumber(release)
    return { snapshot: await releases.snapshot(pinned), pinned: pinned !== undefined }
  }

  /** Version `n` in the locale a read would serve (the requested one if it has a history, else English). */
  const publishedVersion = async (type: EntityType, slug: string, requestedLocale: Locale, version: number): Promise<VersionRecord> => {
    const { locale, versions } = await historyIn(content, type, slug, requestedLocale)
    const record = versions.find((candidate) => candidate.version === version)
    if (!record) throw new NotFoundError(`${type} "${slug}" has no version ${version} in locale ${locale}`)
    if (record.state === 'withdrawn') throw new GoneError(`version ${version} of ${type} "${slug}" is its withdrawal in release ${record.releaseNumber}; earlier versions stay readable`)
    return record
  }

  /** The versions a page of events announces, in one statement; keyed `entityId#version`. */
  const versionsOfEvents = async (events: AuditRecord[]): Promise<Map<string, VersionRecord>> =>
    await content.findVersionsOf(events.filter((event) => event.action !== 'withdrawn').map((event) => ({ entityId: event.entityId, version: event.version })))

  return {
    /** The snapshot of a release (the current one without a number), for relations resolved where a version was published. */
    readRelease: snapshotOf,

    /** One entity in a locale (falling back to English), as of the current or a pinned release; null when absent. */
    async findEntity (query: { type: EntityType, slug: string, locale: Locale, release?: number | null | undefined }): Promise<EntityRead | null> {
      const read = await snapshotOf(query.release)
      const resolved = read.snapshot.find(query.type, query.slug, query.locale)
      return resolved ? { ...read, resolved } : null
    },

    /** As findEntity, but an absent entity is an error: 410 with its tombstone when withdrawn, else 404. */
    async getEntity (query: { type: EntityType, slug: string, locale: Locale, release?: number | null | undefined }): Promise<EntityRead> {
      const read = await snapshotOf(query.release)
      const resolved = read.snapshot.find(query.type, query.slug, query.locale)
      if (!resolved) throw await missingEntityError(content, read.snapshot, query.type, query.slug, query.locale, read.pinned)
      return { ...read, resolved }
    },

    /** The unpublished draft of an entity (or of its English original), rendered as if published now; null when none. */
    async previewEntity (query: { type: EntityType, slug: string, locale: Locale }): Promise<EntityRead | null> {
      const draft = await content.findDraft(query) ?? (query.locale === 'en' ? null : await content.findDraft({ ...query, locale: 'en' }))
      if (!draft) return null
      const read = await snapshotOf(undefined)
      return { ...read, resolved: resolvedFromDraft(read.snapshot, draft, query.locale) }
    },

    async listEntities (query: {
      type: EntityType
      locale: Locale
      release?: number | null | undefined
      limit?: number | null | undefined
      after?: string | null | undefined
      sort?: Sort | null | undefined
      filters?: Record<string, string | null | undefined>
    }): Promise<Page<ResolvedEntity> & ReleaseRead> {
      const read = await snapshotOf(query.release)
      const filters = Object.fromEntries(Object.entries(query.filters ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
      const page = pageOfEntities(read.snapshot, query.type, {
        locale: query.locale,
        limit: pageSize('entities', query.limit),
        after: query.after ?? undefined,
        sort: query.sort ?? 'slug',
        filters
      })
      return { ...read, ...page }
    },

    /** Every version ever published in the history a read would serve, oldest first; 404 when there is none. */
    async listVersions (query: { type: EntityType, slug: string, locale: Locale }) {
      const { locale, versions } = await historyIn(content, query.type, query.slug, query.locale)
      if (versions.length === 0) throw new NotFoundError(`no ${query.type} with slug "${query.slug}"`)
      return { locale, requestedLocale: query.locale, localeFallback: locale !== query.locale, versions }
    },

    /** Version `n` exactly as it was published: 404 when there is none, 410 for the withdrawal itself. */
    async getVersion (query: { type: EntityType, slug: string, locale: Locale, version: number }): Promise<VersionRead> {
      const record = await publishedVersion(query.type, query.slug, query.locale, query.version)
      const resolved = { ...await resolvedFromVersion(record, releases), fallback: record.locale !== query.locale }
      return { record, resolved, locale: record.locale, requestedLocale: query.locale, localeFallback: record.locale !== query.locale }
    },

    /** What changed from version `from` (default: the one before) to version `to`, field by field. */
    async diffVersions (query: { type: EntityType, slug: string, locale: Locale, from?: number | null | undefined, to: number }) {
      const from = query.from ?? query.to - 1
      if (from < 1) throw new BadRequestError('from: version 1 has no earlier version; give from explicitly')
      const [older, newer] = await Promise.all([publishedVersion(query.type, query.slug, query.locale, from), publishedVersion(query.type, query.slug, query.locale, query.to)])
      const changes: FieldChange[] = diffDocuments(older.document as unknown as Record<string, unknown>, newer.document as unknown as Record<string, unknown>)
      return {
        locale: newer.locale,
        requestedLocale: query.locale,
        localeFallback: newer.locale !== query.locale,
        from,
        to: query.to,
        changeNote: newer.changeNote,
        publishedAt: newer.publishedAt,
        changes
      }
    },

    /** Releases, newest first. */
    async listReleases (query: { limit?: number | null | undefined, after?: string | null | undefined }): Promise<Page<ReleaseRecord> & { current: number | null }> {
      const limit = pageSize('releases', query.limit)
      const before = decodeReleaseCursor(query.after)
      const rows = await content.listReleases({ before, limit: limit + 1 })
      const items = rows.slice(0, limit)
      const cursors = items.map((release) => encodeReleaseCursor(release.number))
      const hasMore = rows.length > limit
      return { items, cursors, nextCursor: hasMore ? cursors.at(-1) ?? null : null, hasMore, hasPrevious: before !== undefined && before <= (releases.currentRelease ?? 0), current: releases.currentRelease }
    },

    /** One release and the events it published; 404 when it does not exist. */
    async getRelease (number: number): Promise<{ release: ReleaseRecord, changes: AuditRecord[] }> {
      const release = await content.findRelease(number)
      if (!release) throw new ReleaseNotFoundError(number)
      return { release, changes: await content.auditOfRelease(number) }
    },

    /** The release or null, for lookups that answer null rather than an error (GraphQL release(number:), node(id:)). */
    async findRelease (number: number): Promise<ReleaseRecord | null> {
      return await content.findRelease(number)
    },

    /** The events that published release `number`, in feed order. */
    async changesOfRelease (number: number): Promise<AuditRecord[]> {
      return await content.auditOfRelease(number)
    },

    /**
     * The changes feed after a cursor (or from the beginning). `nextCursor` is always the point to resume from,
     * even on an empty page, so a client stores it and polls. With `withEntity`, each event's version is read too.
     */
    async readChanges (query: { after?: string | null | undefined, limit?: number | null | undefined, locale?: Locale | null | undefined, withEntity?: boolean }): Promise<ChangesPage> {
      const withEntity = query.withEntity === true
      const limit = pageSize('changes', query.limit, withEntity ? PAGE_SIZES.changes.maxWithEntity : PAGE_SIZES.changes.max)
      const after = decodeChangeCursor(query.after)
      const rows = await content.listAudit({ after, limit: limit + 1, locale: query.locale ?? undefined })
      const items = rows.slice(0, limit)
      const cursors = items.map((row) => encodeChangeCursor(row.id))
      const versions = withEntity ? await versionsOfEvents(items) : null
      return { items, cursors, nextCursor: cursors.at(-1) ?? (after === 0 ? '0' : encodeChangeCursor(after)), hasMore: rows.length > limit, hasPrevious: after > 0, versions }
    },

    versionsOfEvents,

    /** Whole version histories of many entities (one statement), for GraphQL's batched `versions`. */
    async historiesOf (entityIds: number[]): Promise<Map<number, VersionRecord[]>> {
      return await content.listVersionsOfEntities([...new Set(entityIds)])
    },

    /** Version `n` of an entity in exactly this locale, withdrawal included; null when there is none (node(id:)). */
    async findVersion (key: { type: EntityType, slug: string, locale: Locale }, version: number): Promise<VersionRecord | null> {
      return await content.findVersion(key, version)
    },

    /** The version a feed event announces, rendered from itself; null for a withdrawal. */
    async entityOfEvent (event: AuditRecord, versions: Map<string, VersionRecord>): Promise<ResolvedEntity | null> {
      const record = versions.get(`${event.entityId}#${event.version}`)
      if (!record || record.state !== 'published') return null
      return await resolvedFromVersion(record, releases)
    },

    /** Full-text search of one release; later pages (after a cursor) stay on the release the first page read. */
    async search (query: { q: string, type?: EntityType | null | undefined, locale: Locale, release?: number | null | undefined, limit?: number | null | undefined, after?: string | null | undefined }): Promise<SearchPage> {
      const limit = pageSize('search', query.limit)
      const problem = searchQueryProblem(query.q)
      if (problem !== null) throw invalidArgument('q', problem)
      const release = releaseNumber(query.release)
      const cursorContext = { q: query.q, locale: query.locale, type: query.type ?? undefined }
      const position = query.after ? decodeSearchCursor(query.after, cursorContext) : null
      if (position && release !== undefined && position.release !== release) throw invalidArgument('after', `the cursor belongs to release ${position.release}, not ${release}`)
      const read = await snapshotOf(position?.release ?? release)
      const offset = position?.offset ?? 0
      const found = await search.search({ release: read.snapshot.release.number, q: query.q, locale: query.locale, type: query.type ?? undefined, limit, offset })
      const cursors = found.hits.map((_hit, index) => encodeSearchCursor(cursorContext, { release: read.snapshot.release.number, offset: offset + index + 1 }))
      const hasMore = offset + found.hits.length < found.total
      // A cursor names its release, so a page read with one can never change either: it is pinned.
      return { ...read, pinned: read.pinned || position !== null, items: found.hits, total: found.total, cursors, nextCursor: hasMore ? cursors.at(-1) ?? null : null, hasMore, hasPrevious: offset > 0 }
    },

    /** The entities that carry a medical code, most specific first; 404 when none in the release does. */
    async lookupCode (query: { system: string, code: string, locale: Locale, release?: number | null | undefined }): Promise<LookupAnswer> {
      const system = parseCodeSystem(query.system)
      if (system === null) throw invalidArgument('system', `"${query.system}" is not a code system this API knows; use ${Object.keys(CODE_SYSTEM_NAMES).join(', ')}`)
      const normalized = normalizeCode(system, query.code)
      if ('problem' in normalized) throw invalidArgument('code', `"${query.code}" ${normalized.problem}`)
      const read = await snapshotOf(query.release)
      const matches = lookupCode(read.snapshot, system, normalized.code, query.locale)
      if (matches.length === 0) throw new NotFoundError(`no content carries ${system} code ${normalized.code}${read.pinned ? ` in release ${read.snapshot.release.number}` : ''}`)
      return { ...read, system, code: normalized.code, matches }
    },

    attribution: attributionOf
  }
}

export type Delivery = ReturnType<typeof createDelivery>
export type { AuditRecord, ReleaseRecord, VersionRecord }

/**
 * A 400 naming the argument, in the shape schema validation gives on REST (`KCA_ERR_VALIDATION`,
 * `errors[].parameter`) for checks a JSON schema cannot express; GraphQL shows the same message.
 */
function invalidArgument (parameter: string, message: string): Error {
  return Object.assign(new BadRequestError(`${parameter}: ${message}`), {
    validation: [{ instancePath: `/${parameter}`, keyword: 'format', message }],
    validationContext: 'querystring'
  })
}
