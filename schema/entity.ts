import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox'
import { EntityTypeSchema, IsoDateSchema, LocaleSchema, SlugSchema, StringEnum, type EntityType } from './common.js'

export const ASPECTS = ['overview', 'how-it-works', 'effectiveness', 'evidence', 'side-effects', 'contraindications',
  'what-to-expect', 'safety', 'regulation', 'history', 'outlook'] as const
export const AspectSchema = StringEnum(ASPECTS, { description: 'what a section is about' })

export const CODE_SYSTEMS = ['icd10cm', 'snomedct', 'mesh', 'rxnorm'] as const
export const CodeSystemSchema = StringEnum(CODE_SYSTEMS)
export type CodeSystem = Static<typeof CodeSystemSchema>

/** `sha256:` and 64 hex digits. */
export const ContentHashSchema = (description: string) => Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description })

const PlainText = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', ...(description ? { description } : {}) })

export const SourceSchema = Type.Object({
  id: SlugSchema,
  title: PlainText(400),
  authors: PlainText(600),
  year: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })),
  date: Type.Optional(PlainText(120, 'date as the publisher gives it, when more precise than the year')),
  publisher: PlainText(200, 'journal or publishing body'),
  citation: Type.Optional(PlainText(120, 'volume(issue):pages')),
  doi: Type.Optional(Type.String({ pattern: '^10\\.\\d{4,9}/\\S+$' })),
  pmid: Type.Optional(Type.String({ pattern: '^\\d{1,9}$' })),
  url: Type.Optional(Type.String({ format: 'uri', pattern: '^https://' })),
  verified: Type.Boolean({ description: 'false: no identifier could be confirmed for this record' }),
  verification: Type.Optional(PlainText(120))
}, { additionalProperties: false })
export type Source = Static<typeof SourceSchema>

export const CodeSchema = Type.Object({
  system: CodeSystemSchema,
  code: Type.String({ minLength: 1, maxLength: 40 }),
  display: PlainText(200),
  verified: Type.Boolean({ description: 'true only when checked against the official code list' })
}, { additionalProperties: false })
export type Code = Static<typeof CodeSchema>

export const LinkSchema = Type.Object({ type: EntityTypeSchema, slug: SlugSchema }, { additionalProperties: false })
export type Link = Static<typeof LinkSchema>

export const ReviewerSchema = Type.Object({ name: PlainText(120), credentials: PlainText(120) }, { additionalProperties: false })
export const ReviewSchema = Type.Object({
  reviewedBy: Type.Optional(Type.Array(ReviewerSchema, { minItems: 1, maxItems: 10 })),
  lastReviewed: Type.Optional(IsoDateSchema),
  nextReviewDue: Type.Optional(IsoDateSchema)
}, { additionalProperties: false })
export type Review = Static<typeof ReviewSchema>

export const SectionSchema = Type.Object({
  id: SlugSchema,
  heading: PlainText(160),
  aspect: AspectSchema,
  body: Type.String({ minLength: 1, maxLength: 20000, description: 'Markdown' }),
  citations: Type.Array(SlugSchema, { minItems: 1, description: 'ids of the sources this section relies on' })
}, { additionalProperties: false })
export type Section = Static<typeof SectionSchema>

export const CrisisResourceSchema = Type.Object({
  name: PlainText(160),
  country: Type.String({ pattern: '^[A-Z]{2}$' }),
  phone: Type.Optional(PlainText(40)),
  text: Type.Optional(PlainText(80, 'how to reach it by text message')),
  url: Type.Optional(Type.String({ format: 'uri', pattern: '^https://' })),
  hours: Type.Optional(PlainText(80)),
  description: PlainText(400),
  source: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', description: 'id of the citation that confirms this line' }))
}, { additionalProperties: false })
export type CrisisResource = Static<typeof CrisisResourceSchema>

