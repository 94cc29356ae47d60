// Releases (numbered, immutable snapshots of the whole content set) and the changes feed that lets a
// client sync a local store: every created, updated and withdrawn event, in publish order.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ChangeEventSchema, ProblemSchema, ReleaseDetailSchema, ReleaseSchema } from '../../../schema/api.js'
import { LocaleSchema, StringEnum, type EntityType } from '../../../schema/common.js'
import type { ReleaseRecord } from '../../repositories/content-repository.js'
import { changeEvent, decodeChangeCursor, encodeChangeCursor, FEED_ENTITY_LIMIT_MAX, FEED_LIMIT_MAX, versionsOfEvents } from '../../delivery/changes.js'
import { entityMetaOf, renderEntity, resolvedFromVersion } from '../../delivery/representation.js'
import { BadRequestError, ReleaseNotFoundError } from '../../errors.js'
import { setFreshness } from '../../plugins/app/freshness.js'
import { entityJsonWithEtag } from './entity-json.js'

// 401, 429 and 503 apply to every route and are added with the OpenAPI document.
const problems = { 400: ProblemSchema }

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
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
        before: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'only releases older than this number (the next page)' }))
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ items: Type.Array(ReleaseSchema), nextBefore: Type.Union([Type.Integer(), Type.Null()]), current: Type.Union([Type.Integer(), Type.Null()]) }),
        ...problems
      }
    }
  }, async (request, reply) => {
    const limit = request.query.limit ?? 25
    const rows = await app.contentRepository.listReleases({ before: request.query.before, limit: limit + 1 })
    const page = rows.slice(0, limit)
    setFreshness(reply, { policy: 'feed', keys: ['list/releases'] })
    return {
      items: page.map(releaseOut),
      nextBefore: rows.length > limit ? page.at(-1)?.number ?? null : null,
      current: app.releases.currentRelease
    }
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
    const release = await app.contentRepository.findRelease(request.params.number)
    if (!release) throw new ReleaseNotFoundError(request.params.number)
    const changes = await app.contentRepository.auditOfRelease(release.number)
    setFreshness(reply, { policy: 'immutable', keys: [`release/${release.number}`], lastModified: release.createdAt })
    return { ...releaseOut(release), changes: changes.map(changeEvent) }
  })

  app.get('/changes', {
    schema: {
      summary: 'Changes feed',
      operationId: 'listChanges',
      description: 'Every created, updated and withdrawn event in publish order, one per entity and locale whose representation changed ' +
        '(a link added or removed from the other side, a linked entity retitled or withdrawn, or a new translation included). ' +
        'Start with since=0 (or none), then pass the last nextCursor. Replaying the feed from zero reproduces the current content set exactly, ' +
        'withdrawals included. Drafts never appear. With include=entity each event carries the new version\'s representation and ETag ' +
        `(at most ${FEED_ENTITY_LIMIT_MAX} events a page); locale= keeps only that locale's events.`,
      tags: ['releases'],
      querystring: Type.Object({
        since: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: FEED_LIMIT_MAX, default: 100, description: `at most ${FEED_LIMIT_MAX}, or ${FEED_ENTITY_LIMIT_MAX} with include=entity` })),
        include: Type.Optional(StringEnum(['entity'] as const, { description: 'entity: carry each new version\'s representation' })),
        locale: Type.Optional(LocaleSchema)
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(ChangeEventSchema),
          nextCursor: Type.String({ description: 'pass as since= next time; equals since when there is nothing new' }),
          hasMore: Type.Boolean()
        }),
        ...problems
      }
    }
  }, async (request, reply) => {
    const after = decodeChangeCursor(request.query.since)
    const withEntity = request.query.include === 'entity'
    const limit = request.query.limit ?? 100
    if (withEntity && limit > FEED_ENTITY_LIMIT_MAX) throw new BadRequestError(`limit: at most ${FEED_ENTITY_LIMIT_MAX} with include=entity`)
    const rows = await app.contentRepository.listAudit({ after, limit: limit + 1, locale: request.query.locale })
    const page = rows.slice(0, limit)
    const versions = withEntity ? await versionsOfEvents(app.contentRepository, page) : null
    const items = []
    for (const row of page) {
      const event = changeEvent(row)
      if (!versions) {
        items.push(event)
        continue
      }
      const record = versions.get(`${row.entityId}#${row.version}`)
      if (!record || record.state !== 'published') {
        items.push({ ...event, entity: null, etag: null })
        continue
      }
      // Exactly what GET /v1/{type}/{slug}?locale=<event locale> serves while this version is current.
      const resolved = await resolvedFromVersion(record, app.releases)
      const body = { ...renderEntity(null, resolved, { fields: null, include: [], locale: record.locale }), meta: entityMetaOf(record.locale, false) }
      const { json, etag } = entityJsonWithEtag(reply, record.type as EntityType, body)
      items.push({ ...event, entity: JSON.parse(json) as Record<string, unknown>, etag })
    }
    setFreshness(reply, { policy: 'feed', keys: ['changes'] })
    return {
      items,
      nextCursor: page.length > 0 ? encodeChangeCursor(page.at(-1)?.id as number) : (request.query.since ?? '0'),
      hasMore: rows.length > limit
    }
  })
}

export default releaseRoutes
