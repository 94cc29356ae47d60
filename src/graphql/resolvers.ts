// Thin resolvers over the release snapshot. Relations go through Mercurius loaders, which receive the whole
// batch of parents at once and answer in the same order; versions are fetched with one SQL statement per batch.
import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius'
import { ENTITY_TYPES, SLUG_PATTERN, TYPE_PLURALS, type EntityType, type Locale, type Sort } from '../../schema/common.js'
import type { ReleaseSnapshot, ResolvedEntity } from '../delivery/release-snapshot.js'
import { metaOf, renderEntity, versionSummary } from '../delivery/representation.js'
import { changeEvent } from '../delivery/changes.js'
import type { AuditRecord, Page, ReleaseRead, VersionRecord } from '../delivery/reads.js'
import { BadRequestError } from '../errors.js'
import { ENTITY_TYPE_NAMES, codeNodeId, entityNodeId, parseNodeId, releaseNodeId, sectionNodeId, sourceNodeId, typeNameOfId, versionNodeId, type Pin } from './ids.js'
import { noteRead } from './http-cache.js'

export interface EntityNode extends Record<string, unknown> {
  id: string
  type: EntityType
  slug: string
  entityId: number
  localeFallback: boolean
  snapshot: ReleaseSnapshot
  requestedLocale: Locale
  /** The release the read was pinned to (null: current); relations and ids inherit it. */
  pin: Pin
}

const TYPE_NAMES = ENTITY_TYPE_NAMES

// Nodes of a release never change: each is rendered once per release, requested locale and pin, then shared.
const nodeCache = new WeakMap<ReleaseSnapshot, Map<string, EntityNode>>()

export function toNode (snapshot: ReleaseSnapshot, resolved: ResolvedEntity, requestedLocale: Locale, pin: Pin): EntityNode {
  const { document } = resolved.entity
  const key = `${document.type}/${document.slug}/${document.locale}/${requestedLocale}/${resolved.entity.version}/${pin ?? ''}`
  let nodes = nodeCache.get(snapshot)
  if (!nodes) nodeCache.set(snapshot, nodes = new Map())
  const cached = nodes.get(key)
  if (cached) return cached
  const ref = { type: document.type, slug: document.slug, locale: requestedLocale }
  const node = {
    ...renderEntity(snapshot, resolved, { fields: null, include: [], locale: requestedLocale }),
    id: entityNodeId(ref, pin),
    type: document.type,
    slug: document.slug,
    sections: document.sections.map((section) => ({ ...section, key: section.id, id: sectionNodeId(ref, section.id, pin) })),
    codes: document.codes.map((code) => ({ ...code, id: codeNodeId(ref, code.system, code.code, pin) })),
    sources: document.sources.map((source) => ({ ...source, key: source.id, id: sourceNodeId(source.id, pin) })),
    entityId: resolved.entity.entityId,
    localeFallback: resolved.fallback,
    requestedLocale,
    pin
  } as unknown as EntityNode
  // Not enumerable: nothing walks into the whole release when it inspects a node.
  Object.defineProperty(node, 'snapshot', { value: snapshot, enumerable: false })
  nodes.set(key, node)
  return node
}

/** A read is pinned when the client named a release, or when a cursor kept it on one that is no longer current. */
export function pinOf (context: MercuriusContext, read: ReleaseRead): Pin {
  const number = read.snapshot.release.number
  return read.pinned || number !== context.app.releases.currentRelease ? number : null
}

/** A Relay connection over a page of the delivery layer: every edge's cursor resumes right after its own node. */
export function connectionOf<T> (page: Page<unknown>, nodes: T[], endCursor: string | null = page.cursors.at(-1) ?? null) {
  return {
    nodes,
    edges: nodes.map((node, index) => ({ node, cursor: page.cursors[index] })),
    pageInfo: { hasNextPage: page.hasMore, hasPreviousPage: page.hasPrevious, startCursor: page.cursors[0] ?? null, endCursor }
  }
}

