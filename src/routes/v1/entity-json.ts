// One serializer for an entity's JSON body, shared by the entity routes and the changes feed: the feed's
// `include=entity` carries the very bytes (hence the ETag) that GET /v1/{type}/{slug} sends.
import type { FastifyReply } from 'fastify'
import { entityResponseSchema } from '../../../schema/api.js'
import type { EntityType } from '../../../schema/common.js'
import { strongEtag } from '../../plugins/app/freshness.js'

/** The body as GET sends it: serialized by the entity response schema (nothing undeclared leaks). */
export function entityJson (reply: FastifyReply, type: EntityType, body: Record<string, unknown>): string {
  return reply.compileSerializationSchema(entityResponseSchema(type))(body)
}

/** Sends the serialized body; the freshness hook derives the ETag from exactly these bytes. */
export function sendEntityJson (reply: FastifyReply, type: EntityType, body: Record<string, unknown>): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(entityJson(reply, type, body))
}

/** The representation and the ETag GET would send for it. */
export function entityJsonWithEtag (reply: FastifyReply, type: EntityType, body: Record<string, unknown>): { json: string, etag: string } {
  const json = entityJson(reply, type, body)
  return { json, etag: strongEtag(json) }
}
