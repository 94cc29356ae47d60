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

export const PAGE_LIMIT_DEFAULT = 25
export const PAGE_LIMIT_MAX = 100