function relatedNodes (node: EntityNode, targetType?: EntityType): EntityNode[] {
  return node.snapshot.related(node.type, node.slug, targetType)
    .map((link) => node.snapshot.find(link.type, link.slug, node.requestedLocale))
    .filter((resolved): resolved is ResolvedEntity => resolved !== null)
    .map((resolved) => toNode(node.snapshot, resolved, node.requestedLocale, node.pin))
}

export const policyOf = (pin: Pin) => pin === null ? 'current' as const : 'immutable' as const
const keysOf = (nodes: EntityNode[]) => nodes.map((node) => `${node.type}/${node.slug}`)

/** The relation fields of each type and the type each lists (undefined: any). */
const RELATION_FIELDS: Record<EntityType, Array<[string, EntityType | undefined]>> = {
  condition: [['risks', 'risk'], ['mechanisms', 'mechanism'], ['topics', 'topic'], ['related', undefined]],
  risk: [['conditions', 'condition'], ['mechanisms', 'mechanism'], ['topics', 'topic'], ['related', undefined]],
  mechanism: [['conditions', 'condition'], ['risks', 'risk'], ['topics', 'topic'], ['related', undefined]],
  topic: [['conditions', 'condition'], ['risks', 'risk'], ['mechanisms', 'mechanism'], ['topics', 'topic'], ['related', undefined]]
}

/**
 * Relations are read from the release snapshot in memory, so they need no batching: plain field resolvers. Through
 * a Mercurius loader each call was keyed by serializing its parent node (safe-stable-stringify over the whole
 * entity), 12 % of the CPU of a query that is not in the answer cache.
 */
function relationResolvers (type: EntityType): Record<string, (node: EntityNode, args: unknown, context: MercuriusContext) => EntityNode[]> {
  const fields: Record<string, (node: EntityNode, args: unknown, context: MercuriusContext) => EntityNode[]> = {}
  for (const [field, targetType] of RELATION_FIELDS[type]) {
    fields[field] = (node, _args, context) => {
      const nodes = relatedNodes(node, targetType)
      noteRead(context, null, keysOf(nodes))
      return nodes
    }
  }
  return fields
}

const SLUG = new RegExp(SLUG_PATTERN)

interface ConnectionArgs { first?: number | null, after?: string | null, filter?: Record<string, string | null> | null, sort?: Sort | null, locale?: Locale | null, release?: number | null }
interface SingleArgs { slug: string, locale?: Locale | null, release?: number | null }

