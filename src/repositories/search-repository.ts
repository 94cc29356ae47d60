// Full-text search: SQL over `version_search` (weighted tsvectors built in the publish transaction), restricted
// to the versions of one release, so drafts and withdrawn entities never match. Lookup by code needs no SQL
// (src/delivery/code-lookup.ts): codes are part of the published documents.
import { sql } from 'drizzle-orm'
import { rowsOf, type Db, type DbOrTx } from '../../db/client.js'
import { SEARCH_LANGUAGES } from '../../db/tables/index.js'
import { SEARCH_QUERY_MAX_LENGTH, type EntityType, type Locale } from '../../schema/common.js'

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
    }
  }
}

export type SearchRepository = ReturnType<typeof createSearchRepository>
