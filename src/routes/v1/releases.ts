// Releases (numbered, immutable snapshots of the whole content set) and the changes feed that lets a
// client sync a local store: every created, updated and withdrawn event, in publish order.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ChangeEventSchema, ProblemSchema, ReleaseDetailSchema, ReleaseSchema } from '../../../schema/api.js'
import type { ReleaseRecord } from '../../repositories/content-repository.js'
import { changeEvent, decodeChangeCursor, encodeChangeCursor } from '../../delivery/changes.js'
import { ReleaseNotFoundError } from '../../errors.js'
import { setFreshness } from '../../plugins/app/freshness.js'

const FEED_LIMIT_MAX = 500
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
      description: 'Every created, updated and withdrawn event in publish order. Start with since=0 (or none), then pass the last nextCursor. ' +
        'Replaying the feed from zero reproduces the current content set exactly, withdrawals included. Drafts never appear.',
      tags: ['releases'],
      querystring: Type.Object({
        since: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: FEED_LIMIT_MAX, default: 100 }))
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
    const limit = request.query.limit ?? 100
    const rows = await app.contentRepository.listAudit({ after, limit: limit + 1 })
    const page = rows.slice(0, limit)
    setFreshness(reply, { policy: 'feed', keys: ['changes'] })
    return {
      items: page.map(changeEvent),
      nextCursor: page.length > 0 ? encodeChangeCursor(page.at(-1)?.id as number) : (request.query.since ?? '0'),
      hasMore: rows.length > limit
    }
  })
}

export default releaseRoutes
