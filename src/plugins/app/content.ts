// Our content services as decorators: the repository, and the release store that serves reads from memory.
// On an empty database the seeds are published first, so a fresh clone answers with real content.
import fp from 'fastify-plugin'
import { createContentRepository, type ContentRepository } from '../../repositories/content-repository.js'
import { ReleaseStore } from '../../delivery/release-store.js'
import { loadCorpus } from '../../content/corpus.js'
import { publishCorpus, RELEASE_CHANNEL } from '../../content/publish.js'
import { ContentInvalidError } from '../../errors.js'
import { sourceRevision } from '../../content/git.js'
import { packagePath } from '../../paths.js'

declare module 'fastify' {
  interface FastifyInstance {
    contentRepository: ContentRepository
    releases: ReleaseStore
  }
}

export const DEFAULT_SEEDS_DIR = packagePath('seeds')

export interface ContentPluginOptions {
  seedsDir?: string | undefined
  /** Publish the seeds when the database has no release yet (default true). */
  publishOnEmpty?: boolean | undefined
  /** Safety net behind LISTEN/NOTIFY: look for a new release this often (default 30 s; 0 turns it off). */
  releasePollMs?: number | undefined
}

export default fp<ContentPluginOptions>(async (app, options) => {
  const repository = createContentRepository(app.database.db)
  const releases = new ReleaseStore(repository)
  app.decorate('contentRepository', repository)
  app.decorate('releases', releases)

  if (options.publishOnEmpty !== false && await repository.latestReleaseNumber() === null) {
    const seedsDir = options.seedsDir ?? DEFAULT_SEEDS_DIR
    const corpus = await loadCorpus(seedsDir)
    if (corpus.problems.length > 0) {
      for (const problem of corpus.problems) app.log.error(problem, 'content problem')
      throw new ContentInvalidError(corpus.problems)
    }
    const result = await publishCorpus(app.database.db, corpus, { changeNote: 'Initial publication of the seed content', ...await sourceRevision(seedsDir) })
    app.log.info({ release: result.release, changes: result.changes.length }, 'published the seed content into the empty database')
  }
  const release = await releases.refresh()
  app.log.info({ release }, 'release loaded')

  // Another instance (or the publish command) announces each release; every instance swaps it in.
  let refreshing: Promise<unknown> | null = null
  const refresh = (reason: string) => {
    refreshing ??= releases.refresh()
      .then((number) => app.log.info({ release: number, reason }, 'release refreshed'))
      .catch((error: unknown) => app.log.warn({ err: error, reason }, 'release refresh failed; serving the release held'))
      .finally(() => { refreshing = null })
    return refreshing
  }
  const unlisten = await app.database.listen(RELEASE_CHANNEL, () => { refresh('notify') })
  const pollMs = options.releasePollMs ?? 30_000
  const poll = pollMs > 0 ? setInterval(() => { refresh('poll') }, pollMs).unref() : null
  app.addHook('onClose', async () => {
    if (poll) clearInterval(poll)
    await unlisten().catch(() => {})
    await refreshing
  })
}, { name: 'content', dependencies: ['database'] })
