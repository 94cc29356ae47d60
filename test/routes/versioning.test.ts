// The "versioned" promise end to end: history, diffs, pinned releases, withdrawal, the changes feed and
// HTTP freshness, on one small corpus edited the way an editor would.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

test('edit one condition, delete one risk, publish: history, diff, pinning, 410, feed, freshness', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds, 'first release')
  const app = await build(t, { database })
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers })

  const before = await get('/v1/conditions/alpha-disorder')
  const etagBefore = before.headers.etag as string
  t.match(etagBefore, /^"[A-Za-z0-9_-]{32}"$/, 'strong ETag')

  await seeds.write({ ...SMALL_CORPUS[0], front: { ...SMALL_CORPUS[0]?.front, summary: 'An edited summary for release two.' } } as typeof SMALL_CORPUS[number])
  await seeds.remove('risk', 'low-risk')
  // The condition links to the removed risk: an editor removes the link too, or content:check refuses.
  await seeds.write({ type: 'condition', slug: 'alpha-disorder', front: { evidenceStatus: 'approved', summary: 'An edited summary for release two.', related: [{ type: 'risk', slug: 'high-risk' }, { type: 'mechanism', slug: 'gate-blocking' }] } })
  const published = await publishSeedsDir(database, seeds, 'Edit alpha, withdraw low-risk')
  t.equal(published.release, 2)
  await app.releases.refresh()

  t.test('versions and diff', async (t) => {
    const versions = (await get('/v1/conditions/alpha-disorder/versions')).json()
    t.same(versions.items.map((item: { version: number, release: number }) => [item.version, item.release]), [[1, 1], [2, 2]])
    const diff = await get('/v1/conditions/alpha-disorder/versions/2/diff?from=1')
    t.equal(diff.statusCode, 200)
    t.equal(diff.json().changeNote, 'Edit alpha, withdraw low-risk')
    t.match(diff.json().changes, [
      // What its own file declares, and what it shows (links from either side, resolved): both changed.
      { path: 'declaredRelated', change: 'changed' },
      { path: 'readingGrade', change: 'changed' },
      { path: 'related', change: 'changed' },
      { path: 'summary', change: 'changed', before: 'A short summary of alpha-disorder.', after: 'An edited summary for release two.' }
    ])
    t.equal(diff.headers['cache-control'], 'public, max-age=31536000, immutable')
    const defaultFrom = await get('/v1/conditions/alpha-disorder/versions/2/diff')
    t.equal(defaultFrom.json().from, 1)
    t.equal((await get('/v1/conditions/alpha-disorder/versions/1/diff')).statusCode, 400)
  })

  t.test('a pinned release still shows the old text and links', async (t) => {
    const pinned = (await get('/v1/conditions/alpha-disorder?release=1&include=risks')).json()
    t.equal(pinned.summary, 'A short summary of alpha-disorder.')
    t.same(pinned.risks.map((risk: { slug: string }) => risk.slug), ['high-risk', 'low-risk'])
    const current = (await get('/v1/conditions/alpha-disorder?include=risks')).json()
    t.same(current.risks.map((risk: { slug: string }) => risk.slug), ['high-risk'], 'the withdrawn risk left the links')
    const pinnedRisk = await get('/v1/risks/low-risk?release=1')
    t.equal(pinnedRisk.statusCode, 200, 'it existed in release 1')
  })

  t.test('the withdrawn risk answers 410 with its tombstone and keeps its history', async (t) => {
    const gone = await get('/v1/risks/low-risk')
    t.equal(gone.statusCode, 410)
    t.match(gone.json(), {
      code: 'KCA_ERR_GONE',
      tombstone: { type: 'risk', slug: 'low-risk', release: 2, version: 2, changeNote: 'Edit alpha, withdraw low-risk', versions: '/v1/risks/low-risk/versions', withdrawnAt: /^\d{4}-/ }
    })
    const first = await get('/v1/risks/low-risk/versions/1')
    t.equal(first.statusCode, 200)
    t.equal(first.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal((await get('/v1/risks/low-risk/versions/2')).statusCode, 410)
    t.notOk((await get('/v1/risks')).json().items.some((item: { slug: string }) => item.slug === 'low-risk'))
  })

  t.test('releases', async (t) => {
    const list = (await get('/v1/releases')).json()
    t.same(list.items.map((release: { number: number }) => release.number), [2, 1])
    t.equal(list.current, 2)
    const two = (await get('/v1/releases/2')).json()
    // The Spanish text shares the English links, so dropping a link makes a new Spanish version too.
    t.match(two, { number: 2, changeNote: 'Edit alpha, withdraw low-risk', stats: { created: 0, updated: 2, withdrawn: 1 }, entityCount: SMALL_CORPUS.length - 1 })
    t.same(two.changes.map((change: { action: string, slug: string, locale: string }) => `${change.action} ${change.slug} ${change.locale}`),
      ['updated alpha-disorder en', 'updated alpha-disorder es', 'withdrawn low-risk en'])
    t.equal((await get('/v1/releases/3')).statusCode, 404)
  })

  t.test('the changes feed shows the withdrawal and pages with cursors', async (t) => {
    const all = (await get('/v1/changes?after=0&limit=500')).json()
    t.same(all.items.slice(-3).map((change: { action: string, slug: string }) => `${change.action} ${change.slug}`), ['updated alpha-disorder', 'updated alpha-disorder', 'withdrawn low-risk'])
    const firstPage = (await get('/v1/changes?limit=3')).json()
    t.equal(firstPage.items.length, 3)
    t.equal(firstPage.hasMore, true)
    const rest = (await get(`/v1/changes?after=${firstPage.nextCursor}&limit=500`)).json()
    t.same([...firstPage.items, ...rest.items].map((change: { cursor: string }) => change.cursor), all.items.map((change: { cursor: string }) => change.cursor))
    const empty = (await get(`/v1/changes?after=${all.nextCursor}`)).json()
    t.same(empty.items, [])
    t.equal(empty.nextCursor, all.nextCursor, 'nothing new: the cursor stays')
    t.equal((await get('/v1/changes?after=bm9wZQ')).statusCode, 400)
  })

  t.test('HTTP freshness', async (t) => {
    const current = await get('/v1/conditions/alpha-disorder')
    t.not(current.headers.etag, etagBefore, 'a new version, a new ETag')
    t.equal(current.headers['cache-control'], 'public, max-age=60, stale-while-revalidate=600, stale-if-error=86400')
    t.equal(current.headers['surrogate-key'], 'condition/alpha-disorder')
    t.equal(current.headers['cache-tag'], 'condition/alpha-disorder')
    t.ok(current.headers['last-modified'])
    const notModified = await get('/v1/conditions/alpha-disorder', { 'if-none-match': current.headers.etag as string })
    t.equal(notModified.statusCode, 304)
    t.equal(notModified.body, '')
    t.equal(notModified.headers.etag, current.headers.etag)
    t.equal((await get('/v1/conditions/alpha-disorder', { 'if-none-match': `W/${current.headers.etag as string}, "other"` })).statusCode, 304, 'weak comparison')
    t.equal((await get('/v1/conditions/alpha-disorder', { 'if-none-match': etagBefore })).statusCode, 200, 'a stale ETag gets the new body')
    t.equal((await get('/v1/conditions/alpha-disorder', { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() })).statusCode, 304)
    t.equal((await get('/v1/conditions/alpha-disorder?release=1')).headers['cache-control'], 'public, max-age=31536000, immutable')
    const included = await get('/v1/conditions/alpha-disorder?include=risks')
    t.match(included.headers['surrogate-key'], /condition\/alpha-disorder.*risk\/high-risk/)
    const list = await get('/v1/risks')
    t.match(list.headers['surrogate-key'], /^list\/risks risk\/high-risk$/)
    t.equal((await get('/v1/nothing')).headers.etag, undefined, 'errors carry no ETag')
  })

  t.test('ETags are stable across restarts', async (t) => {
    const other = await build(t, { database })
    const again = await other.inject('/v1/conditions/alpha-disorder')
    const here = await get('/v1/conditions/alpha-disorder')
    t.equal(again.headers.etag, here.headers.etag)
  })
})

