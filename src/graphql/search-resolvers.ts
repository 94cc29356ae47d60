// GraphQL `search` and `lookup`: the same repository and rules as GET /v1/search and GET /v1/lookup. A hit or a
// code match can expand into the full entity (`entity`), rendered like every other node of its release.
import type { MercuriusContext } from 'mercurius'
import type { EntityType, Locale } from '../../schema/common.js'
import type { ReleaseSnapshot } from '../delivery/release-snapshot.js'
import { entityUrl } from '../delivery/representation.js'
import { BadRequestError } from '../errors.js'
import {
  CODE_SYSTEM_NAMES, SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX, createSearchRepository, decodeSearchCursor, encodeSearchCursor,
  normalizeCode, parseCodeSystem, searchQueryProblem, type SearchRepository
} from '../repositories/search-repository.js'
import { pinOf, toNode } from './resolvers.js'
import { noteRead } from './http-cache.js'
import type { Pin } from './ids.js'

interface SearchArgs { q: string, type?: EntityType | null, locale?: Locale | null, first?: number | null, after?: string | null, release?: number | null }
interface LookupArgs { system: string, code: string, locale?: Locale | null, release?: number | null }
interface Located { type: EntityType, slug: string, locale: Locale, requestedLocale: Locale }

// One repository per database handle: resolvers are created before the app, so they find it through the context.
const repositories = new WeakMap<object, SearchRepository>()
function repositoryOf (context: MercuriusContext): SearchRepository {
  const db = context.app.database.db
  let repository = repositories.get(db)
  if (!repository) repositories.set(db, repository = createSearchRepository(db))
  return repository
}

/** Hits and matches keep their snapshot and pin (not enumerable, like nodes) so `entity` resolves in the same release. */
function withSnapshot<T extends object> (value: T, snapshot: ReleaseSnapshot, pin: Pin): T {
  Object.defineProperty(value, 'pin', { value: pin, enumerable: false })
  return Object.defineProperty(value, 'snapshot', { value: snapshot, enumerable: false })
}

function entityOf (parent: Located & { snapshot?: ReleaseSnapshot, pin?: Pin }) {
  const resolved = parent.snapshot?.find(parent.type, parent.slug, parent.locale)
  return resolved && parent.snapshot ? toNode(parent.snapshot, resolved, parent.requestedLocale, parent.pin ?? null) : null
}

function checkRelease (release: number | null | undefined): number | undefined {
  if (release === null || release === undefined) return undefined
  if (!Number.isInteger(release) || release < 1) throw new BadRequestError('release: must be a positive integer')
  return release
}

export function createSearchResolvers () {
  return {
    Query: {
      search: async (_root: unknown, args: SearchArgs, context: MercuriusContext) => {
        const first = args.first ?? SEARCH_LIMIT_DEFAULT
        if (!Number.isInteger(first) || first < 1 || first > SEARCH_LIMIT_MAX) throw new BadRequestError(`first: must be an integer from 1 to ${SEARCH_LIMIT_MAX}`)
        const problem = searchQueryProblem(args.q)
        if (problem !== null) throw new BadRequestError(`q: ${problem}`)
        const release = checkRelease(args.release)
        const locale = args.locale ?? 'en'
        const cursorContext = { q: args.q, locale, type: args.type ?? undefined }
        const position = args.after ? decodeSearchCursor(args.after, cursorContext) : null
        if (position && release !== undefined && position.release !== release) throw new BadRequestError(`after: the cursor belongs to release ${position.release}, not ${release}`)
        const snapshot = await context.app.releases.snapshot(position?.release ?? release)
        const offset = position?.offset ?? 0
        const page = await repositoryOf(context).search({ release: snapshot.release.number, q: args.q, locale, type: args.type ?? undefined, limit: first, offset })
        const end = offset + page.hits.length
        // A cursor names its release, so a page read from one can never change (as on REST).
        const pin = pinOf(context, snapshot, position?.release ?? release)
        noteRead(context, pin === null ? 'current' : 'immutable', ['search', ...page.hits.map((hit) => `${hit.type}/${hit.slug}`)])
        const nodes = page.hits.map((hit) => withSnapshot({ ...hit, url: entityUrl(hit.type, hit.slug), requestedLocale: locale }, snapshot, pin))
        const cursors = nodes.map((_hit, index) => encodeSearchCursor(cursorContext, { release: snapshot.release.number, offset: offset + index + 1 }))
        return {
          nodes,
          edges: nodes.map((node, index) => ({ node, cursor: cursors[index] })),
          totalCount: page.total,
          release: snapshot.release.number,
          pageInfo: { hasNextPage: end < page.total, hasPreviousPage: offset > 0, startCursor: cursors[0] ?? null, endCursor: cursors.at(-1) ?? null }
        }
      },

      lookup: async (_root: unknown, args: LookupArgs, context: MercuriusContext) => {
        const system = parseCodeSystem(args.system)
        if (system === null) throw new BadRequestError(`system: "${args.system}" is not a code system this API knows; use ${Object.keys(CODE_SYSTEM_NAMES).join(', ')}`)
        const normalized = normalizeCode(system, args.code)
        if ('problem' in normalized) throw new BadRequestError(`code: "${args.code}" ${normalized.problem}`)
        const locale = args.locale ?? 'en'
        const snapshot = await context.app.releases.snapshot(checkRelease(args.release))
        const pin = pinOf(context, snapshot, args.release)
        const matches = repositoryOf(context).lookup(snapshot, system, normalized.code, locale)
        noteRead(context, pin === null ? 'current' : 'immutable', ['lookup', ...matches.map((match) => `${match.type}/${match.slug}`)])
        // Like condition(slug:) for an unknown slug: nothing carries the code → null, not an error.
        if (matches.length === 0) return null
        return {
          system,
          code: normalized.code,
          release: snapshot.release.number,
          matches: matches.map(({ localeFallback, ...match }) => withSnapshot({ ...match, localeFallback, url: entityUrl(match.type, match.slug), requestedLocale: locale }, snapshot, pin))
        }
      }
    },
    SearchHit: { entity: entityOf },
    CodeMatch: { entity: entityOf }
  }
}
