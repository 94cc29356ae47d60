// Lookup by medical code. No SQL: codes are part of the published documents, which the release snapshot holds.
import { ENTITY_TYPES, type EntityType, type Locale } from '../../schema/common.js'
import type { Code, CodeSystem } from '../../schema/entity.js'
import { codeProblem, icd10cmRange, normalizeIcd10cm } from '../content/codes.js'
import type { ReleaseSnapshot } from './release-snapshot.js'

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
