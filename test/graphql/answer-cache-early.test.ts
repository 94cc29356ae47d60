// A kept GraphQL answer is sent before the body schema and the request checks run (preValidation), which is safe
// only because the key names everything those checks read. So: a repeated request executes nothing, while a
// request that differs in anything the checks judge — a persisted-query hash, variables that are not a map, an
// operation name that is not a string — still gets its error, even when its document's answer is kept.
import { test } from 'tap'
import { build } from '../helper.js'

test('kept GraphQL answers come before validation, and never cover a mistake', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  let executions = 0
  app.graphql.addHook('preExecution', async () => { executions++ })
  const query = '{ condition(slug: "ptsd") { slug title risks { slug } } }'
  const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/graphql', payload, headers: { accept: 'application/graphql-response+json' } })

  const first = await post({ query })
  t.equal(first.statusCode, 200)
  t.equal(executions, 1)
  const again = await post({ query })
  t.equal(again.body, first.body, 'the same answer')
  t.equal(again.headers['content-type'], first.headers['content-type'])
  t.equal(again.headers['cache-control'], 'private, no-store', 'a POST answer is never stored by a shared cache')
  t.equal(executions, 1, 'nothing executed again')

  const mismatch = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } })
  t.equal(mismatch.statusCode, 400)
  t.equal(mismatch.json().errors[0].extensions.code, 'KCA_ERR_PERSISTED_QUERY_MISMATCH', 'a wrong hash is refused though the document is kept')
  const badVariables = await post({ query, variables: 'x' })
  t.equal(badVariables.statusCode, 400, 'variables that are not a map are refused')
  const badOperationName = await post({ query, operationName: 5 })
  t.equal(badOperationName.statusCode, 400, 'an operation name that is not a string is refused')
  t.equal(executions, 1, 'none of the mistakes executed')
})
