// The only place that reads process.env: every setting is validated by schema/env.ts before anything starts.
import { Ajv } from 'ajv'
import { EnvSchema, type Env } from '../schema/env.js'
import { jsonPointerToPath } from './content/validation.js'

export type Config = Env

export class ConfigError extends Error {}

const validate = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false }).compile(EnvSchema)

export function loadConfig (env: Record<string, string | undefined> = process.env): Config {
  const candidate: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') candidate[key] = value
  }
  if (!validate(candidate)) {
    const problems = (validate.errors ?? []).map((error) => {
      const name = jsonPointerToPath(error.instancePath) || String((error.params as { missingProperty?: string }).missingProperty ?? '')
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues
      return `${name}=${JSON.stringify(env[name] ?? '')} ${allowed ? `must be one of ${allowed.join(', ')}` : error.message ?? 'is invalid'}`
    })
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  if (candidate.GRAPHQL_TRUSTED_DOCUMENTS === 'on' && candidate.GRAPHQL_TRUSTED_DOCUMENTS_PATH === undefined) {
    throw new ConfigError('invalid configuration: GRAPHQL_TRUSTED_DOCUMENTS=on needs GRAPHQL_TRUSTED_DOCUMENTS_PATH (the documents to allow)')
  }
  if ((candidate.CDN_PURGE_URL === undefined) !== (candidate.CDN_PURGE_TOKEN === undefined)) {
    throw new ConfigError('invalid configuration: CDN_PURGE_URL and CDN_PURGE_TOKEN are set together or not at all')
  }
  return candidate as Config
}
