// Shapes of what the REST API answers. Each route declares these for every status, so Fastify serializes
// exactly what is declared (nothing else leaks) and the OpenAPI document is complete.
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { DateTimeSchema, EntityTypeSchema, IsoDateSchema, LocaleSchema, SlugSchema, StringEnum, CursorSchema, PageSizeSchema, SORTS, type EntityType } from './common.js'
import { CommonDocumentProperties, ReviewerSchema, TypeFieldSchemas } from './entity.js'
import { ERROR_CATALOGUE, ERROR_CATALOGUE_PATH, type ErrorCode } from '../src/errors.js'

export const REVIEW_STATUSES = ['unreviewed', 'reviewed'] as const
export const TRANSLATION_STATUSES = ['current', 'outdated', 'unknown'] as const

export const ProblemSchema = Type.Object({
  type: Type.String({ description: `URI reference naming the problem: its entry in the error catalogue, ${ERROR_CATALOGUE_PATH}#<code>` }),
  title: Type.String(),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  detail: Type.String(),
  code: StringEnum(Object.keys(ERROR_CATALOGUE) as ErrorCode[], { description: 'stable, machine-readable; the error catalogue explains each' }),
  requestId: Type.String({ description: 'names the log line of this request; quote it when reporting a problem' }),
  instance: Type.Optional(Type.String({ description: 'the path asked for' })),
  errors: Type.Optional(Type.Array(Type.Object({ parameter: Type.String(), message: Type.String() }), { description: 'one entry per invalid parameter' })),
  tombstone: Type.Optional(Type.Object({
    type: EntityTypeSchema,
    slug: SlugSchema,
    locale: LocaleSchema,
    withdrawnAt: DateTimeSchema,
    release: Type.Integer({ description: 'the release that withdrew it' }),
    version: Type.Integer({ description: 'the withdrawal\'s version number; earlier versions stay readable' }),
    changeNote: Type.String(),
    versions: Type.String({ description: 'URL of its version history' })
  }, { description: 'on 410 Gone: when and why the entity was withdrawn' }))
}, { $id: 'Problem', description: 'RFC 9457 problem details' })
export type Problem = Static<typeof ProblemSchema>

export const LinkOutSchema = Type.Object({
  type: EntityTypeSchema,
  slug: SlugSchema,
  locale: LocaleSchema,
  title: Type.String({ description: 'the linked entity\'s title in this entity\'s locale, or in English (locale says which) when it has no translation' }),
  url: Type.String({ description: 'path of the linked entity in this API' })
})

export const ReviewOutSchema = Type.Object({
  reviewStatus: StringEnum(REVIEW_STATUSES, { description: 'unreviewed until a named clinician has reviewed the text, then reviewed. Whether a review is overdue is not stated (it would change with the clock, not the content): compare nextReviewDue with your own date' }),
  reviewedBy: Type.Optional(Type.Array(ReviewerSchema)),
  lastReviewed: Type.Optional(IsoDateSchema),
  nextReviewDue: Type.Optional(Type.String({ ...IsoDateSchema, description: 'as the file gives it, else a year after lastReviewed' }))
})

const metaProperties = {
  requestedLocale: LocaleSchema,
  localeFallback: Type.Boolean({ description: 'true when some content was not available in the requested locale and is in English' }),
  attribution: Type.String({ description: 'text a partner must show next to the content' }),
  license: Type.String(),
  licenseUrl: Type.String(),
  disclaimer: Type.String({ description: 'medical disclaimer, in the requested locale' })
}

/** GET /v1/attribution and GraphQL `attribution`: what every answer's `meta` repeats. */
export const AttributionSchema = Type.Object({
  text: Type.String({ description: 'text a partner must show next to the content (meta.attribution)' }),
  license: Type.String(),
  licenseUrl: Type.String(),
  disclaimer: Type.String({ description: 'medical disclaimer, in the requested locale' })
})

/** `meta` of a list or search answer. */
export const MetaSchema = Type.Object({
  release: Type.Integer({ description: 'the release this answer was read from' }),
  ...metaProperties
})

/**
 * `meta` of one entity: depends only on the requested locale and the fallback, so a version's body is the same
 * in every release that holds it. The release read is sent as the `KCA-Release` header.
 */
export const EntityMetaSchema = Type.Object(metaProperties)

