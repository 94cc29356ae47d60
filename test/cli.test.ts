// The editors' commands as editors run them: exit codes and messages.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { test } from 'tap'
import { SMALL_CORPUS, seedsDir } from './factories.js'
import { testConfig } from './helper.js'

const run = async (script: string, args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      timeout: 60_000
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failure = error as { code: number, stdout: string, stderr: string }
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr }
  }
}

test('content:check reports each problem with file, field and reason, and exits non-zero', async (t) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const valid = await run('content-check', ['--seeds', seeds.path])
  t.equal(valid.code, 0)
  t.match(valid.stdout, /content is valid: 7 files/)
  t.match(valid.stdout, /Reading grade/)
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { severity: 'extreme', frequency: 'sometimes' } })
  const invalid = await run('content-check', ['--seeds', seeds.path])
  t.equal(invalid.code, 1)
  t.match(invalid.stderr, /risk\/low-risk\.en\.md:9:11: severity: must be one of: low, moderate, high \(found "extreme"\)/)
  t.match(invalid.stderr, /risk\/low-risk\.en\.md:10:12: frequency: must be one of: common, uncommon, rare, unknown \(found "sometimes"\)/)
  t.match(invalid.stderr, /2 problem\(s\) found; nothing was changed/)
})

test('content:publish then content:check --diff on a database of its own', { skip: testConfig.DATABASE_URL ? 'uses an embedded database directory' : false }, async (t) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const env = { PGLITE_DIR: `${seeds.path}/db/pglite` }
  const first = await run('content-publish', ['--seeds', seeds.path, '--note', 'From the CLI'], env)
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, /published release 1: 7 change\(s\)/)
  const again = await run('content-publish', ['--seeds', seeds.path], env)
  t.match(again.stdout, /nothing to publish/)
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Changed for the diff.' } })
  const diff = await run('content-check', ['--seeds', seeds.path, '--diff', '--quiet'], env)
  t.equal(diff.code, 0, diff.stderr)
  t.match(diff.stdout, /updated\s+risk\/low-risk \(en\) → version 2: readingGrade, summary/)
  t.match(diff.stdout, /\n {4}summary: \[-A short summary of low-risk-\]\{\+Changed for the diff\+\}\.\n/, 'the edited summary as a word diff, plain text when piped')
  const verify = await run('content-verify', [], env)
  t.match(verify.stdout, /7 versions checked, 0 problem\(s\)/)
  const key = await run('keys', ['create', '--name', 'CLI partner', '--scopes', 'read,preview'], env)
  t.match(key.stdout, /kca_[A-Za-z0-9]{10}_[A-Za-z0-9_-]{43}/)
  const badScope = await run('keys', ['create', '--name', 'x', '--scopes', 'admin'], env)
  t.equal(badScope.code, 2)
  t.match(badScope.stderr, /unknown scope\(s\): admin/)
})
