// Keeps a CDN in front of the API exact: after this instance swaps in a new release, it purges the
// surrogate keys of every entity that changed since the release it held. Every instance does this after
// its OWN swap, so the last instance to swap purges last: a CDN refetch that reached a slower instance
// before it swapped is purged again, and no stale object outlives the last swap.
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import { purgeKeys, purgeKeysOf } from '../../cdn/purge.js'

export interface CdnPurgeOptions {
  config: Pick<Config, 'CDN_PURGE_URL' | 'CDN_PURGE_TOKEN'>
}

export default fp<CdnPurgeOptions>(async (app, options) => {
  const { CDN_PURGE_URL: url, CDN_PURGE_TOKEN: token } = options.config
  if (!url || !token) return
  let held = app.releases.currentRelease
  let queue: Promise<unknown> = Promise.resolve()
  app.releases.onSwap((release) => {
    const from = held
    held = release
    // An instance that just started has nothing of its own cached to correct; the instances that were
    // serving when the release was published purge for it.
    if (from === null || release === null || release <= from) return
    queue = queue.then(async () => {
      const changes = []
      for (let number = from + 1; number <= release; number++) changes.push(...await app.contentRepository.auditOfRelease(number))
      const outcome = await purgeKeys({ url, token }, purgeKeysOf(changes))
      const log = { release, keys: outcome.keys.length, attempts: outcome.attempts, status: outcome.status }
      if (outcome.purged) app.log.info(log, 'CDN purged the keys this release changed')
      else app.log.error(log, 'CDN purge failed; changed entities may be served stale until their max-age ends')
    }).catch((error: unknown) => app.log.error({ err: error, release }, 'CDN purge failed'))
  })
  app.addHook('onClose', async () => { await queue })
}, { name: 'cdn-purge', dependencies: ['content'] })
