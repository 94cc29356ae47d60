// Global object ids (Relay's Node, and what Apollo's InMemoryCache normalises by). An id names exactly one set of
// field values: the type name, what identifies the object in its release, the locale the client asked for (an
// entity read for `es` that falls back to English says so, and its links carry Spanish titles), and `@<release>`
// when the read was pinned to a release, whose content never changes. A current read has no suffix: a later
// release updates the same cache object, as a client expects from a refetch.
import type { EntityType, Locale } from '../../schema/common.js'

export const ENTITY_TYPE_NAMES: Record<EntityType, string> = { topic: 'Topic', condition: 'Condition', risk: 'Risk', mechanism: 'Mechanism' }
const TYPE_OF_NAME = new Map(Object.entries(ENTITY_TYPE_NAMES).map(([type, name]) => [name, type as EntityType]))

/** The release a read was pinned to, or null for the current release. */
export type Pin = number | null

const suffix = (pin: Pin) => pin === null ? '' : `@${pin}`

export interface EntityRef { type: EntityType, slug: string, locale: Locale }

export function entityNodeId (ref: EntityRef, pin: Pin): string {
  return `${ENTITY_TYPE_NAMES[ref.type]}:${ref.slug}:${ref.locale}${suffix(pin)}`
}

/** Sections and codes are parts of one entity's text: their ids extend the entity's. */
export function sectionNodeId (ref: EntityRef, sectionKey: string, pin: Pin): string {
  return `Section:${ref.type}:${ref.slug}:${ref.locale}:${sectionKey}${suffix(pin)}`
}

export function codeNodeId (ref: EntityRef, system: string, code: string, pin: Pin): string {
  return `Code:${ref.type}:${ref.slug}:${ref.locale}:${system}:${code}${suffix(pin)}`
}

/** A source is one record of seeds/sources.yaml, copied into every entity citing it (and into its content hash). */
export function sourceNodeId (sourceKey: string, pin: Pin): string {
  return `Source:${sourceKey}${suffix(pin)}`
}

/** A published version never changes, so its id needs no release. */
export function versionNodeId (ref: EntityRef, version: number): string {
  return `VersionSummary:${ref.type}:${ref.slug}:${ref.locale}:${version}`
}

export function releaseNodeId (number: number): string {
  return `Release:${number}`
}

/** The GraphQL type of any global id: its prefix. */
export function typeNameOfId (id: string): string {
  return id.slice(0, id.indexOf(':'))
}

export type ParsedId =
  | { kind: 'entity', ref: EntityRef, pin: Pin }
  | { kind: 'section', ref: EntityRef, key: string, pin: Pin }
  | { kind: 'code', ref: EntityRef, system: string, code: string, pin: Pin }
  | { kind: 'source', key: string, pin: Pin }
  | { kind: 'version', ref: EntityRef, version: number }
  | { kind: 'release', number: number }

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const LOCALES = new Set(['en', 'es'])
const ENTITY_TYPES = new Set<string>(Object.keys(ENTITY_TYPE_NAMES))
const POSITIVE = /^[1-9]\d{0,8}$/

function entityRef (type: string | undefined, slug: string | undefined, locale: string | undefined): EntityRef | null {
  if (!type || !ENTITY_TYPES.has(type) || !slug || !SLUG.test(slug) || slug.length > 80 || !locale || !LOCALES.has(locale)) return null
  return { type: type as EntityType, slug, locale: locale as Locale }
}

/** Reads an id this API issued; anything else (including ids of another shape) is null, as node(id:) answers. */
export function parseNodeId (id: string): ParsedId | null {
  if (id.length > 300) return null
  const at = id.lastIndexOf('@')
  const pinText = at === -1 ? null : id.slice(at + 1)
  if (pinText !== null && !POSITIVE.test(pinText)) return null
  const pin = pinText === null ? null : Number(pinText)
  const [typeName, ...parts] = (at === -1 ? id : id.slice(0, at)).split(':')
  const entityType = typeName ? TYPE_OF_NAME.get(typeName) : undefined
  if (entityType && parts.length === 2) {
    const ref = entityRef(entityType, parts[0], parts[1])
    return ref && { kind: 'entity', ref, pin }
  }
  switch (typeName) {
    case 'Section': {
      const ref = entityRef(parts[0], parts[1], parts[2])
      return ref && parts.length === 4 && SLUG.test(parts[3] ?? '') ? { kind: 'section', ref, key: parts[3] as string, pin } : null
    }
    case 'Code': {
      const ref = entityRef(parts[0], parts[1], parts[2])
      return ref && parts.length === 5 && parts[3] && parts[4] ? { kind: 'code', ref, system: parts[3], code: parts[4], pin } : null
    }
    case 'Source':
      return parts.length === 1 && SLUG.test(parts[0] ?? '') ? { kind: 'source', key: parts[0] as string, pin } : null
    case 'VersionSummary': {
      const ref = entityRef(parts[0], parts[1], parts[2])
      return ref && parts.length === 4 && pin === null && POSITIVE.test(parts[3] ?? '') ? { kind: 'version', ref, version: Number(parts[3]) } : null
    }
    case 'Release':
      return parts.length === 1 && pin === null && POSITIVE.test(parts[0] ?? '') ? { kind: 'release', number: Number(parts[0]) } : null
    default:
      return null
  }
}
