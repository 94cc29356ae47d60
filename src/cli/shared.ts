// What the command-line tools share: configuration, argument parsing, and running a command where it may run.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { DEFAULT_SEEDS_DIR } from '../plugins/app/content.js'
import type { ContentProblem } from '../content/corpus.js'
import { formatProblems } from '../content/problems.js'
import type { CommandArgs, CommandName } from '../commands/index.js'
import { dispatchCommand } from './handoff.js'

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

/** The content directory a command works on, absolute: the server that may run it has another working directory. */
export function seedsDirOf (config: Config, given: string | undefined): string {
  return resolve(given ?? config.SEEDS_DIR ?? DEFAULT_SEEDS_DIR)
}

export function parseCliArgs<T extends Record<string, { type: 'string' | 'boolean', short?: string }>> (options: T) {
  return parseArgs({ args: process.argv.slice(2), options, allowPositionals: false, strict: true }).values
}

export function printProblems (problems: ContentProblem[]): void {
  process.stderr.write(formatProblems(problems))
}

/** Runs a command here or in the server that owns the embedded database, prints its output, sets the exit code. */
export async function executeCommand (config: Config, name: CommandName, args: CommandArgs): Promise<void> {
  const output = await dispatchCommand(config, name, args, { onWait: (message) => process.stderr.write(`${message}\n`) })
  process.stdout.write(output.stdout)
  process.stderr.write(output.stderr)
  process.exitCode = output.exitCode
}
