// Full-text search and medical-code lookup. Search is SQL over `version_search` (weighted tsvectors built in the
// publish transaction), restricted to the versions of one release, so drafts and withdrawn entities never match.
// Lookup needs no SQL: codes are part of the published documents, which the release snapshot already holds.
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { rowsOf, type Db, type DbOrTx } from '../../db/client.js'
import { SEARCH_LANGUAGES } from '../../db/tables/index.js'
import { ENTITY_TYPES, type EntityType, type Locale } from '../../schema/common.js'
import type { Code, CodeSystem } from '../../schema/entity.js'
import { codeProblem, icd10cmRange, normalizeIcd10cm } from '../content/codes.js'
import type { ReleaseSnapshot } from '../delivery/release-snapshot.js'
import { InvalidCursorError } from '../errors.js'

export const SEARCH_LIMIT_DEFAULT = 10
export const SEARCH_LIMIT_MAX = 50
export const SEARCH_QUERY_MAX_LENGTH = 200

/** Why `q` cannot be searched, or null. PostgreSQL text cannot hold NUL, so it is refused here rather than failing there. */
export function searchQueryProblem (q: string): string | null {
  if (q.length < 1 || q.length > SEARCH_QUERY_MAX_LENGTH) return `must be 1 to ${SEARCH_QUERY_MAX_LENGTH} characters long`
  if (q.includes('\u0000')) return 'must not contain a NUL character'
  return /\S/.test(q) ? null : 'must contain something to search for, not only spaces'
}

/** ts_headline options. The indexed texts are HTML-escaped, so `<mark>` and `</mark>` are the only tags a snippet holds. */
const HEADLINE_OPTIONS = 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=24, MinWords=10, FragmentDelimiter=" … "'

/**
 * ts_rank_cd normalization 1 divides by 1 + log(document length): a long page that mentions a word in passing
 * should not outrank a short one about it. Weights are PostgreSQL's defaults (A 1.0, B 0.4, C 0.2, D 0.1).
 */
const RANK_NORMALIZATION = 1

export interface SearchOptions {
  release: number
  q: string
  locale: Locale
  type?: EntityType | undefined
  limit: number
  offset: number
}

export interface SearchHit {
  type: EntityType
  slug: string
  locale: Locale
  title: string
  summary: string
  rank: number
  /** HTML: escaped text in which matched words are wrapped in `<mark>…</mark>`. */
  snippet: string
}

export interface SearchPage {
  total: number
  hits: SearchHit[]
}

interface SearchRow {
  total: number | string
  type: EntityType | null
  slug: string | null
  locale: Locale | null
  title: string | null
  summary: string | null
  rank: number | string | null
  snippet: string | null
}

