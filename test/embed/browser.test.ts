// The partner surfaces in a real browser: Debian's chromium, driven by playwright-core, opens a page on a
// second local origin that embeds PTSD twice, as the iframe and as the web component, under a strict CSP of
// its own. Screenshots land in test/artifacts/ (ignored by git).
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { seedCorpusDatabase } from './helper.js'
import { build } from '../helper.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url))

function partnerPage (api: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner clinic</title>
</head>
<body>
<h1>Partner clinic: PTSD</h1>
<iframe id="frame" src="${api}/embed/conditions/ptsd" title="PTSD, from ketamine-content-api" width="640" height="900"></iframe>
<ketamine-content id="component" type="condition" slug="ptsd" locale="es"></ketamine-content>
<script type="module" src="${api}/embed.js"></script>
</body>
</html>`
}

async function listen (server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

if (!existsSync(CHROMIUM)) {
  t.plan(0, `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`)
} else {
  t.test('a partner page shows the iframe and the web component', async (t) => {
    const { chromium } = await import('playwright-core')
    const app = await build(t, { database: await seedCorpusDatabase(t) })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const apiPort = (app.server.address() as AddressInfo).port
    const api = `http://127.0.0.1:${apiPort}`

    const partner = createServer((request, response) => {
      if (request.url !== '/') {
        response.writeHead(404).end()
        return
      }
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // A partner with a strict policy of its own: no inline styles or scripts, and only our origin allowed.
        'content-security-policy': `default-src 'none'; script-src ${api}; connect-src ${api}; frame-src ${api}; style-src 'self'`
      }).end(partnerPage(api))
    })
    const partnerPort = await listen(partner)
    t.teardown(() => new Promise((resolve) => partner.close(resolve)))
    const partnerUrl = `http://127.0.0.1:${partnerPort}/`

    const userDataDir = await mkdtemp(join(tmpdir(), 'kca-chromium-'))
    t.teardown(() => rm(userDataDir, { recursive: true, force: true }))
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 1000 }
    })
    t.teardown(() => context.close())

    const requested: string[] = []
    const consoleErrors: string[] = []
    context.on('request', (request) => { requested.push(request.url()) })
    context.on('page', (page) => {
      page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(`${message.text()} ${message.location().url}`) })
      page.on('pageerror', (error) => { consoleErrors.push(error.message) })
    })

    const page = await context.newPage()
    await page.goto(partnerUrl, { waitUntil: 'load' })

    const frame = page.frameLocator('#frame')
    await frame.locator('.kca-title').waitFor({ state: 'visible' })
    t.equal(await frame.locator('.kca-title').textContent(), 'Post-traumatic stress disorder (PTSD)', 'iframe: content')
    t.equal(await frame.locator('.kca-review').textContent(), 'Not yet reviewed by a clinician', 'iframe: review status')
    t.ok(await frame.locator('.kca-review').isVisible(), 'iframe: review status is visible')
    t.match(await frame.locator('.kca-attribution').textContent(), /ketamine-content-api contributors, CC BY 4\.0/, 'iframe: attribution')
    t.ok(await frame.locator('.kca-attribution').isVisible(), 'iframe: attribution is visible')
    t.ok(await frame.locator('.kca-citations li').count() > 0, 'iframe: numbered citations')

    // Playwright's CSS locators pierce open shadow roots.
    const component = page.locator('#component')
    await component.locator('.kca-title').waitFor({ state: 'visible' })
    t.equal(await component.locator('.kca-title').textContent(), 'Trastorno de estrés postraumático (TEPT)', 'component: content in Spanish')
    t.equal(await component.locator('.kca-review').textContent(), 'Aún no revisado por un profesional clínico', 'component: review status')
    t.ok(await component.locator('.kca-review').isVisible(), 'component: review status is visible')
    t.match(await component.locator('.kca-attribution').textContent(), /CC BY 4\.0/, 'component: attribution')
    t.ok(await component.locator('.kca-attribution').isVisible(), 'component: attribution is visible')
    t.ok(await component.locator('.kca-section-body li').count() > 0, 'component: Markdown lists became list items')
    t.equal(await component.locator('.kca-crisis-resource').count(), 3, 'component: Spanish crisis lines')
    t.equal(await page.locator('#component').getAttribute('aria-busy'), null, 'component: finished loading')

    await mkdir(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'embed-partner-page.png'), fullPage: true })

    // The embed page alone on a phone: readable without sideways scrolling.
    const phone = await context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await phone.goto(`${api}/embed/conditions/ptsd?locale=es`, { waitUntil: 'load' })
    t.ok(await phone.locator('.kca-title').isVisible(), 'phone: content')
    t.ok(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'phone: no horizontal scrolling')
    await phone.screenshot({ path: join(ARTIFACTS, 'embed-phone.png') })

    t.same(consoleErrors, [], 'no console errors')
    const allowed = new Set([`127.0.0.1:${apiPort}`, `127.0.0.1:${partnerPort}`])
    t.same(requested.filter((url) => !allowed.has(new URL(url).host)), [], 'every request went to our two origins')
    t.ok(requested.some((url) => url.startsWith(`${api}/v1/conditions/ptsd`)), 'the component read the entity from the API')
  })
}
