// What the command-line tools share: configuration, a database handle, and argument parsing.
import { parseArgs } from 'node:util'
import { createDatabase, type DatabaseHandle } from '../../db/client.js'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { DEFAULT_SEEDS_DIR } from '../plugins/app/content.js'
import type { ContentProblem } from '../content/corpus.js'
import { formatProblems } from '../content/problems.js'

export { DEFAULT_SEEDS_DIR }

export function configOrExit (): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
}

export async function openDatabase (config: Config): Promise<DatabaseHandle> {
  return createDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, poolSize: 2 })
}

export function parseCliArgs<T extends Record<string, { type: 'string' | 'boolean', short?: string }>> (options: T) {
  return parseArgs({ args: process.argv.slice(2), options, allowPositionals: false, strict: true }).values
}

export function printProblems (problems: ContentProblem[]): void {
  process.stderr.write(formatProblems(problems))
}
