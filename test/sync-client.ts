// A sync client exactly as the README tells one to be written, and the check that it holds what the server
// serves. Used by the sync tests; not a test file itself.
import type { FastifyInstance } from 'fastify'
import { ENTITY_TYPES, LOCALES, TYPE_PLURALS, type EntityType } from '../schema/common.js'

interface Held { body: Record<string, unknown>, etag: string }
interface FeedEvent { action: string, type: EntityType, slug: string, locale: string, entity?: Record<string, unknown> | null, etag?: string | null }

/** Keeps one representation per (type, slug, locale), fed only by GET /v1/changes?include=entity. */
export class SyncClient {
  readonly store = new Map<string, Held>()
  cursor = '0'
  requests = 0

  constructor (private readonly app: FastifyInstance, private readonly pageSize = 100) {}

  async pull (): Promise<FeedEvent[]> {
    const applied: FeedEvent[] = []
    for (;;) {
      const response = await this.app.inject(`/v1/changes?after=${this.cursor}&limit=${this.pageSize}&include=entity`)
      this.requests++
      if (response.statusCode !== 200) throw new Error(`feed answered ${response.statusCode}: ${response.payload}`)
      const page = response.json() as { items: FeedEvent[], nextCursor: string, hasMore: boolean }
      for (const event of page.items) {
        const key = `${event.type}/${event.slug}/${event.locale}`
        if (event.action === 'withdrawn') this.store.delete(key)
        else this.store.set(key, { body: event.entity as Record<string, unknown>, etag: event.etag as string })
        applied.push(event)
      }
      this.cursor = page.nextCursor
      if (!page.hasMore) return applied
    }
  }
}

interface ServerAnswer { status: number, body: Record<string, unknown>, etag: string | undefined }

/** Every entity the server lists in the current release, as `type/slug`. */
export async function liveEntities (app: FastifyInstance): Promise<string[]> {
  const live: string[] = []
  for (const type of ENTITY_TYPES) {
    let cursor = ''
    for (;;) {
      const page = (await app.inject(`/v1/${TYPE_PLURALS[type]}?limit=100&fields=slug${cursor}`)).json() as { items: Array<{ slug: string }>, nextCursor: string | null }
      live.push(...page.items.map((item) => `${type}/${item.slug}`))
      if (page.nextCursor === null) break
      cursor = `&after=${page.nextCursor}`
    }
  }
  return live
}

async function read (app: FastifyInstance, entity: string, locale: string): Promise<ServerAnswer> {
  const [type, slug] = entity.split('/') as [EntityType, string]
  const response = await app.inject(`/v1/${TYPE_PLURALS[type]}/${slug}?locale=${locale}`)
  return { status: response.statusCode, body: response.json() as Record<string, unknown>, etag: response.headers.etag as string | undefined }
}

export interface SyncProblem { key: string, problem: string }

/**
 * The documented rule: for every live entity and every locale it exists in, the client holds exactly the JSON and
 * ETag that GET serves; for a locale it does not exist in, the server answers with the English representation
 * (meta names the fallback) and the client holds nothing under that locale; for anything else the client holds
 * nothing, and `extra` (entities that are gone) answer 404 or 410.
 */
export async function syncProblems (app: FastifyInstance, clients: SyncClient | SyncClient[], extra: string[] = []): Promise<SyncProblem[]> {
  const all = Array.isArray(clients) ? clients : [clients]
  const problems: SyncProblem[] = []
  const report = (index: number, key: string, problem: string) => problems.push({ key: all.length > 1 ? `client ${index}: ${key}` : key, problem })
  const expected = new Set<string>()
  for (const entity of await liveEntities(app)) {
    for (const locale of LOCALES) {
      const key = `${entity}/${locale}`
      const answer = await read(app, entity, locale)
      if (answer.status !== 200) {
        problems.push({ key, problem: `listed, but GET answered ${answer.status}` })
        continue
      }
      const meta = answer.body.meta as { localeFallback: boolean, requestedLocale: string }
      const served = JSON.stringify(sorted(answer.body))
      const { meta: _served, ...servedFields } = answer.body
      const servedWithoutMeta = JSON.stringify(sorted(servedFields))
      if (!meta.localeFallback) expected.add(key)
      else if (meta.requestedLocale !== locale) problems.push({ key, problem: `fallback meta names ${meta.requestedLocale}` })
      for (const [index, client] of all.entries()) {
        if (!meta.localeFallback) {
          const held = client.store.get(key)
          if (!held) report(index, key, 'served but not held')
          else {
            if (JSON.stringify(sorted(held.body)) !== served) report(index, key, `held JSON differs: ${JSON.stringify(held.body)} vs ${JSON.stringify(answer.body)}`)
            if (held.etag !== answer.etag) report(index, key, `held ETag ${held.etag}, served ${answer.etag}`)
          }
          continue
        }
        // A fallback answer: the English representation, with meta saying what was asked for.
        if (client.store.has(key)) report(index, key, 'held, but the server has no such translation')
        const english = client.store.get(`${entity}/en`)
        if (!english) report(index, key, 'fallback served, but English not held')
        else {
          const { meta: _held, ...heldFields } = english.body
          if (JSON.stringify(sorted(heldFields)) !== servedWithoutMeta) report(index, key, 'fallback differs from the English copy held')
        }
      }
    }
  }
  for (const [index, client] of all.entries()) {
    for (const key of client.store.keys()) {
      if (!expected.has(key)) report(index, key, 'held, but not served')
    }
  }
  for (const entity of extra) {
    for (const locale of LOCALES) {
      const status = (await read(app, entity, locale)).status
      if (status !== 404 && status !== 410) problems.push({ key: `${entity}/${locale}`, problem: `expected 404 or 410, got ${status}` })
      for (const [index, client] of all.entries()) {
        if (client.store.has(`${entity}/${locale}`)) report(index, `${entity}/${locale}`, `held, but the server answers ${status}`)
      }
    }
  }
  return problems
}

/** JSON with keys in a fixed order: equality of content, whatever order a serializer chose. */
function sorted (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => [key, sorted(item)]))
}
