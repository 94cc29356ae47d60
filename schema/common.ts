import { Type, type Static } from '@sinclair/typebox'

export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$'

export const SlugSchema = Type.String({ pattern: SLUG_PATTERN, minLength: 1, maxLength: 80, description: 'kebab-case identifier, unique per type', examples: ['ptsd'] })
export type Slug = Static<typeof SlugSchema>

export const LOCALES = ['en', 'es'] as const
/** A string enum as plain JSON Schema `enum`: clear validation messages and clean OpenAPI. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { description?: string, default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })

export const LocaleSchema = Type.Unsafe<Locale>({ type: 'string', enum: [...LOCALES], description: 'content language; a missing translation falls back to en', examples: ['es'] })
export type Locale = typeof LOCALES[number]
export const DEFAULT_LOCALE: Locale = 'en'

export const ENTITY_TYPES = ['topic', 'condition', 'risk', 'mechanism'] as const
export const EntityTypeSchema = StringEnum(ENTITY_TYPES)
export type EntityType = Static<typeof EntityTypeSchema>

/** URL segment of each type: `/v1/conditions`, GraphQL `conditions`. */
export const TYPE_PLURALS = { topic: 'topics', condition: 'conditions', risk: 'risks', mechanism: 'mechanisms' } as const satisfies Record<EntityType, string>
export type EntityPlural = typeof TYPE_PLURALS[EntityType]

export const IsoDateSchema = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' })
export const DateTimeSchema = Type.String({ format: 'date-time' })

/**
 * Page sizes of every paged read, for both doors: REST `limit=` and GraphQL `first:` take the same default and
 * maximum (schemas, the GraphQL cost rule and the delivery layer all read this table).
 */
export const PAGE_SIZES = {
  entities: { default: 25, max: 100 },
  search: { default: 10, max: 50 },
  changes: { default: 100, max: 500, maxWithEntity: 100 },
  releases: { default: 25, max: 100 }
} as const
export type PagedRead = keyof typeof PAGE_SIZES

/** REST `limit=` of a paged read, from the table above. */
export function PageSizeSchema (read: PagedRead, description?: string) {
  const { default: defaultSize, max } = PAGE_SIZES[read]
  return Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: defaultSize, ...(description === undefined ? {} : { description }) }))
}

/** The longest search text either door takes. */
export const SEARCH_QUERY_MAX_LENGTH = 200

/** Orders of an entity list, spelled the same on both doors (REST `sort=title_desc`, GraphQL `sort: title_desc`). */
export const SORTS = ['slug', 'slug_desc', 'title', 'title_desc', 'publishedAt', 'publishedAt_desc'] as const
export type Sort = typeof SORTS[number]

/** An opaque cursor as both doors take it (`after=` / `after:`): a token this API issued. */
export const CursorSchema = Type.String({ minLength: 1, maxLength: 400, pattern: '^[A-Za-z0-9_-]+$', description: 'a cursor from an earlier page (nextCursor); opaque' })