/** A linked entity as it appears under `include=`: enough to render a list item. */
export const EntityCardSchema = Type.Object({
  type: EntityTypeSchema,
  slug: SlugSchema,
  locale: LocaleSchema,
  title: Type.String(),
  summary: Type.String(),
  url: Type.String(),
  evidenceStatus: Type.Optional(TypeFieldSchemas.condition.properties.evidenceStatus),
  category: Type.Optional(Type.String()),
  severity: Type.Optional(TypeFieldSchemas.risk.properties.severity),
  frequency: Type.Optional(TypeFieldSchemas.risk.properties.frequency),
  level: Type.Optional(TypeFieldSchemas.mechanism.properties.level)
})

const { slug: _slug, locale: _locale, related: _related, review: _review, ...commonOut } = CommonDocumentProperties

const optional = (properties: Record<string, TSchema>) =>
  Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, Type.Optional(schema)]))

export const INCLUDABLE = ['topics', 'conditions', 'risks', 'mechanisms'] as const

/** Fields a client may pick with `fields=`; identity (type, slug, locale) is always sent. */
export function selectableFields (type: EntityType): string[] {
  return [...Object.keys(commonOut), ...Object.keys(TypeFieldSchemas[type].properties), 'related', 'review',
    'version', 'contentHash', 'publishedAt', 'changeNote', 'release', 'url', 'availableLocales', 'translationStatus', 'englishTextHash']
}

export function entitySchema (type: EntityType) {
  return Type.Object({
    type: Type.Literal(type),
    slug: SlugSchema,
    locale: LocaleSchema,
    ...optional(commonOut),
    ...optional(TypeFieldSchemas[type].properties),
    related: Type.Optional(Type.Array(LinkOutSchema)),
    review: Type.Optional(ReviewOutSchema),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    contentHash: Type.Optional(Type.String({ description: 'sha256 of the canonical JSON of the published document' })),
    publishedAt: Type.Optional(DateTimeSchema),
    changeNote: Type.Optional(Type.String()),
    release: Type.Optional(Type.Integer({ description: 'the release that introduced this version' })),
    url: Type.Optional(Type.String()),
    availableLocales: Type.Optional(Type.Array(LocaleSchema)),
    translationStatus: Type.Optional(StringEnum(TRANSLATION_STATUSES, { description: 'translations only: current when translatedFrom is the hash of the English text published with it, outdated when the English text changed since, unknown when the translation does not say' })),
    englishTextHash: Type.Optional(Type.String({ description: 'translations only: sha256 of the English text this translation should follow (title, summary, sections, translatable fields); compare with translatedFrom' })),
    status: Type.Optional(StringEnum(['published', 'draft'] as const, { description: 'only on preview reads: draft means not published' })),
    ...Object.fromEntries(INCLUDABLE.map((name) => [name, Type.Optional(Type.Array(EntityCardSchema))]))
  }, { description: `a ${type} in one locale` })
}

const entityResponseSchemas = new Map<EntityType, ReturnType<typeof buildEntityResponseSchema>>()

function buildEntityResponseSchema (type: EntityType) {
  const entity = entitySchema(type)
  return Type.Object({ ...entity.properties, meta: EntityMetaSchema }, { description: `a ${type} in one locale, with the attribution to show` })
}

/** One object per type, so every route that serializes an entity compiles (and caches) the same serializer. */
export function entityResponseSchema (type: EntityType) {
  let schema = entityResponseSchemas.get(type)
  if (!schema) entityResponseSchemas.set(type, schema = buildEntityResponseSchema(type))
  return schema
}

/**
 * The paging fields of every REST page: lists, search, releases and (with a non-null cursor) the changes feed.
 * GraphQL connections say the same with pageInfo.endCursor and pageInfo.hasNextPage; the cursors are the same tokens.
 */
export const PageProperties = {
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `after` for the next page; null on the last page' }),
  hasMore: Type.Boolean({ description: 'whether another page follows (GraphQL pageInfo.hasNextPage)' })
}

export function listResponseSchema (type: EntityType) {
  return Type.Object({
    items: Type.Array(entitySchema(type)),
    ...PageProperties,
    meta: MetaSchema
  })
}

export const VersionSummarySchema = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  state: StringEnum(['published', 'withdrawn'] as const),
  publishedAt: DateTimeSchema,
  changeNote: Type.String(),
  contentHash: Type.String(),
  release: Type.Integer()
})

