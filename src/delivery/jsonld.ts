// schema.org JSON-LD of one entity, for partners' SEO and the embed page: a MedicalWebPage whose `about`
// is the medical thing the page describes.
//
// Type choices (schema.org definitions):
// - condition → MedicalCondition.
// - risk with category contraindication → MedicalContraindication.
// - any other risk → MedicalRiskFactor. schema.org defines a risk factor as what "increases a person's
//   likelihood of developing … a complication", so the risk factor is ketamine use and the harm the page
//   describes is what it `increasesRiskOf`; naming the harm itself a risk factor would state the opposite.
// - mechanism → the Drug ketamine, with the page's summary as its `mechanismOfAction`.
// - topic → the Drug ketamine: every topic here is about ketamine and its use.
// Codes: only `verified` codes become MedicalCode. JSON-LD has no way to say "unconfirmed", and search
// engines and record linkers take what it states as fact; the JSON representation still lists every code.
import { TYPE_PLURALS, type EntityType, type Locale } from '../../schema/common.js'
import type { Code, CodeSystem, Source } from '../../schema/entity.js'
import type { PublishedDocument } from '../content/materialise.js'
import type { ResolvedEntity } from './release-snapshot.js'
import { ATTRIBUTION, LICENSE } from './representation.js'
import { doiUrl, pubmedUrl } from './html.js'

export interface JsonLdOptions {
  /** The locale the client asked for: the text may be English when no translation exists, links to related pages stay in it. */
  locale: Locale
  /** Scheme, host and port of this API as clients reach it, e.g. https://content.example.org */
  baseUrl: string
}

export type JsonLd = Record<string, unknown>

export const PUBLISHER_NAME = 'ketamine-content-api'

const CODING_SYSTEMS: Record<CodeSystem, string> = {
  icd10cm: 'ICD-10-CM',
  snomedct: 'SNOMED CT',
  mesh: 'MeSH',
  rxnorm: 'RxNorm'
}

const DRUG_NAME: Record<Locale, string> = { en: 'Ketamine', es: 'Ketamina' }
const RISK_FACTOR_NAME: Record<Locale, string> = { en: 'Ketamine use', es: 'Uso de ketamina' }

/** The page people read an entity on: the embed page, with its language explicit so the URL is canonical. */
export function pagePath (type: EntityType, slug: string, locale: Locale): string {
  return `/embed/${TYPE_PLURALS[type]}/${slug}?locale=${locale}`
}

export function medicalCodes (codes: Code[]): JsonLd[] {
  return codes.filter((code) => code.verified).map((code) => ({
    '@type': 'MedicalCode',
    codeValue: code.code,
    codingSystem: CODING_SYSTEMS[code.system],
    name: code.display
  }))
}

function withCodes (thing: JsonLd, codes: Code[]): JsonLd {
  const code = medicalCodes(codes)
  return code.length > 0 ? { ...thing, code } : thing
}

function aboutOf (document: PublishedDocument): JsonLd {
  const locale = document.locale
  switch (document.type) {
    case 'condition':
      return withCodes({
        '@type': 'MedicalCondition',
        name: document.title,
        description: document.summary,
        ...(document.alsoKnownAs.length > 0 ? { alternateName: document.alsoKnownAs } : {})
      }, document.codes)
    case 'risk': {
      const harm = withCodes({ name: document.title, description: document.summary }, document.codes)
      if (document.category === 'contraindication') return { '@type': 'MedicalContraindication', ...harm }
      return { '@type': 'MedicalRiskFactor', name: RISK_FACTOR_NAME[locale], increasesRiskOf: { '@type': 'MedicalEntity', ...harm } }
    }
    case 'mechanism':
      return withCodes({ '@type': 'Drug', name: DRUG_NAME[locale], mechanismOfAction: document.summary }, document.codes)
    case 'topic':
      return withCodes({ '@type': 'Drug', name: DRUG_NAME[locale] }, document.codes)
  }
}

/** A source as a citation: a ScholarlyArticle when it has a DOI or PMID, otherwise a CreativeWork. */
export function citationOf (source: Source): JsonLd {
  const scholarly = source.doi !== undefined || source.pmid !== undefined
  const identifier: JsonLd[] = []
  const sameAs: string[] = []
  if (source.doi) {
    identifier.push({ '@type': 'PropertyValue', propertyID: 'DOI', value: source.doi })
    sameAs.push(doiUrl(source.doi))
  }
  if (source.pmid) {
    identifier.push({ '@type': 'PropertyValue', propertyID: 'PMID', value: source.pmid })
    sameAs.push(pubmedUrl(source.pmid))
  }
  return {
    '@type': scholarly ? 'ScholarlyArticle' : 'CreativeWork',
    name: source.title,
    // schema.org accepts text where a Person or Organization is expected; the list is kept as written.
    author: source.authors,
    ...(source.year ? { datePublished: String(source.year) } : {}),
    ...(scholarly
      ? { isPartOf: { '@type': 'Periodical', name: source.publisher } }
      : { publisher: { '@type': 'Organization', name: source.publisher } }),
    ...(identifier.length > 0 ? { identifier } : {}),
    ...(source.url ?? sameAs[0] ? { url: source.url ?? sameAs[0] } : {}),
    ...(sameAs.length > 0 ? { sameAs } : {})
  }
}

/** A pure function of the stored version and the options: nothing here reads the clock or another entity. */
export function renderJsonLd (resolved: ResolvedEntity, options: JsonLdOptions): JsonLd {
  const { entity } = resolved
  const document = entity.document
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const review = document.review
  const reviewed = review.reviewStatus !== 'unreviewed' && review.lastReviewed !== undefined
  const related = document.related
  return {
    '@context': 'https://schema.org',
    '@type': 'MedicalWebPage',
    '@id': `${baseUrl}${pagePath(document.type, document.slug, document.locale)}`,
    url: `${baseUrl}${pagePath(document.type, document.slug, document.locale)}`,
    name: document.title,
    headline: document.title,
    description: document.summary,
    inLanguage: document.locale,
    about: aboutOf(document),
    audience: { '@type': 'MedicalAudience', audienceType: document.audience === 'clinician' ? 'Clinician' : 'Patient' },
    citation: document.sources.map(citationOf),
    // Only a real review is stated: an unreviewed page must not look reviewed to search engines.
    ...(reviewed
      ? {
          lastReviewed: review.lastReviewed,
          ...(review.reviewedBy ? { reviewedBy: review.reviewedBy.map((reviewer) => ({ '@type': 'Person', name: reviewer.name, honorificSuffix: reviewer.credentials })) } : {})
        }
      : {}),
    dateModified: entity.publishedAt.toISOString(),
    version: entity.version,
    license: LICENSE.url,
    creditText: ATTRIBUTION,
    publisher: { '@type': 'Organization', name: PUBLISHER_NAME, url: baseUrl },
    ...(related.length > 0 ? { relatedLink: related.map((link) => `${baseUrl}${pagePath(link.type, link.slug, options.locale)}`) } : {}),
    // The release that published this version (it holds it): the same JSON-LD in every release that still does.
    isBasedOn: `${baseUrl}/v1/${TYPE_PLURALS[document.type]}/${document.slug}?locale=${document.locale}&release=${entity.versionRelease}`
  }
}

/** JSON-LD inside an HTML <script> element: `<`, `>` and `&` escaped so no text can close the element. */
export function jsonLdScriptContent (jsonLd: JsonLd): string {
  return JSON.stringify(jsonLd).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
