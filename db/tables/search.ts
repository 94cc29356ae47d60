// The full-text search index: one row per published version, built in the publish transaction. It is derived
// data (everything in it comes from entity_versions), so unlike history it may be rebuilt; it is not append-only.
import { sql } from 'drizzle-orm'
import { check, customType, index, integer, pgTable, text } from 'drizzle-orm/pg-core'
import { entityVersions } from './content.js'

/** The text search configurations in use; PGlite and PostgreSQL both ship them. */
export const SEARCH_LANGUAGES = { en: 'english', es: 'spanish' } as const
export type SearchLanguage = typeof SEARCH_LANGUAGES[keyof typeof SEARCH_LANGUAGES]

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

// A generated column must be immutable: each configuration is a constant (a cast of a literal), never
// `language::regconfig`. The language is text, not regconfig, because pg_upgrade refuses reg* columns.
const weighted = (language: SearchLanguage) => `setweight(to_tsvector('${language}'::regconfig, "title_text"), 'A') || ` +
  `setweight(to_tsvector('${language}'::regconfig, "summary_text"), 'B') || ` +
  `setweight(to_tsvector('${language}'::regconfig, "body_text"), 'C')`

export const versionSearch = pgTable('version_search', {
  versionId: integer().primaryKey().references(() => entityVersions.id),
  language: text().notNull().$type<SearchLanguage>(),
  /** The texts below are plain (Markdown and HTML removed) and HTML-escaped, so a ts_headline of them is safe HTML. */
  titleText: text().notNull(),
  summaryText: text().notNull(),
  bodyText: text().notNull(),
  searchVector: tsvector().notNull().generatedAlwaysAs(sql.raw(`CASE "language" WHEN 'spanish' THEN ${weighted('spanish')} ELSE ${weighted('english')} END`))
}, (table) => [
  index('version_search_vector').using('gin', table.searchVector),
  check('version_search_language', sql`${table.language} in ('english', 'spanish')`)
])