export function createResolvers (): IResolvers {
  const query: Record<string, unknown> = {
    attribution: (_root: unknown, args: { locale?: Locale | null }, context: MercuriusContext) => context.app.delivery.attribution(args.locale ?? 'en')
  }
  for (const type of ENTITY_TYPES) {
    query[type] = async (_root: unknown, args: SingleArgs, context: MercuriusContext) => {
      if (!SLUG.test(args.slug) || args.slug.length > 80) throw new BadRequestError('slug: must be a kebab-case slug of at most 80 characters')
      const locale = args.locale ?? 'en'
      const read = await context.app.delivery.findEntity({ type, slug: args.slug, locale, release: args.release })
      if (!read) {
        noteRead(context, args.release === null || args.release === undefined ? 'current' : 'immutable', [`${type}/${args.slug}`])
        return null
      }
      const pin = pinOf(context, read)
      noteRead(context, policyOf(pin), [`${type}/${args.slug}`])
      return toNode(read.snapshot, read.resolved, locale, pin)
    }
    query[TYPE_PLURALS[type]] = async (_root: unknown, args: ConnectionArgs, context: MercuriusContext) => {
      const locale = args.locale ?? 'en'
      const page = await context.app.delivery.listEntities({ type, locale, release: args.release, limit: args.first, after: args.after, sort: args.sort, filters: args.filter ?? {} })
      const pin = pinOf(context, page)
      const nodes = page.items.map((item) => toNode(page.snapshot, item, locale, pin))
      noteRead(context, policyOf(pin), [`list/${TYPE_PLURALS[type]}`, ...keysOf(nodes)])
      return { ...connectionOf(page, nodes), meta: metaOf(page.snapshot, locale, page.items.some((item) => item.fallback)) }
    }
  }
  query.changes = async (_root: unknown, args: { after?: string | null, first?: number | null, locale?: Locale | null }, context: MercuriusContext) => {
    const page = await context.app.delivery.readChanges({ after: args.after, limit: args.first, locale: args.locale })
    noteRead(context, 'feed', ['changes'])
    // endCursor is the sync point even on an empty page, as REST's nextCursor.
    return connectionOf(page, page.items.map(changeNode), page.nextCursor)
  }
  query.releases = async (_root: unknown, args: { first?: number | null, after?: string | null }, context: MercuriusContext) => {
    const page = await context.app.delivery.listReleases({ limit: args.first, after: args.after })
    noteRead(context, 'feed', ['list/releases'])
    return { ...connectionOf(page, page.items.map(releaseNode)), current: page.current }
  }
  query.release = async (_root: unknown, args: { number: number }, context: MercuriusContext) => {
    noteRead(context, 'immutable', [`release/${args.number}`])
    const release = await context.app.delivery.findRelease(args.number)
    return release ? releaseNode(release) : null
  }
  query.node = async (_root: unknown, args: { id: string }, context: MercuriusContext) => resolveNode(args.id, context)

  const typeResolvers: Record<string, unknown> = {}
  for (const type of ENTITY_TYPES) {
    typeResolvers[TYPE_NAMES[type]] = {
      ...relationResolvers(type),
      atVersion: async (node: EntityNode, args: { n: number }, context: MercuriusContext) => {
        const version = await context.app.delivery.getVersion({ type, slug: node.slug, locale: node.locale as Locale, version: args.n }).catch((error: unknown) => {
          // No such version, or its withdrawal: null, as the field's description says.
          if (error instanceof Error && ['KCA_ERR_NOT_FOUND', 'KCA_ERR_GONE'].includes((error as { code?: string }).code ?? '')) return null
          throw error
        })
        if (!version) return null
        const { snapshot } = await context.app.delivery.readRelease(version.record.releaseNumber)
        // Version n as the release that published it had it: pinned to that release, like ?release=.
        return toNode(snapshot, { ...version.resolved, fallback: false }, node.locale as Locale, version.record.releaseNumber)
      },
      diff: async (node: EntityNode, args: { from: number, to: number }, context: MercuriusContext) => {
        const diff = await context.app.delivery.diffVersions({ type, slug: node.slug, locale: node.locale as Locale, from: args.from, to: args.to })
        return {
          from: diff.from,
          to: diff.to,
          changeNote: diff.changeNote,
          changes: diff.changes.map((change) => ({
            path: change.path,
            change: change.change,
            before: change.before === undefined ? null : JSON.stringify(change.before),
            after: change.after === undefined ? null : JSON.stringify(change.after)
          }))
        }
      }
    }
  }
  return {
    Query: query,
    Release: { changes: async (release: { number: number }, _args: unknown, context: MercuriusContext) => (await context.app.delivery.changesOfRelease(release.number)).map(changeNode) },
    ...typeResolvers,
    Entity: { resolveType: (node: EntityNode) => TYPE_NAMES[node.type] },
    // Every global id starts with its type's name.
    Node: { resolveType: (value: { id: string }) => typeNameOfId(value.id) }
  } as unknown as IResolvers
}

/** A feed event; the audit row rides along (not in the SDL) for the `entity` loader. */
interface ChangeNode extends ReturnType<typeof changeEvent> { row: AuditRecord }

function changeNode (row: AuditRecord): ChangeNode {
  return { ...changeEvent(row), row }
}

function releaseNode (release: { number: number, changeNote: string, sourceCommit: string | null, createdAt: Date, entityCount: number, stats: unknown }) {
  return { ...release, id: releaseNodeId(release.number), createdAt: release.createdAt.toISOString() }
}

