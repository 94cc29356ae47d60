// The HTTP server with a front door: a request may be answered before Fastify builds a request and a reply for
// it. Only the answer caches use it (src/plugins/app/response-cache.ts), for reads whose whole answer is already in
// memory; everything else, and anything the door is unsure of, goes to Fastify as it arrived.
// The server is made here because Fastify's `serverFactory` is the documented place to stand in front of its
// handler; the timeouts are applied as Fastify applies them to a server of its own (lib/server.js).
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http'
import type { FastifyServerOptions } from 'fastify'

export type FastifyHandler = (request: IncomingMessage, response: ServerResponse) => void
/**
 * Answers the request and returns true, or returns false and leaves the request untouched for Fastify. A lane
 * that has taken a request and then finds it cannot answer it passes it on itself, with `fastify`.
 */
export type FrontDoorLane = (request: IncomingMessage, response: ServerResponse, fastify: FastifyHandler) => boolean

interface Door { lane: FrontDoorLane | null }
const doors = new WeakMap<Server, Door>()

export function serverWithFrontDoor (fastify: FastifyHandler, options: FastifyServerOptions): Server {
  const door: Door = { lane: null }
  const server = createServer((options as { http?: ServerOptions }).http ?? {}, (request, response) => {
    if (door.lane === null || !door.lane(request, response, fastify)) fastify(request, response)
  })
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout
  if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout
  if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout)
  if (options.maxRequestsPerSocket !== undefined && options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket
  doors.set(server, door)
  return server
}

/** Sends requests through `lane` first (null closes the door). False when the server has no front door. */
export function setFrontDoorLane (server: Server, lane: FrontDoorLane | null): boolean {
  const door = doors.get(server)
  if (!door) return false
  door.lane = lane
  return true
}

/** The lane requests now go through first (null when the door is closed or the server has none). */
export function frontDoorLane (server: Server): FrontDoorLane | null {
  return doors.get(server)?.lane ?? null
}