/** Version history and diffs resolve the locale like reads: `locale`, else Accept-Language, else English. */
const versionLocaleProperties = {
  locale: Type.Unsafe<'en' | 'es'>({ ...LocaleSchema, description: 'the locale whose versions these are (version numbers count per locale)' }),
  requestedLocale: LocaleSchema,
  localeFallback: Type.Boolean({ description: 'true when the entity has no history in the requested locale and the English one is given' })
}

export const VersionListSchema = Type.Object({
  type: EntityTypeSchema,
  slug: SlugSchema,
  ...versionLocaleProperties,
  items: Type.Array(VersionSummarySchema)
})

const csv = (description: string, example: string) => Type.String({ maxLength: 500, pattern: '^[A-Za-z,]*$', description, examples: [example] })

export const CommonReadQuerySchema = {
  locale: Type.Optional(LocaleSchema),
  release: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'read as of this release', examples: [1] })),
  fields: Type.Optional(csv('comma-separated fields to return; type, slug and locale are always included', 'title,summary,review')),
  include: Type.Optional(csv(`comma-separated related entities to embed: ${INCLUDABLE.join(', ')}`, 'risks,mechanisms'))
}

export const ListQueryBaseSchema = {
  ...CommonReadQuerySchema,
  limit: PageSizeSchema('entities'),
  after: Type.Optional(CursorSchema),
  sort: Type.Optional(StringEnum(SORTS, { default: 'slug', description: 'slug, title or publishedAt; _desc reverses (the same values as GraphQL Sort)' })),
  audience: Type.Optional(CommonDocumentProperties.audience)
}

/** Filters per type, from a fixed allow-list: nothing else can be filtered on. */
export const ListFilterSchemas = {
  condition: { evidenceStatus: Type.Optional(TypeFieldSchemas.condition.properties.evidenceStatus) },
  risk: {
    category: Type.Optional(TypeFieldSchemas.risk.properties.category),
    severity: Type.Optional(TypeFieldSchemas.risk.properties.severity),
    frequency: Type.Optional(TypeFieldSchemas.risk.properties.frequency),
    condition: Type.Optional(SlugSchema)
  },
  mechanism: {
    level: Type.Optional(TypeFieldSchemas.mechanism.properties.level),
    condition: Type.Optional(SlugSchema)
  },
  topic: { category: Type.Optional(TypeFieldSchemas.topic.properties.category) }
} as const

export const FieldChangeSchema = Type.Object({
  path: Type.String({ description: 'field, or list.id.field for sections and sources' }),
  change: StringEnum(['added', 'removed', 'changed'] as const),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown())
})

export const VersionDiffSchema = Type.Object({
  type: EntityTypeSchema,
  slug: SlugSchema,
  ...versionLocaleProperties,
  from: Type.Integer(),
  to: Type.Integer(),
  changeNote: Type.String({ description: 'the change note of the newer version' }),
  changes: Type.Array(FieldChangeSchema)
})

export const ReleaseSchema = Type.Object({
  number: Type.Integer({ minimum: 1 }),
  changeNote: Type.String(),
  sourceCommit: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTimeSchema,
  entityCount: Type.Integer(),
  stats: Type.Object({ created: Type.Integer(), updated: Type.Integer(), withdrawn: Type.Integer() }),
  url: Type.String()
})

export const ChangeEventSchema = Type.Object({
  cursor: Type.String({ description: 'pass as after= to get the events after this one' }),
  action: StringEnum(['created', 'updated', 'withdrawn'] as const),
  type: EntityTypeSchema,
  slug: SlugSchema,
  locale: LocaleSchema,
  version: Type.Integer(),
  release: Type.Integer(),
  contentHash: Type.String({ description: 'hash of the new version (of the tombstone for a withdrawal)' }),
  at: DateTimeSchema,
  url: Type.String({ description: 'where the new version can be read' }),
  entity: Type.Optional(Type.Union([
    Type.Object({}, { additionalProperties: true, description: 'the new version exactly as GET /v1/{type}/{slug}?locale=<locale> serves it while it is current (same JSON)' }),
    Type.Null()
  ], { description: 'with include=entity: the representation of this version; null for a withdrawal' })),
  etag: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'with include=entity: the ETag that GET sends for that representation (for If-None-Match); null for a withdrawal' }))
})

export const ReleaseDetailSchema = Type.Object({ ...ReleaseSchema.properties, changes: Type.Array(ChangeEventSchema) })

export const SlugParamsSchema = Type.Object({ slug: SlugSchema }, { additionalProperties: false })
