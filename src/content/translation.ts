// Translation freshness: a translation records the hash of the English text it was translated from, so a
// change to that text (and only to text: not links, sources or review) marks the translation outdated.
import type { EntityType } from '../../schema/common.js'
import { TRANSLATION_STATUSES } from '../../schema/api.js'
import type { EntityDocument } from '../../schema/entity.js'
import { contentHash } from './canonical.js'

/** Type fields a translation carries in its own words (the rest comes from the English file). */
export const TRANSLATABLE_BY_TYPE: Record<EntityType, readonly string[]> = {
  condition: ['alsoKnownAs', 'regulatory', 'typicalProtocol'],
  risk: ['mitigation'],
  mechanism: ['targets', 'steps'],
  topic: []
}

export type TranslationStatus = typeof TRANSLATION_STATUSES[number]

/**
 * `sha256:` of the canonical JSON of what a translator translates in an English document: title, summary, each
 * section's id, heading and body, and the type's translatable fields. Citations, links, codes, sources and
 * review are left out, so editing them never makes a translation outdated.
 */
export function englishTextHash (english: EntityDocument): string {
  const fields = english as unknown as Record<string, unknown>
  return contentHash({
    title: english.title,
    summary: english.summary,
    sections: english.sections.map((section) => ({ id: section.id, heading: section.heading, body: section.body })),
    ...Object.fromEntries(TRANSLATABLE_BY_TYPE[english.type].map((field) => [field, fields[field]]))
  })
}

/** `unknown` when the translation does not say what it was translated from. */
export function translationStatus (translatedFrom: string | undefined, englishHash: string): TranslationStatus {
  if (translatedFrom === undefined) return 'unknown'
  return translatedFrom === englishHash ? 'current' : 'outdated'
}
