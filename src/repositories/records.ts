// What the repositories answer with: plain records, shared by the repositories and the delivery layer. A leaf
// module (it imports no repository and no delivery code), so neither side has to import the other for a type.
import type { EntityType, Locale } from '../../schema/common.js'
import type { EntityDocument } from '../../schema/entity.js'
import type { PublishedDocument } from '../content/materialise.js'

export interface EntityKey { type: EntityType, slug: string, locale: Locale }

export interface VersionRecord extends EntityKey {
  entityId: number
  versionId: number
  version: number
  state: 'published' | 'withdrawn'
  /** Published since 0.2: materialised (links, locales, review resolved); before: the editor's document. */
  document: PublishedDocument | EntityDocument | null
  contentHash: string
  changeNote: string
  sourceFile: string
  releaseNumber: number
  publishedAt: Date
}

export interface ReleaseRecord {
  number: number
  changeNote: string
  sourceCommit: string | null
  sourceDirty: boolean
  sourceChangesHash: string | null
  manifestHash: string
  entityCount: number
  stats: { created: number, updated: number, withdrawn: number }
  createdAt: Date
}

export interface AuditRecord {
  id: number
  releaseNumber: number
  entityId: number
  type: string
  slug: string
  locale: string
  action: 'created' | 'updated' | 'withdrawn'
  version: number
  hashBefore: string | null
  hashAfter: string
  sourceFile: string
  sourceCommit: string | null
  sourceDirty: boolean
  sourceChangesHash: string | null
  at: Date
}

export function entityKeyString (key: EntityKey): string {
  return `${key.type}/${key.slug}/${key.locale}`
}