// Type-specific fields, shared by the file schemas and the published document.
export const EVIDENCE_STATUSES = ['approved', 'off-label-with-evidence', 'investigational'] as const
export const REGULATORY_STATUSES = ['approved', 'not-approved', 'off-label', 'investigational', 'controlled'] as const
export const RegulatoryEntrySchema = Type.Object({
  jurisdiction: Type.String({ pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$|^EU$', description: 'ISO 3166 country, or EU' }),
  body: PlainText(80, 'regulator, e.g. FDA, EMA'),
  status: StringEnum(REGULATORY_STATUSES),
  year: Type.Optional(Type.Integer({ minimum: 1950, maximum: 2100 })),
  note: PlainText(600)
}, { additionalProperties: false })
export const ProtocolSchema = Type.Object({
  route: PlainText(300),
  sessionLength: PlainText(300),
  course: PlainText(600)
}, { additionalProperties: false })

export const RISK_CATEGORIES = ['side-effect', 'contraindication', 'misuse', 'long-term-unknown', 'interaction'] as const
export const SEVERITIES = ['low', 'moderate', 'high'] as const
export const FREQUENCIES = ['common', 'uncommon', 'rare', 'unknown'] as const
export const TREATMENTS = ['ketamine-infusion', 'esketamine-nasal-spray', 'oral-or-other-ketamine', 'non-medical-use'] as const
export const MECHANISM_LEVELS = ['lay', 'clinician'] as const
export const TOPIC_CATEGORIES = ['overview', 'treatment', 'history', 'safety', 'future'] as const
export const AUDIENCES = ['patient', 'clinician'] as const

export const ConditionFieldsSchema = Type.Object({
  alsoKnownAs: Type.Array(PlainText(120), { maxItems: 20 }),
  evidenceStatus: StringEnum(EVIDENCE_STATUSES),
  regulatory: Type.Array(RegulatoryEntrySchema, { minItems: 1, maxItems: 20 }),
  typicalProtocol: ProtocolSchema
})
export const RiskFieldsSchema = Type.Object({
  category: StringEnum(RISK_CATEGORIES),
  severity: StringEnum(SEVERITIES),
  frequency: StringEnum(FREQUENCIES),
  mitigation: PlainText(2000),
  treatments: Type.Array(StringEnum(TREATMENTS), { minItems: 1, uniqueItems: true })
})
export const MechanismFieldsSchema = Type.Object({
  level: StringEnum(MECHANISM_LEVELS),
  targets: Type.Array(PlainText(80), { minItems: 1, maxItems: 20 }),
  steps: Type.Array(PlainText(600), { minItems: 2, maxItems: 20 })
})
export const TopicFieldsSchema = Type.Object({
  category: StringEnum(TOPIC_CATEGORIES)
})

/** The fields every type's document shares, as stored in a version and hashed. */
export const CommonDocumentProperties = {
  slug: SlugSchema,
  locale: LocaleSchema,
  title: PlainText(120),
  summary: PlainText(300, 'plain text, at most 300 characters'),
  audience: StringEnum(AUDIENCES),
  readingGrade: Type.Number({ description: 'computed from the text at publish time: Flesch–Kincaid (en) or Fernández-Huerta converted to a grade (es)' }),
  sections: Type.Array(SectionSchema, { minItems: 1 }),
  codes: Type.Array(CodeSchema),
  related: Type.Array(LinkSchema, { description: 'links declared by this entity' }),
  review: ReviewSchema,
  sources: Type.Array(SourceSchema, { minItems: 1 }),
  crisisResources: Type.Array(CrisisResourceSchema),
  translatedFrom: Type.Optional(ContentHashSchema('translations only: the hash of the English text this translation was made from (set by `npm run review -- translated`)'))
}

const documentOf = <K extends EntityType, T extends TProperties>(type: K, fields: TObject<T>) =>
  Type.Object({ type: Type.Literal(type), ...CommonDocumentProperties, ...fields.properties }, { additionalProperties: false })

export const ConditionDocumentSchema = documentOf('condition', ConditionFieldsSchema)
export const RiskDocumentSchema = documentOf('risk', RiskFieldsSchema)
export const MechanismDocumentSchema = documentOf('mechanism', MechanismFieldsSchema)
export const TopicDocumentSchema = documentOf('topic', TopicFieldsSchema)

export type ConditionDocument = Static<typeof ConditionDocumentSchema>
export type RiskDocument = Static<typeof RiskDocumentSchema>
export type MechanismDocument = Static<typeof MechanismDocumentSchema>
export type TopicDocument = Static<typeof TopicDocumentSchema>
/** One published (or draft) entity in one locale: exactly what is hashed and stored. */
export type EntityDocument = ConditionDocument | RiskDocument | MechanismDocument | TopicDocument

export const DocumentSchemas = {
  condition: ConditionDocumentSchema,
  risk: RiskDocumentSchema,
  mechanism: MechanismDocumentSchema,
  topic: TopicDocumentSchema
} as const

export const TypeFieldSchemas = {
  condition: ConditionFieldsSchema,
  risk: RiskFieldsSchema,
  mechanism: MechanismFieldsSchema,
  topic: TopicFieldsSchema
} as const
