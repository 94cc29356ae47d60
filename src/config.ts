// The only place that reads process.env: every setting is validated by schema/env.ts before anything starts.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv } from 'ajv'
import { EnvSchema, type Env } from '../schema/env.js'
import { jsonPointerToPath } from './content/validation.js'

/** The settings, with the public base URL always resolved (derived from HOST and PORT when unset). */
export type Config = Env & { PUBLIC_BASE_URL: string }

export class ConfigError extends Error {}

const validate = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false }).compile(EnvSchema)

/**
 * Loads `.env` from the working directory into process.env when the file exists. Variables already in the
 * environment win (Node's own --env-file rule), so a deployment's settings are never overridden by a stray file.
 * Node's `--env-file-if-exists` would do the same, but only from the command line: the CLIs and `npm start` share this.
 */
export function loadEnvFile (path = resolve('.env')): boolean {
  if (!existsSync(path)) return false
  process.loadEnvFile(path)
  return true
}

/** Without an argument: process.env after `.env` (when present) is loaded. Tests pass their own object. */
export function loadConfig (env?: Record<string, string | undefined>): Config {
  if (env === undefined) loadEnvFile()
  const source = env ?? process.env
  const candidate: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key]
    if (value !== undefined && value !== '') candidate[key] = value
  }
  if (!validate(candidate)) {
    const problems = (validate.errors ?? []).map((error) => {
      const name = jsonPointerToPath(error.instancePath) || String((error.params as { missingProperty?: string }).missingProperty ?? '')
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues
      return `${name}=${JSON.stringify(source[name] ?? '')} ${allowed ? `must be one of ${allowed.join(', ')}` : error.message ?? 'is invalid'}`
    })
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  if (candidate.GRAPHQL_TRUSTED_DOCUMENTS === 'on' && candidate.GRAPHQL_TRUSTED_DOCUMENTS_PATH === undefined) {
    throw new ConfigError('invalid configuration: GRAPHQL_TRUSTED_DOCUMENTS=on needs GRAPHQL_TRUSTED_DOCUMENTS_PATH (the documents to allow)')
  }
  if ((candidate.CDN_PURGE_URL === undefined) !== (candidate.CDN_PURGE_TOKEN === undefined)) {
    throw new ConfigError('invalid configuration: CDN_PURGE_URL and CDN_PURGE_TOKEN are set together or not at all')
  }
  const config = candidate as Env
  return { ...config, PUBLIC_BASE_URL: config.PUBLIC_BASE_URL ?? defaultBaseUrl(config.HOST, config.PORT) }
}

/** Where a client on this machine reaches the server: a wildcard address is not one a browser can open. */
function defaultBaseUrl (host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${name}:${port}`
}
