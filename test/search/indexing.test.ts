// What gets into the search index and what comes out of it: published versions only (never drafts), per
// release, with snippets that are safe HTML, and a backfill that indexes older versions as the publisher does.
import { readFile } from 'node:fs/promises'
import { test } from 'tap'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../db/client.js'
import { MIGRATIONS_FOLDER } from '../../db/migrate.js'
import { build, testDatabase } from '../helper.js'
import { seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const section = (body: string) => [{ heading: 'Overview', id: 'overview', aspect: 'overview', cites: ['trial-one', 'review-two'], body }]

const CORPUS: SeedEntity[] = [
  { type: 'risk', slug: 'pelican-risk', sections: section('Pelicans are large water birds.') },
  { type: 'risk', slug: 'revised-risk', sections: section('Pelicans again, in the published text.') },
  { type: 'risk', slug: 'draft-risk', front: { status: 'draft', summary: 'Flamingo canary in a draft summary.' }, sections: section('Flamingo canary in a draft body.') },
  {
    type: 'risk',
    slug: 'markup-risk',
    sections: section('Hummingbird <script>alert("owned")</script> and <img src=x onerror=alert(1)> here, a < b & c > d, ' +
      '**strong hummingbird** and [a hummingbird link](https://example.org/x) with "quotes" and it\'s fine.')
  }
]

interface Hit { slug: string, snippet: string }

test('the search index', async (t) => {
  const database = await testDatabase(t)
  const seeds = await seedsDir(t, CORPUS)
  await publishSeedsDir(database, seeds, 'first')
  // A draft revision of a published entity: its published text stays searchable, the draft's never is.
  await seeds.write({ type: 'risk', slug: 'revised-risk', front: { status: 'draft' }, sections: section('Flamingo canary in a draft revision.') })
  await seeds.write({ type: 'risk', slug: 'pelican-risk', sections: section('Pelicans and cormorants are large water birds.') })
  await publishSeedsDir(database, seeds, 'second')
  await seeds.remove('risk', 'markup-risk')
  await publishSeedsDir(database, seeds, 'third: markup-risk withdrawn')
  const app = await build(t, { database })
  const search = async (query: string) => {
    const response = await app.inject({ method: 'GET', url: `/v1/search?${query}` })
    t.equal(response.statusCode, 200, query)
    return (response.json() as { items: Hit[] }).items
  }
  const slugs = (hits: Hit[]) => hits.map((hit) => hit.slug).sort()

  t.test('drafts are never indexed or found', async (t) => {
    t.same(await search('q=flamingo'), [])
    t.same(await search('q=canary'), [])
    for (const release of [1, 2, 3]) t.same(await search(`q=flamingo&release=${release}`), [])
    t.same(slugs(await search('q=pelicans')), ['pelican-risk', 'revised-risk'], 'the published text of an entity with a draft stays')
    const [row] = rowsOf<{ indexed: number, published: number }>(await database.db.execute(sql`
      select (select count(*)::int from version_search) as indexed,
             (select count(*)::int from entity_versions where state = 'published') as published`))
    t.equal(row?.indexed, row?.published, 'one row per published version, none for drafts or tombstones')
  })

  t.test('each release finds its own versions', async (t) => {
    t.same(slugs(await search('q=cormorants')), ['pelican-risk'])
    t.same(await search('q=cormorants&release=1'), [], 'release 1 had the older text')
    t.same(await search('q=hummingbird'), [], 'withdrawn in release 3')
    t.same(slugs(await search('q=hummingbird&release=2')), ['markup-risk'], 'still in the release that had it')
  })

  t.test('snippets are safe HTML: content is escaped, only <mark> tags appear', async (t) => {
    const [hit] = await search('q=hummingbird&release=2')
    const snippet = hit?.snippet ?? ''
    t.match(snippet, /<mark>Hummingbird<\/mark>/)
    t.same(snippet.match(/<[^>]*>/g)?.filter((tag) => !/^<\/?mark>$/.test(tag)) ?? [], [], 'no other tag')
    t.notMatch(snippet, /script|onerror|\*\*|\]\(|https:/, 'HTML and Markdown syntax are removed')
    t.match(snippet, /a &lt; b &amp; c &gt; d/)
    t.match(snippet, /&quot;quotes&quot; and it&#39;s fine/)
    t.match(snippet, /alert\(&quot;owned&quot;\)/, 'the text inside a removed tag is shown as text')
  })

  t.test('the migration backfill indexes older versions exactly as the publisher does', async (t) => {
    const indexed = async () => rowsOf<Record<string, unknown>>(await database.db.execute(sql`
      select version_id, language, title_text, summary_text, body_text, search_vector::text as vector from version_search order by version_id`))
    const published = await indexed()
    t.equal(published.length, 4, 'three versions in release 1, one in release 2, none for the draft or the tombstone')
    // As on a database whose versions were published before the search migration existed.
    await database.db.execute(sql`delete from version_search`)
    const migration = await readFile(`${MIGRATIONS_FOLDER}/0004_search_backfill.sql`, 'utf8')
    const backfill = migration.split('--> statement-breakpoint').map((statement) => statement.trim()).find((statement) => /insert into "version_search"/i.test(statement))
    t.ok(backfill, 'the migration has a backfill statement')
    await database.db.execute(sql.raw(backfill as string))
    t.same(await indexed(), published)
    t.same(slugs(await search('q=pelicans')), ['pelican-risk', 'revised-risk'])
  })
})
