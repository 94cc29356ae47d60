// Schemas of the editors' files in seeds/: front matter per type and locale, sources and crisis resources.
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox'
import { LOCALES, SlugSchema, StringEnum } from './common.js'
import {
  AUDIENCES, CodeSchema, CommonDocumentProperties, ConditionFieldsSchema, CrisisResourceSchema, LinkSchema, MechanismFieldsSchema,
  ReviewSchema, RiskFieldsSchema, SourceSchema, TopicFieldsSchema
} from './entity.js'

export const CONTENT_STATUSES = ['published', 'draft'] as const

const commonFrontMatter = {
  title: Type.String({ minLength: 1, maxLength: 120 }),
  summary: Type.String({ minLength: 1, maxLength: 300 }),
  audience: StringEnum(AUDIENCES),
  status: Type.Optional(StringEnum(CONTENT_STATUSES)),
  sources: Type.Array(SlugSchema, { minItems: 1, uniqueItems: true }),
  related: Type.Optional(Type.Array(LinkSchema)),
  codes: Type.Optional(Type.Array(CodeSchema)),
  mentalHealth: Type.Optional(Type.Boolean()),
  review: Type.Optional(ReviewSchema)
}

const frontMatterOf = <T extends TProperties>(fields: TObject<T>) =>
  Type.Object({ ...commonFrontMatter, ...fields.properties }, { additionalProperties: false })

export const FrontMatterSchemas = {
  condition: frontMatterOf(ConditionFieldsSchema),
  risk: frontMatterOf(RiskFieldsSchema),
  mechanism: frontMatterOf(MechanismFieldsSchema),
  topic: frontMatterOf(TopicFieldsSchema)
} as const

/** What a translation may carry: text only; links, codes, sources and classifications come from the `en` file. */
export const TranslationFrontMatterSchema = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 120 }),
  summary: Type.String({ minLength: 1, maxLength: 300 }),
  status: Type.Optional(StringEnum(CONTENT_STATUSES)),
  translatedFrom: Type.Optional(CommonDocumentProperties.translatedFrom),
  alsoKnownAs: Type.Optional(ConditionFieldsSchema.properties.alsoKnownAs),
  regulatory: Type.Optional(ConditionFieldsSchema.properties.regulatory),
  typicalProtocol: Type.Optional(ConditionFieldsSchema.properties.typicalProtocol),
  mitigation: Type.Optional(RiskFieldsSchema.properties.mitigation),
  targets: Type.Optional(MechanismFieldsSchema.properties.targets),
  steps: Type.Optional(MechanismFieldsSchema.properties.steps)
}, { additionalProperties: false })
export type TranslationFrontMatter = Static<typeof TranslationFrontMatterSchema>

export const SourcesFileSchema = Type.Object({
  sources: Type.Array(SourceSchema, { minItems: 1 })
}, { additionalProperties: false })

export const CrisisResourcesFileSchema = Type.Object({
  locales: Type.Object(Object.fromEntries(LOCALES.map((locale) => [locale, Type.Array(CrisisResourceSchema, { minItems: 1 })])), { additionalProperties: false })
}, { additionalProperties: false })
