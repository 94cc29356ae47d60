// An immutable, indexed view of one release. Releases never change once published, so a snapshot can be
// built once and shared by every request (REST and GraphQL) without locks or invalidation.
import { ENTITY_TYPES, type EntityType, type Locale } from '../../schema/common.js'
import type { EntityDocument, Link } from '../../schema/entity.js'
import { isMaterialised, materialise, sourceOf, type PublishedDocument } from '../content/materialise.js'
import { entityKeyString, type ReleaseRecord, type VersionRecord } from '../repositories/records.js'

export interface PublishedEntity {
  entityId: number
  /** Everything the representation shows comes from here: links and locales were resolved at publish time. */
  document: PublishedDocument
  version: number
  contentHash: string
  publishedAt: Date
  changeNote: string
  /** The release that introduced this version (it may be older than the snapshot's release). */
  versionRelease: number
}

export interface ResolvedEntity {
  entity: PublishedEntity
  /** True when the requested locale had no translation and `en` was served instead. */
  fallback: boolean
}

export class ReleaseSnapshot {
  readonly release: ReleaseRecord
  private readonly byKey = new Map<string, PublishedEntity>()
  private readonly englishByType = new Map<EntityType, PublishedEntity[]>()

  constructor (release: ReleaseRecord, versions: VersionRecord[]) {
    this.release = release
    const published = versions.filter((version) => version.state === 'published' && version.document)
    // Versions published before 0.2 hold only the editor's document: they are resolved within this release,
    // as they always were.
    const legacy = published.some((version) => !isMaterialised(version.document))
      ? materialise(published.map((version) => sourceOf(version.document as EntityDocument | PublishedDocument)))
      : null
    for (const version of published) {
      const key = entityKeyString(version)
      this.byKey.set(key, {
        entityId: version.entityId,
        document: isMaterialised(version.document) ? version.document : legacy?.get(key) as PublishedDocument,
        version: version.version,
        contentHash: version.contentHash,
        publishedAt: version.publishedAt,
        changeNote: version.changeNote,
        versionRelease: version.releaseNumber
      })
    }
    for (const type of ENTITY_TYPES) this.englishByType.set(type, [])
    for (const entity of this.byKey.values()) {
      if (entity.document.locale === 'en') this.englishByType.get(entity.document.type)?.push(entity)
    }
    for (const list of this.englishByType.values()) list.sort((a, b) => compare(a.document.slug, b.document.slug))
  }

  get size (): number {
    return this.byKey.size
  }

  find (type: EntityType, slug: string, locale: Locale): ResolvedEntity | null {
    const exact = this.byKey.get(entityKeyString({ type, slug, locale }))
    if (exact) return { entity: exact, fallback: false }
    const english = this.byKey.get(entityKeyString({ type, slug, locale: 'en' }))
    return english ? { entity: english, fallback: locale !== 'en' } : null
  }

  /** Every entity of a type in `locale` (falling back to `en` per entity), ordered by slug. */
  list (type: EntityType, locale: Locale): ResolvedEntity[] {
    return (this.englishByType.get(type) ?? []).map((english) =>
      this.find(type, english.document.slug, locale) ?? { entity: english, fallback: false })
  }

  /** Links of an entity in this release: every version resolved its links when this release was published. */
  related (type: EntityType, slug: string, targetType?: EntityType): Link[] {
    const links = this.byKey.get(entityKeyString({ type, slug, locale: 'en' }))?.document.related ?? []
    return links.filter((link) => targetType === undefined || link.type === targetType).map((link) => ({ type: link.type, slug: link.slug }))
  }

  /** The editors' documents of everything in this release: what a draft preview is resolved against. */
  sources (): EntityDocument[] {
    return [...this.byKey.values()].map((entity) => sourceOf(entity.document))
  }

  locales (type: EntityType, slug: string): Locale[] {
    return (['en', 'es'] as const).filter((locale) => this.byKey.has(entityKeyString({ type, slug, locale })))
  }
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