export function createSearchRepository (db: Db) {
  return {
    /**
     * Indexes one published version; called in the publish transaction right after the version is inserted.
     * The texts come from SQL functions (migration 0004) that the backfill of older versions uses too, so a
     * version is indexed identically whichever way it got there. Tombstones have no document and are skipped.
     */
    async indexVersion (versionId: number, tx: DbOrTx = db): Promise<void> {
      await tx.execute(sql`
        insert into version_search (version_id, language, title_text, summary_text, body_text)
        select v.id, case e.locale when 'es' then ${SEARCH_LANGUAGES.es} else ${SEARCH_LANGUAGES.en} end,
          kca_search_title(v.document), kca_search_plain(v.document->>'summary'), kca_search_body(v.document)
        from entity_versions v join entities e on e.id = v.entity_id
        where v.id = ${versionId} and v.state = 'published' and v.document is not null
        on conflict (version_id) do nothing`)
    },

    /**
     * One page of the release's entities in `locale` that match `q`, best first (ties by type and slug, so
     * offsets are stable), with the total number of matches. `q` is parsed by websearch_to_tsquery, which
     * accepts any input: quotes, `or` and `-word` work as on web search engines, and nothing is a syntax error.
     */
    async search (options: SearchOptions, tx: DbOrTx = db): Promise<SearchPage> {
      const language = SEARCH_LANGUAGES[options.locale]
      // One statement: the count joins a (possibly empty) page, and headlines are computed for that page only.
      const result = await tx.execute(sql`
        with query as (select websearch_to_tsquery(${language}::regconfig, ${options.q}) as tsquery),
        matched as (
          select e.type, e.slug, e.locale, r.version_id, ts_rank_cd(s.search_vector, query.tsquery, ${RANK_NORMALIZATION}) as rank
          from query, release_entries r
          join version_search s on s.version_id = r.version_id
          join entities e on e.id = r.entity_id
          where r.release_number = ${options.release} and s.language = ${language} and s.search_vector @@ query.tsquery
            ${options.type === undefined ? sql`` : sql`and e.type = ${options.type}`}
        ),
        page as (
          select * from matched order by rank desc, type, slug limit ${options.limit} offset ${options.offset}
        )
        select counted.total, page.type, page.slug, page.locale, page.rank,
          v.document->>'title' as title, v.document->>'summary' as summary,
          ts_headline(${language}::regconfig, s.summary_text || ' … ' || s.body_text, query.tsquery, ${HEADLINE_OPTIONS}) as snippet
        from (select count(*)::int as total from matched) counted
        cross join query
        left join page on true
        left join version_search s on s.version_id = page.version_id
        left join entity_versions v on v.id = page.version_id
        order by page.rank desc, page.type, page.slug`)
      const rows = rowsOf<SearchRow>(result)
      return {
        total: Number(rows[0]?.total ?? 0),
        hits: rows.filter((row) => row.slug !== null).map((row) => ({
          type: row.type as EntityType,
          slug: row.slug as string,
          locale: row.locale as Locale,
          title: row.title as string,
          summary: row.summary as string,
          rank: Number(row.rank),
          snippet: row.snippet as string
        }))
      }
    },

    /** Entities of the snapshot that carry `code` (see lookupCode); answered from memory, no statement. */
    lookup (snapshot: ReleaseSnapshot, system: CodeSystem, code: string, locale: Locale): CodeMatch[] {
      return lookupCode(snapshot, system, code, locale)
    }
  }
}

export type SearchRepository = ReturnType<typeof createSearchRepository>

// ——— Search cursors ———————————————————————————————————————————————————————————————————————————————————

export interface SearchCursorContext { q: string, locale: Locale, type?: EntityType | undefined }
export interface SearchCursor { release: number, offset: number }

function contextDigest (context: SearchCursorContext): string {
  return createHash('sha256').update(JSON.stringify([context.q, context.locale, context.type ?? null])).digest('base64url').slice(0, 16)
}

/** Opaque: the release it was read from (later pages read the same release), the offset, and the query it belongs to. */
export function encodeSearchCursor (context: SearchCursorContext, cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([1, cursor.release, cursor.offset, contextDigest(context)])).toString('base64url')
}

/** Throws InvalidCursorError for a cursor this API did not issue or one issued for another query. */
export function decodeSearchCursor (encoded: string, context: SearchCursorContext): SearchCursor {
  try {
    const value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(value) && value.length === 4 && value[0] === 1 && Number.isSafeInteger(value[1]) && value[1] >= 1 &&
      Number.isSafeInteger(value[2]) && value[2] >= 0 && value[3] === contextDigest(context)) {
      return { release: value[1] as number, offset: value[2] as number }
    }
  } catch {}
  throw new InvalidCursorError()
}

// ——— Code lookup —————————————————————————————————————————————————————————————————————————————————————

/** Our short names, the FHIR system URIs, and the HL7 OIDs (as FHIR writes them) of the four code systems. */
export const CODE_SYSTEM_NAMES: Record<string, CodeSystem> = {
  icd10cm: 'icd10cm',
  'http://hl7.org/fhir/sid/icd-10-cm': 'icd10cm',
  'urn:oid:2.16.840.1.113883.6.90': 'icd10cm',
  snomedct: 'snomedct',
  'http://snomed.info/sct': 'snomedct',
  'urn:oid:2.16.840.1.113883.6.96': 'snomedct',
  mesh: 'mesh',
  // FHIR has no URL for MeSH, so the OID is its system; NLM's linked-data namespace is accepted as well.
  'urn:oid:2.16.840.1.113883.6.177': 'mesh',
  'http://id.nlm.nih.gov/mesh': 'mesh',
  rxnorm: 'rxnorm',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'rxnorm',
  'urn:oid:2.16.840.1.113883.6.88': 'rxnorm'
}

