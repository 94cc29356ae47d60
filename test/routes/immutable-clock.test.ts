// Issue 10, Deliver 7: nothing in an immutable body depends on the clock. A reviewed entity's version is read in
// JSON, HTML and JSON-LD, then again with the clock a year later (past its next review date): same bytes.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const DAY = 86_400_000
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10)

/** Moves `new Date()` and `Date.now()` by `offset` ms; dates built from a value are untouched. */
function shiftClock (offset: number): () => void {
  const RealDate = Date
  class ShiftedDate extends RealDate {
    constructor (...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offset)
      else super(...(args as [string]))
    }

    static override now (): number {
      return RealDate.now() + offset
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor
  return () => { globalThis.Date = RealDate }
}

test('versions/1 and release-pinned reads are byte-identical a year later', async (t) => {
  const now = Date.now()
  const database = await testDatabase(t)
  // Reviewed 200 days ago, due in 100 days: current today, overdue a year from now.
  const review = { reviewedBy: [{ name: 'Ada Example', credentials: 'MD' }], lastReviewed: isoDay(now - 200 * DAY), nextReviewDue: isoDay(now + 100 * DAY) }
  const seeds = await seedsDir(t, [
    { type: 'condition', slug: 'x', front: { review, related: [{ type: 'risk', slug: 'y' }] } },
    { type: 'condition', slug: 'x', locale: 'es' },
    { type: 'risk', slug: 'y', front: { review: { reviewedBy: review.reviewedBy, lastReviewed: review.lastReviewed } } }
  ])
  await publishSeedsDir(database, seeds)
  const app = await build(t, { database })
  const urls = [
    '/v1/conditions/x/versions/1', '/v1/conditions/x/versions/1?format=html', '/v1/conditions/x/versions/1?format=jsonld',
    '/v1/conditions/x/versions/1?locale=es', '/v1/conditions/x/versions/1?locale=es&format=html',
    '/v1/risks/y/versions/1', '/v1/risks/y/versions/1?format=html',
    '/v1/conditions/x?release=1', '/v1/conditions/x.html?release=1', '/v1/conditions/x.jsonld?release=1'
  ]
  const readAll = async () => {
    // Nothing may come from a cache: each body is rendered again under the clock of the moment.
    app.responseCache.clear()
    const answers = []
    for (const url of urls) {
      const response = await app.inject(url)
      answers.push({ url, status: response.statusCode, payload: response.payload, etag: response.headers.etag, cacheControl: response.headers['cache-control'] })
    }
    return answers
  }
  const today = await readAll()
  t.ok(today.every((answer) => answer.status === 200 && answer.cacheControl === 'public, max-age=31536000, immutable'), 'all immutable')
  t.match(JSON.parse(today[0]?.payload ?? '{}'), { review: { reviewStatus: 'reviewed', nextReviewDue: review.nextReviewDue } })
  t.match(JSON.parse(today[5]?.payload ?? '{}'), { review: { reviewStatus: 'reviewed', nextReviewDue: isoDay(Date.parse(review.lastReviewed) + 365 * DAY) } }, 'a due date derived from lastReviewed alone')

  const restore = shiftClock(366 * DAY)
  let later
  try {
    t.ok(new Date().getTime() - now > 365 * DAY, 'the clock moved')
    later = await readAll()
  } finally {
    restore()
  }
  for (const [index, answer] of today.entries()) {
    t.equal(later[index]?.payload, answer.payload, `${answer.url}: same bytes a year later`)
    t.equal(later[index]?.etag, answer.etag, `${answer.url}: same ETag`)
  }
})
