// `npm run preview` (issue 15, item 10): the working files, drafts included, as the embed HTML and JSON at a
// local URL, re-rendered after a save, with nothing written to any database.
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'tap'
import { startPreview } from '../../src/content/preview.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'

/** Polls until `check` passes or the time is up: the file watcher answers within a fraction of a second. */
async function eventually (check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await sleep(100)
  }
  return check()
}

test('the preview serves the working files and shows a saved edit without publishing', async (t) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const preview = await startPreview({ seedsDir: seeds.path, port: 0 })
  t.teardown(preview.close)
  t.match(preview.url, /^http:\/\/127\.0\.0\.1:\d+$/)

  const index = await (await fetch(`${preview.url}/`)).text()
  t.match(index, /<code>risk\/low-risk<\/code> <a href="\/embed\/risks\/low-risk\?locale=en">en<\/a>/)
  t.match(index, /content:check finds no problem/)

  const page = await fetch(`${preview.url}/embed/risks/low-risk`)
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /text\/html/)
  const html = await page.text()
  t.match(html, /<p class="kca-summary">A short summary of low-risk\.<\/p>/, 'the embed fragment, rendered by the API\'s renderer')
  t.match(html, /not published/)

  await seeds.write({ type: 'risk', slug: 'low-risk', front: { summary: 'Edited a moment ago and saved.' } })
  const htmlUpdated = await eventually(async () => (await (await fetch(`${preview.url}/embed/risks/low-risk`)).text()).includes('<p class="kca-summary">Edited a moment ago and saved.</p>'))
  t.ok(htmlUpdated, 'the embed page shows the saved text')
  const json = await (await fetch(`${preview.url}/v1/risks/low-risk`)).json() as { summary: string, meta: { preview: boolean } }
  t.equal(json.summary, 'Edited a moment ago and saved.')
  t.equal(json.meta.preview, true)

  const spanish = await (await fetch(`${preview.url}/v1/conditions/alpha-disorder?locale=es`)).json() as { locale: string, title: string }
  t.same([spanish.locale, spanish.title], ['es', 'Título de alpha-disorder'])
  t.equal((await fetch(`${preview.url}/embed/risks/nowhere`)).status, 404)
  t.equal((await fetch(`${preview.url}/v1/gadgets/low-risk`)).status, 404)
})

test('drafts are visible in the preview, marked as drafts', async (t) => {
  const seeds = await seedsDir(t, [...SMALL_CORPUS, { type: 'topic', slug: 'work-in-progress', front: { status: 'draft' } }])
  const preview = await startPreview({ seedsDir: seeds.path, port: 0, watch: false })
  t.teardown(preview.close)
  t.match(await (await fetch(`${preview.url}/`)).text(), /<code>topic\/work-in-progress<\/code> <a href="\/embed\/topics\/work-in-progress\?locale=en">en \(draft\)<\/a>/)
  const html = await (await fetch(`${preview.url}/embed/topics/work-in-progress`)).text()
  t.match(html, /DRAFT — Preview of topic\/work-in-progress \(en\)/)
  t.match(html, /<h1 class="kca-title" id="[^"]+">Title of work-in-progress<\/h1>/)
  const json = await (await fetch(`${preview.url}/v1/topics/work-in-progress`)).json() as { status: string }
  t.equal(json.status, 'draft')
})

test('problems in the files are listed on the index with file:line:column', async (t) => {
  const seeds = await seedsDir(t, SMALL_CORPUS)
  const preview = await startPreview({ seedsDir: seeds.path, port: 0, watch: false })
  t.teardown(preview.close)
  await seeds.write({ type: 'risk', slug: 'high-risk', front: { severity: 'extreme' } })
  await preview.reload()
  const index = await (await fetch(`${preview.url}/`)).text()
  t.match(index, /1 problem\(s\): content:publish would refuse these files/)
  t.match(index, /risk\/high-risk\.en\.md:9:11: severity: must be one of: low, moderate, high \(found &quot;extreme&quot;\)/)
})