/** The code system a client named, or null. A trailing slash on a URI is ignored. */
export function parseCodeSystem (system: string): CodeSystem | null {
  const trimmed = system.trim()
  return CODE_SYSTEM_NAMES[trimmed] ?? CODE_SYSTEM_NAMES[trimmed.replace(/\/+$/, '')] ?? CODE_SYSTEM_NAMES[trimmed.toLowerCase()] ?? null
}

/** A code as it is written in our content (F43.12, D013313), or the reason it is not one. */
export function normalizeCode (system: CodeSystem, code: string): { code: string } | { problem: string } {
  const compact = code.trim().replace(/\s+/g, '')
  const normalized = system === 'icd10cm'
    ? normalizeIcd10cm(compact)
    : system === 'mesh' ? compact.toUpperCase() : system === 'rxnorm' ? compact.replace(/^0+(?=[0-9])/, '') : compact
  if (system === 'icd10cm' && normalized.includes('-')) return { problem: 'is a range; look up one code' }
  const problem = codeProblem(system, normalized)
  return problem === null ? { code: normalized } : { problem }
}

/** exact: the entity lists the code itself; range: a range that contains it; category: a broader code it falls under. */
export const SPECIFICITIES = ['exact', 'range', 'category'] as const
export type Specificity = typeof SPECIFICITIES[number]

export interface CodeMatch {
  type: EntityType
  slug: string
  locale: Locale
  localeFallback: boolean
  title: string
  /** The code or range as the entity lists it. */
  matchedCode: string
  display: string
  verified: boolean
  specificity: Specificity
}

interface Containment { specificity: Specificity, order: number[] }

/**
 * How an ICD-10-CM code (normalized, with its dot) falls under a listed code or range, or null. A range holds
 * every code between its bounds and their subcodes (F31.30-F31.32 holds F31.31 and F31.311); a listed code
 * holds its subcodes as a category (F43.1 holds F43.12). `order` sorts the narrowest containment first.
 */
function icd10cmContainment (code: string, listed: string): Containment | null {
  const range = icd10cmRange(listed)
  if (!range) return null
  const [low, high] = range
  if (low === high) {
    if (code === low) return { specificity: 'exact', order: [0] }
    return code.startsWith(low) ? { specificity: 'category', order: [2, -low.length] } : null
  }
  if (code.slice(0, low.length) < low || code.slice(0, high.length) > high) return null
  // Deeper bounds are narrower; at the same depth, fewer codes between the bounds is narrower.
  const span = parseInt(high.slice(4) || '0', 36) - parseInt(low.slice(4) || '0', 36)
  return { specificity: 'range', order: [1, -Math.min(low.length, high.length), span] }
}

function containment (system: CodeSystem, code: string, listed: Code): Containment | null {
  if (listed.system !== system) return null
  if (system === 'icd10cm') return icd10cmContainment(code, listed.code)
  return (system === 'mesh' ? listed.code.toUpperCase() : listed.code) === code ? { specificity: 'exact', order: [0] } : null
}

function compareOrder (a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

/**
 * Every entity of the snapshot that carries `code` (normalized by normalizeCode), each with its most specific
 * listed code, most specific first. Codes are shared by all locales of an entity, so they are read from the
 * English document; the title is in `locale` where a translation exists.
 */
export function lookupCode (snapshot: ReleaseSnapshot, system: CodeSystem, code: string, locale: Locale): CodeMatch[] {
  const found: Array<CodeMatch & { order: number[] }> = []
  for (const type of ENTITY_TYPES) {
    for (const { entity } of snapshot.list(type, 'en')) {
      let best: { listed: Code, containment: Containment } | null = null
      for (const listed of entity.document.codes) {
        const match = containment(system, code, listed)
        if (match && (best === null || compareOrder(match.order, best.containment.order) < 0)) best = { listed, containment: match }
      }
      if (best === null) continue
      const resolved = snapshot.find(type, entity.document.slug, locale)
      const document = resolved?.entity.document ?? entity.document
      found.push({
        type,
        slug: document.slug,
        locale: document.locale,
        localeFallback: resolved?.fallback ?? locale !== 'en',
        title: document.title,
        matchedCode: best.listed.code,
        display: best.listed.display,
        verified: best.listed.verified,
        specificity: best.containment.specificity,
        order: best.containment.order
      })
    }
  }
  return found
    .sort((a, b) => compareOrder(a.order, b.order) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
    .map(({ order: _order, ...match }) => match)
}
