// Mercurius sends resolver errors verbatim by default (database messages included). This formatter keeps
// the message only for errors we raised on purpose or for invalid documents, and masks everything else.
import type { ExecutionResult, GraphQLError } from 'graphql'
import type { MercuriusContext } from 'mercurius'

interface CodedError { code?: unknown, statusCode?: unknown, errors?: unknown }

export function formatGraphqlErrors (execution: ExecutionResult & { statusCode?: number }, context: MercuriusContext) {
  const log = context.reply?.log ?? context.app.log
  const requestId = context.reply?.request.id
  let clientStatus: number | undefined
  let internal = false
  const expand = (error: GraphQLError): GraphQLError[] => {
    const nested = (error.originalError as CodedError | undefined)?.errors
    return Array.isArray(nested) ? nested as GraphQLError[] : [error]
  }
  const errors = (execution.errors ?? []).flatMap(expand).map((error) => {
    const original = (error.originalError ?? undefined) as (Error & CodedError) | undefined
    const code = typeof original?.code === 'string' ? original.code : undefined
    const status = typeof original?.statusCode === 'number' ? original.statusCode : undefined
    const base = { locations: error.locations, path: error.path }
    if (code?.startsWith('KCA_ERR_') && status !== undefined && status < 500) {
      clientStatus ??= status
      return { ...base, message: error.message, extensions: { code, requestId } }
    }
    if (code?.startsWith('KCA_ERR_') && status === 503) {
      clientStatus = 503
      return { ...base, message: error.message, extensions: { code, requestId } }
    }
    if (!original || original.name === 'GraphQLError' || code === 'MER_ERR_GQL_VALIDATION') {
      // Syntax and validation errors describe the client's document; they carry no internals.
      clientStatus ??= 400
      return { ...base, message: error.message, extensions: { code: 'KCA_ERR_GRAPHQL_VALIDATION', requestId } }
    }
    internal = true
    log.error({ err: original, path: error.path }, 'GraphQL resolver failed')
    return { ...base, message: 'internal error; quote the requestId when reporting it', extensions: { code: 'KCA_ERR_INTERNAL', requestId } }
  })
  // A document rejected before execution has no data: the client gets its 4xx. Partial data stays 200.
  const statusCode = execution.data ? 200 : internal ? 500 : (clientStatus ?? 400)
  return { statusCode, response: { data: execution.data ?? null, errors } }
}
