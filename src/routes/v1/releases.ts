// Releases (numbered, immutable snapshots of the whole content set), the changes feed that lets a client sync a
// local store (every created, updated and withdrawn event, in publish order), and the attribution terms.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AttributionSchema, ChangeEventSchema, PageProperties, ProblemSchema, ReleaseDetailSchema, ReleaseSchema } from '../../../schema/api.js'
import { CursorSchema, LocaleSchema, PAGE_SIZES, PageSizeSchema, StringEnum, type EntityType } from '../../../schema/common.js'
import type { ReleaseRecord } from '../../delivery/reads.js'
import { changeEvent } from '../../delivery/changes.js'
import { entityMetaOf, renderEntity } from '../../delivery/representation.js'
import { negotiateLocale } from '../../delivery/locale.js'
import { setFreshness } from '../../plugins/app/freshness.js'
import { entityJsonWithEtag } from './entity-json.js'

// 401, 429 and 503 apply to every route and are added with the OpenAPI document.
const problems = { 400: ProblemSchema }
const sizes = (read: 'releases' | 'changes', extra = '') => PageSizeSchema(read, `page size, at most ${PAGE_SIZES[read].max}${extra} (GraphQL first:)`)

function releaseOut (release: ReleaseRecord) {
  return {
    number: release.number,
    changeNote: release.changeNote,
    sourceCommit: release.sourceCommit,
    createdAt: release.createdAt.toISOString(),
    entityCount: release.entityCount,
    stats: release.stats,
    url: `/v1/releases/${release.number}`
  }
}

const releaseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/releases', {
    schema: {
      summary: 'List releases, newest first',
      operationId: 'listReleases',
      tags: ['releases'],
      querystring: Type.Object({ limit: sizes('releases'), after: Type.Optional(CursorSchema) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ items: Type.Array(ReleaseSchema), ...PageProperties, current: Type.Union([Type.Integer(), Type.Null()]) }),
        ...problems
      }
    }
  }, async (request, reply) => {
    const page = await app.delivery.listReleases(request.query)
    setFreshness(reply, { policy: 'feed', keys: ['list/releases'] })
    return { items: page.items.map(releaseOut), nextCursor: page.nextCursor, hasMore: page.hasMore, current: page.current }
  })

  app.get('/releases/:number', {
    schema: {
      summary: 'One release and what changed in it',
      operationId: 'getRelease',
      tags: ['releases'],
      params: Type.Object({ number: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false }),
      response: { 200: ReleaseDetailSchema, ...problems, 404: ProblemSchema }
    }
  }, async (request, reply) => {
    const { release, changes } = await app.delivery.getRelease(request.params.number)
    setFreshness(reply, { policy: 'immutable', keys: [`release/${release.number}`], lastModified: release.createdAt })
    return { ...releaseOut(release), changes: changes.map(changeEvent) }
  })

  app.get('/changes', {
    schema: {
      summary: 'Changes feed',
      operationId: 'listChanges',
      description: 'Every created, updated and withdrawn event in publish order, one per entity and locale whose representation changed ' +
        '(a link added or removed from the other side, a linked entity retitled or withdrawn, or a new translation included). ' +
        'Start with no after= (or after=0), then pass the last nextCursor. Replaying the feed from zero reproduces the current content set exactly, ' +
        'withdrawals included. Drafts never appear. With include=entity each event carries the new version\'s representation and ETag ' +
        `(at most ${PAGE_SIZES.changes.maxWithEntity} events a page); locale= keeps only that locale's events.`,
      tags: ['releases'],
      querystring: Type.Object({
        after: Type.Optional(CursorSchema),
        limit: sizes('changes', `, or ${PAGE_SIZES.changes.maxWithEntity} with include=entity`),
        include: Type.Optional(StringEnum(['entity'] as const, { description: 'entity: carry each new version\'s representation' })),
        locale: Type.Optional(LocaleSchema)
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(ChangeEventSchema),
          nextCursor: Type.String({ description: 'pass as after= next time; the same cursor again when there is nothing new (GraphQL pageInfo.endCursor)' }),
          hasMore: PageProperties.hasMore
        }),
        ...problems
      }
    }
  }, async (request, reply) => {
    const { after, limit, locale } = request.query
    const page = await app.delivery.readChanges({ after, limit, locale, withEntity: request.query.include === 'entity' })
    const items = []
    for (const row of page.items) {
      const event = changeEvent(row)
      if (!page.versions) {
        items.push(event)
        continue
      }
      const resolved = await app.delivery.entityOfEvent(row, page.versions)
      if (!resolved) {
        items.push({ ...event, entity: null, etag: null })
        continue
      }
      // Exactly what GET /v1/{type}/{slug}?locale=<event locale> serves while this version is current.
      const body = { ...renderEntity(null, resolved, { fields: null, include: [], locale: resolved.entity.document.locale }), meta: entityMetaOf(resolved.entity.document.locale, false) }
      const { json, etag } = entityJsonWithEtag(reply, row.type as EntityType, body)
      items.push({ ...event, entity: JSON.parse(json) as Record<string, unknown>, etag })
    }
    setFreshness(reply, { policy: 'feed', keys: ['changes'] })
    return { items, nextCursor: page.nextCursor as string, hasMore: page.hasMore }
  })

  app.get('/attribution', {
    schema: {
      summary: 'Attribution, licence and disclaimer',
      operationId: 'getAttribution',
      description: 'What a partner must show next to the content: the same text every answer carries in `meta` (GraphQL `attribution`).',
      tags: ['releases'],
      querystring: Type.Object({ locale: Type.Optional(LocaleSchema) }, { additionalProperties: false }),
      response: { 200: AttributionSchema, ...problems }
    }
  }, async (request, reply) => {
    const locale = negotiateLocale(request.query.locale, request.headers['accept-language'])
    reply.header('content-language', locale)
    reply.header('vary', 'accept-language')
    setFreshness(reply, { policy: 'current', keys: ['attribution'] })
    return app.delivery.attribution(locale)
  })
}

export default releaseRoutes
