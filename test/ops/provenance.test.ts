// Provenance (issue 14, deliver 7): a release names its commit alone only when the content directory is clean;
// otherwise it records the commit, dirty, and a hash of the changed files, so two releases published from
// different uncommitted edits of one commit never look the same. Uses a git repository of the test's own.
import { execFile } from 'node:child_process'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { test } from 'tap'
import { loadCorpus } from '../../src/content/corpus.js'
import { publishCorpus } from '../../src/content/publish.js'
import { sourceRevision } from '../../src/content/git.js'
import { createContentRepository } from '../../src/repositories/content-repository.js'
import { SeedsDir, SMALL_CORPUS, seedsDir, type SeedEntity } from '../factories.js'
import { testDatabase } from '../helper.js'

const run = promisify(execFile)

test('a release records dirty and a hash of the changed files unless the content is committed', async (t) => {
  const repo = await mkdtemp(join(tmpdir(), 'kca-git-'))
  t.teardown(() => rm(repo, { recursive: true, force: true }))
  const git = (...args: string[]) => run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', ...args], { cwd: repo })
  await git('init', '-q')
  // The content lives in a subdirectory, beside code: only changes to the content make a release dirty.
  const seeds = new SeedsDir(join(repo, 'seeds'))
  await cp((await seedsDir(t, SMALL_CORPUS)).path, seeds.path, { recursive: true })
  await writeFile(join(repo, 'README.md'), 'code lives here\n')
  await git('add', '-A')
  await git('commit', '-qm', 'content')
  const head = (await git('rev-parse', 'HEAD')).stdout.trim()

  const database = await testDatabase(t)
  const repository = createContentRepository(database.db)
  const publish = async (note: string) => {
    const result = await publishCorpus(database.db, await loadCorpus(seeds.path), { changeNote: note, ...await sourceRevision(seeds.path) })
    const release = await repository.findRelease(result.release as number)
    const audit = await repository.auditOfRelease(result.release as number)
    return { release, audit }
  }

  await writeFile(join(repo, 'README.md'), 'code changed, not committed\n')
  const clean = await publish('clean')
  t.match(clean.release, { sourceCommit: head, sourceDirty: false, sourceChangesHash: null }, 'a change outside the content does not count')
  t.ok(clean.audit.length > 0)
  for (const row of clean.audit) t.match(row, { sourceCommit: head, sourceDirty: false, sourceChangesHash: null })

  const edited: SeedEntity = { type: 'risk', slug: 'low-risk', front: { summary: 'A first uncommitted edit of the low risk.' } }
  await seeds.write(edited)
  const first = await publish('first edit')
  t.match(first.release, { sourceCommit: head, sourceDirty: true, sourceChangesHash: /^[0-9a-f]{64}$/ }, 'the commit, dirty, and a hash')
  for (const row of first.audit) t.match(row, { sourceCommit: head, sourceDirty: true, sourceChangesHash: first.release?.sourceChangesHash })

  await seeds.write({ ...edited, front: { summary: 'A second, different uncommitted edit.' } })
  const second = await publish('second edit')
  t.match(second.release, { sourceCommit: head, sourceDirty: true })
  t.not(second.release?.sourceChangesHash, first.release?.sourceChangesHash, 'two different edits of one commit are told apart')

  // An untracked file is a change too; so is a deletion.
  await seeds.write({ type: 'risk', slug: 'new-risk' })
  const untracked = await sourceRevision(seeds.path)
  t.match(untracked, { sourceDirty: true })
  t.not(untracked.sourceChangesHash, second.release?.sourceChangesHash)
  await seeds.remove('risk', 'new-risk')
  t.equal((await sourceRevision(seeds.path)).sourceChangesHash, second.release?.sourceChangesHash, 'the hash is a function of the changed files only')

  await git('add', '-A')
  await git('commit', '-qm', 'edit')
  const committed = await sourceRevision(seeds.path)
  t.same(committed, { sourceCommit: (await git('rev-parse', 'HEAD')).stdout.trim(), sourceDirty: false, sourceChangesHash: null }, 'committed: the commit alone')

  const outside = await mkdtemp(join(tmpdir(), 'kca-nogit-'))
  t.teardown(() => rm(outside, { recursive: true, force: true }))
  t.same(await sourceRevision(outside), { sourceCommit: null, sourceDirty: false, sourceChangesHash: null }, 'outside a work tree nothing is claimed')
})