test('the changes feed replayed from zero reproduces the current set exactly', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, SMALL_CORPUS)
  await publishSeedsDir(database, seeds)
  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Second text.' } })
  await seeds.remove('topic', 'the-basics')
  await publishSeedsDir(database, seeds)
  await seeds.write({ type: 'topic', slug: 'the-basics', front: { summary: 'It came back.' } })
  await seeds.remove('condition', 'alpha-disorder', 'es')
  await publishSeedsDir(database, seeds)
  const app = await build(t, { database })

  const local = new Map<string, string>()
  let cursor = '0'
  for (let page = 0; page < 50; page++) {
    const body = (await app.inject(`/v1/changes?after=${cursor}&limit=2`)).json()
    for (const change of body.items) {
      const key = `${change.type}/${change.slug}/${change.locale}`
      if (change.action === 'withdrawn') local.delete(key)
      else local.set(key, change.contentHash)
    }
    cursor = body.nextCursor
    if (!body.hasMore) break
  }
  const server = new Map<string, string>()
  for (const plural of ['topics', 'conditions', 'risks', 'mechanisms']) {
    for (const locale of ['en', 'es']) {
      for (const item of (await app.inject(`/v1/${plural}?locale=${locale}&fields=contentHash`)).json().items) {
        if (item.locale === locale) server.set(`${item.type}/${item.slug}/${item.locale}`, item.contentHash)
      }
    }
  }
  t.same([...local.entries()].sort(), [...server.entries()].sort())
  t.notOk(local.has('condition/alpha-disorder/es'), 'the withdrawn translation is gone')
  t.equal(local.get('topic/the-basics/en'), server.get('topic/the-basics/en'), 're-created after withdrawal')
})
