// What a GraphQL GET answer may be cached for, gathered while it is resolved: the REST rules (current content
// briefly, pinned and versioned content for a year, feeds for seconds) applied to every root field the document
// reads, the least cacheable winning; and the Surrogate-Key of every entity and list the answer contains.
import type { MercuriusContext } from 'mercurius'
import type { CachePolicy } from '../plugins/app/freshness.js'

const ORDER: CachePolicy[] = ['private', 'feed', 'current', 'immutable']

export interface AnswerFreshness { policy: CachePolicy | null, keys: Set<string> }

const answers = new WeakMap<object, AnswerFreshness>()

/** Called by resolvers: this answer includes what `keys` name, read under `policy`. */
export function noteRead (context: MercuriusContext, policy: CachePolicy | null, keys: Iterable<string> = []): void {
  const key = context.reply?.request ?? context
  let freshness = answers.get(key)
  if (!freshness) answers.set(key, freshness = { policy: null, keys: new Set() })
  if (policy !== null && (freshness.policy === null || ORDER.indexOf(policy) < ORDER.indexOf(freshness.policy))) freshness.policy = policy
  for (const name of keys) freshness.keys.add(name)
}

/** What the resolvers noted for this request; a document that read nothing of ours (`__typename`) is current. */
export function answerFreshness (request: object): { policy: CachePolicy, keys: string[] } {
  const freshness = answers.get(request)
  return { policy: freshness?.policy ?? 'current', keys: [...(freshness?.keys ?? [])] }
}