function versionNode (record: VersionRecord, ref: { type: EntityType, slug: string, locale: Locale }) {
  return { ...versionSummary(record), id: versionNodeId(ref, record.version) }
}

/** Relay's node(id:): the object an id names, read the way the id says (pinned or current); null when none is. */
async function resolveNode (id: string, context: MercuriusContext): Promise<Record<string, unknown> | null> {
  const parsed = parseNodeId(id)
  if (parsed === null) return null
  if (parsed.kind === 'release') {
    noteRead(context, 'immutable', [`release/${parsed.number}`])
    const release = await context.app.delivery.findRelease(parsed.number)
    return release ? releaseNode(release) : null
  }
  if (parsed.kind === 'version') {
    noteRead(context, 'immutable', [`${parsed.ref.type}/${parsed.ref.slug}`])
    const record = await context.app.delivery.findVersion(parsed.ref, parsed.version)
    return record ? versionNode(record, parsed.ref) : null
  }
  const pin = parsed.pin
  if (pin !== null && !(await context.app.delivery.findRelease(pin))) return null
  const { snapshot } = await context.app.delivery.readRelease(pin)
  noteRead(context, policyOf(pin), parsed.kind === 'source' ? [] : [`${parsed.ref.type}/${parsed.ref.slug}`])
  if (parsed.kind === 'source') {
    for (const type of ENTITY_TYPES) {
      for (const resolved of snapshot.list(type, 'en')) {
        const source = resolved.entity.document.sources.find((candidate) => candidate.id === parsed.key)
        if (source) return (toNode(snapshot, resolved, 'en', pin).sources as Array<{ key: string }>).find((candidate) => candidate.key === parsed.key) ?? null
      }
    }
    return null
  }
  const resolved = snapshot.find(parsed.ref.type, parsed.ref.slug, parsed.ref.locale)
  if (!resolved) return null
  const node = toNode(snapshot, resolved, parsed.ref.locale, pin)
  if (parsed.kind === 'entity') return node
  if (parsed.kind === 'section') return (node.sections as Array<{ key: string }>).find((section) => section.key === parsed.key) ?? null
  return (node.codes as Array<{ system: string, code: string }>).find((code) => code.system === parsed.system && code.code === parsed.code) ?? null
}

export function createLoaders (): MercuriusLoaders {
  const loaders: Record<string, Record<string, unknown>> = {}
  for (const type of ENTITY_TYPES) {
    const fields: Record<string, unknown> = {}
    fields.versions = {
      opts: { cache: false },
      loader: async (queries: Array<{ obj: EntityNode }>, context: MercuriusContext) => {
        // A version history grows with each publish, pinned read or not.
        noteRead(context, 'current', keysOf(queries.map(({ obj }) => obj)))
        const history = await context.app.delivery.historiesOf(queries.map(({ obj }) => obj.entityId))
        return queries.map(({ obj }) => (history.get(obj.entityId) ?? []).map((record) => versionNode(record, { type: obj.type, slug: obj.slug, locale: obj.locale as Locale })))
      }
    }
    loaders[TYPE_NAMES[type]] = fields
  }
  loaders.ChangeEvent = {
    // The new version, exactly as a read of it in its locale answers while it is current; relations are
    // resolved in the release that published it. One statement for the versions of a whole page.
    entity: {
      opts: { cache: false },
      loader: async (queries: Array<{ obj: ChangeNode }>, context: MercuriusContext) => {
        const versions = await context.app.delivery.versionsOfEvents(queries.map(({ obj }) => obj.row))
        return await Promise.all(queries.map(async ({ obj }) => {
          const resolved = await context.app.delivery.entityOfEvent(obj.row, versions)
          if (!resolved) return null
          const { snapshot } = await context.app.delivery.readRelease(resolved.entity.versionRelease)
          return toNode(snapshot, resolved, resolved.entity.document.locale, resolved.entity.versionRelease)
        }))
      }
    }
  }
  return loaders as MercuriusLoaders
}
