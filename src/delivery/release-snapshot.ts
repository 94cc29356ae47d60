// An immutable, indexed view of one release. Releases never change once published, so a snapshot can be
// built once and shared by every request (REST and GraphQL) without locks or invalidation.
import { ENTITY_TYPES, type EntityType, type Locale } from '../../schema/common.js'
import type { EntityDocument, Link } from '../../schema/entity.js'
import { entityKeyString, type ReleaseRecord, type VersionRecord } from '../repositories/content-repository.js'

export interface PublishedEntity {
  entityId: number
  document: EntityDocument
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
  private readonly links = new Map<string, Link[]>()

  constructor (release: ReleaseRecord, versions: VersionRecord[]) {
    this.release = release
    for (const version of versions) {
      if (version.state !== 'published' || !version.document) continue
      this.byKey.set(entityKeyString(version), {
        entityId: version.entityId,
        document: version.document,
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
    this.buildLinks()
  }

  /** Links are declared once, by either side, and read from both; a link to an entity outside this release is dropped. */
  private buildLinks (): void {
    const add = (from: Link, to: Link) => {
      if (!this.byKey.has(entityKeyString({ ...to, locale: 'en' }))) return
      const key = `${from.type}/${from.slug}`
      const list = this.links.get(key) ?? []
      if (!list.some((link) => link.type === to.type && link.slug === to.slug)) list.push(to)
      this.links.set(key, list)
    }
    for (const list of this.englishByType.values()) {
      for (const entity of list) {
        const self = { type: entity.document.type, slug: entity.document.slug }
        for (const link of entity.document.related) {
          add(self, link)
          add(link, self)
        }
      }
    }
    for (const list of this.links.values()) list.sort((a, b) => compare(`${a.type}/${a.slug}`, `${b.type}/${b.slug}`))
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

  related (type: EntityType, slug: string, targetType?: EntityType): Link[] {
    const links = this.links.get(`${type}/${slug}`) ?? []
    return targetType ? links.filter((link) => link.type === targetType) : links
  }

  locales (type: EntityType, slug: string): Locale[] {
    return (['en', 'es'] as const).filter((locale) => this.byKey.has(entityKeyString({ type, slug, locale })))
  }
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
