// The error catalogue: what every problem `type` (`/docs/errors#KCA_ERR_…`) points at. Generated from the error
// registry, so a code cannot be sent without an entry here; HTML for people, JSON for tools.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ERROR_CATALOGUE, ERROR_CATALOGUE_PATH, problemType, type ErrorCode } from '../errors.js'
import { escapeHtml } from '../delivery/html.js'
import { strongEtag } from '../plugins/app/freshness.js'

const CatalogueEntrySchema = Type.Object({
  code: Type.String({ pattern: '^[A-Z][A-Z_]+$' }),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  title: Type.String(),
  meaning: Type.String(),
  seenIn: Type.Array(Type.String(), { description: 'rest, graphql, http (before routing) or cli (publishing only)' }),
  type: Type.String({ description: 'the problem `type` REST answers carry for this code' })
})

const CatalogueSchema = Type.Object({ items: Type.Array(CatalogueEntrySchema) }, { description: 'every error code the service sends' })

const entries = (Object.entries(ERROR_CATALOGUE) as Array<[ErrorCode, typeof ERROR_CATALOGUE[ErrorCode]]>)
  .sort(([a, left], [b, right]) => left.status - right.status || a.localeCompare(b))
  .map(([code, entry]) => ({ code, status: entry.status, title: entry.title, meaning: entry.meaning, seenIn: [...entry.seenIn], type: problemType(code) }))

/** Backticks in a meaning mark code; everything else is text. */
function inlineCode (text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

function cataloguePage (): string {
  const rows = entries.map((entry) => [
    `<tr id="${entry.code}">`,
    `<td><a href="#${entry.code}"><code>${entry.code}</code></a></td>`,
    `<td>${entry.status}</td>`,
    `<td>${escapeHtml(entry.title)}</td>`,
    `<td>${inlineCode(entry.meaning)}</td>`,
    `<td>${entry.seenIn.join(', ')}</td>`,
    '</tr>'
  ].join(''))
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">',
    '<title>Error codes · ketamine-content-api</title></head>',
    '<body><main>',
    '<h1>Error codes</h1>',
    '<p>REST errors are <code>application/problem+json</code> (RFC 9457) with <code>type</code> pointing at a row of this table, ' +
      '<code>code</code>, <code>status</code>, <code>detail</code> and the <code>requestId</code>; GraphQL errors carry the same code in ' +
      `<code>extensions.code</code>. The list as JSON: <a href="${ERROR_CATALOGUE_PATH}.json">${ERROR_CATALOGUE_PATH}.json</a>.</p>`,
    '<table>',
    '<thead><tr><th scope="col">code</th><th scope="col">status</th><th scope="col">title</th><th scope="col">meaning</th><th scope="col">seen in</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
    '</main></body>',
    '</html>'
  ].join('\n')
}

const errorCatalogueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const page = cataloguePage()
  const pageEtag = strongEtag(page)
  app.get(ERROR_CATALOGUE_PATH, {
    schema: {
      summary: 'Error catalogue (HTML)',
      description: 'Every error code with its status, title and meaning; each row is the target of a problem `type` URL (`/docs/errors#KCA_ERR_…`).',
      tags: ['documentation'],
      operationId: 'getErrorCatalogue',
      response: { 200: { description: 'an HTML page', content: { 'text/html': { schema: Type.String() } } } }
    }
  }, async (_request, reply) => {
    return reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=3600').header('etag', pageEtag).send(page)
  })
  app.get(`${ERROR_CATALOGUE_PATH}.json`, {
    schema: {
      summary: 'Error catalogue (JSON)',
      description: 'The same list as the HTML catalogue, for tools.',
      tags: ['documentation'],
      operationId: 'listErrorCodes',
      response: { 200: CatalogueSchema }
    }
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600')
    return { items: entries }
  })
}

export default errorCatalogueRoutes
