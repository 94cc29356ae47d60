// Our content services as decorators: the repository, the release store that serves reads from memory, and the
// delivery layer over them that both doors read through.
// On an empty database the seeds are published first, so a fresh clone answers with real content.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createContentRepository, type ContentRepository } from '../../repositories/content-repository.js'
import { createSearchRepository } from '../../repositories/search-repository.js'
import { ReleaseStore } from '../../delivery/release-store.js'
import { createDelivery, type Delivery } from '../../delivery/reads.js'
import { loadCorpus, type Corpus } from '../../content/corpus.js'
import { publishCorpus, RELEASE_CHANNEL } from '../../content/publish.js'
import { ContentConflictError, ContentInvalidError } from '../../errors.js'
import { sourceRevision } from '../../content/git.js'
import { packagePath } from '../../paths.js'

declare module 'fastify' {
  interface FastifyInstance {
    contentRepository: ContentRepository
    releases: ReleaseStore
    /** Every read use case, for the REST routes and the GraphQL resolvers alike. */
    delivery: Delivery
    /** Re-reads the newest release and swaps it in; resolves with the release served once a refresh that started after the call is done. */
    refreshRelease: (reason: string) => Promise<number | null>
  }
}

export const DEFAULT_SEEDS_DIR = packagePath('seeds')

export interface ContentPluginOptions {
  seedsDir?: string | undefined
  /** Publish the seeds when the database has no release yet (default true). */
  publishOnEmpty?: boolean | undefined
  /** Safety net behind LISTEN/NOTIFY: look for a new release this often (default 30 s; 0 turns it off). */
  releasePollMs?: number | undefined
  /** How long an instance that lost the race to publish the seeds waits for the winner's release (default 60 s). */
  bootWaitMs?: number | undefined
}

export interface Coalesced<A> {
  /** Resolves once a run that started after this call has finished. */
  (arg: A): Promise<void>
  /** Resolves when nothing is running. */
  idle: () => Promise<void>
}

/**
 * At most one run at a time, and no trigger lost: a call while a run is in flight schedules exactly one more run
 * after it (that run reads what the in-flight one may have missed); further calls meanwhile share that run.
 * `fn` must not reject.
 */
export function coalesce<A> (fn: (arg: A) => Promise<void>): Coalesced<A> {
  let running: Promise<void> | null = null
  let pending: { arg: A } | null = null
  const start = (arg: A): Promise<void> => {
    const run = (async () => {
      let next: { arg: A } | null = { arg }
      try {
        while (next) {
          pending = null
          await fn(next.arg)
          next = pending
        }
      } finally {
        // In the same tick as the last check of `pending`: a call from here on starts a new run.
        running = null
      }
    })()
    running = run
    return run
  }
  const call = ((arg: A) => {
    if (!running) return start(arg)
    pending = { arg }
    return running
  }) as Coalesced<A>
  call.idle = async () => { await running }
  return call
}

// Instances started together on an empty database all try to publish the seeds; the publish lock lets one
// through and the others get a conflict. A loser waits for the winner's release instead of failing its start,
// and tries again itself if the winner gave up (its transaction rolled back): the release appears exactly once.
async function publishSeedsIfEmpty (app: FastifyInstance, repository: ContentRepository, seedsDir: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs
  let corpus: Corpus | null = null
  while (await repository.latestReleaseNumber() === null) {
    corpus ??= await loadCorpus(seedsDir)
    if (corpus.problems.length > 0) {
      for (const problem of corpus.problems) app.log.error(problem, 'content problem')
      throw new ContentInvalidError(corpus.problems)
    }
    try {
      const result = await publishCorpus(app.database.db, corpus, { changeNote: 'Initial publication of the seed content', ...await sourceRevision(seedsDir) })
      if (result.release !== null) app.log.info({ release: result.release, changes: result.changes.length }, 'published the seed content into the empty database')
      return
    } catch (error) {
      if (!(error instanceof ContentConflictError) || Date.now() > deadline) throw error
      app.log.info('another instance is publishing the seed content; waiting for its release')
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

export default fp<ContentPluginOptions>(async (app, options) => {
  const repository = createContentRepository(app.database.db)
  const releases = new ReleaseStore(repository)
  app.decorate('contentRepository', repository)
  app.decorate('releases', releases)
  app.decorate('delivery', createDelivery({ releases, content: repository, search: createSearchRepository(app.database.db) }))

  if (options.publishOnEmpty !== false) await publishSeedsIfEmpty(app, repository, options.seedsDir ?? DEFAULT_SEEDS_DIR, options.bootWaitMs ?? 60_000)
  const release = await releases.refresh()
  app.log.info({ release }, 'release loaded')

  // Another instance (or the publish command) announces each release; every instance swaps it in.
  const refresh = coalesce(async (reason: string) => {
    try {
      const number = await releases.refresh()
      app.log.info({ release: number, reason }, 'release refreshed')
    } catch (error) {
      app.log.warn({ err: error, reason }, 'release refresh failed; serving the release held')
    }
  })
  app.decorate('refreshRelease', async (reason: string) => {
    await refresh(reason)
    return releases.currentRelease
  })
  // A NOTIFY sent while the LISTEN connection was down is lost for good: every (re)connect re-checks.
  const unlisten = await app.database.listen(RELEASE_CHANNEL, () => { refresh('notify') }, () => { refresh('listen') })
  const pollMs = options.releasePollMs ?? 30_000
  const poll = pollMs > 0 ? setInterval(() => { refresh('poll') }, pollMs).unref() : null
  app.addHook('onClose', async () => {
    if (poll) clearInterval(poll)
    await unlisten().catch(() => {})
    await refresh.idle()
  })
}, { name: 'content', dependencies: ['database'] })
