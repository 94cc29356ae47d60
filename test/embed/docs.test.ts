// The README's "Embedding" section lists every kca- class and every --kca- custom property partners can style:
// the classes are collected from what the embed pages really render and from the web component's source, so a
// new class or property fails here until it is documented.
import { readFile } from 'node:fs/promises'
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { SMALL_CORPUS, seedsDir } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8')

/** A class is documented by name, or, for a modifier (kca-x--y), by its pattern `kca-x--{…}`. */
function documented (section: string, name: string): boolean {
  if (section.includes(`\`${name}\``)) return true
  const base = name.split('--')[0]
  return name.includes('--') && section.includes(`\`${base}--{`)
}

test('README documents every kca- class and custom property', async (t) => {
  const readme = await read('README.md')
  const section = /^## Embedding\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? ''
  t.ok(section.length > 0, 'README has an "Embedding" section')
  for (const example of ['<ketamine-content', '<iframe src=', '/oembed?url=', 'kca:resize', 'review status', 'crisis lines', 'attribution', 'licence']) {
    t.ok(section.replace(/\s+/g, ' ').includes(example), `the section covers ${example}`)
  }

  const database = await testDatabase(t)
  const seeds = await seedsDir(t, [...SMALL_CORPUS, { type: 'risk', slug: 'soon-withdrawn' }])
  await publishSeedsDir(database, seeds, 'first release')
  await seeds.remove('risk', 'soon-withdrawn')
  await publishSeedsDir(database, seeds, 'withdraw soon-withdrawn')
  const app = await build(t, { database })
  const pages = ['/embed/conditions/alpha-disorder', '/embed/conditions/beta-syndrome?locale=es', '/embed/risks/high-risk', '/embed/risks/soon-withdrawn',
    '/embed/topics/no-such-topic', '/embed/widgets/x']
  const classes = new Set<string>()
  for (const url of pages) {
    const html = (await app.inject({ method: 'GET', url })).body
    for (const [, list = ''] of html.matchAll(/class="([^"]*)"/g)) for (const name of list.split(/\s+/)) if (name) classes.add(name)
  }
  const [script, css] = await Promise.all([read('public/embed.js'), read('public/embed.css')])
  // The component's classes: string literals and template heads, as element() and className receive them.
  for (const [, name = ''] of script.matchAll(/['`](kca-[a-z0-9-]+)/g)) classes.add(name.replace(/-+$/, ''))
  for (const [, name = ''] of (await read('src/routes/embed.ts')).matchAll(/class="(kca-[a-z0-9-]+)/g)) classes.add(name.replace(/-+$/, ''))
  // Event names share the prefix but are not classes.
  for (const event of ['kca-load', 'kca-error']) t.match(section, `\`${event}\``, `event ${event} documented`)
  const undocumented = [...classes].filter((name) => name.startsWith('kca-') && !['kca-load', 'kca-error'].includes(name) && !documented(section, name))
  t.ok(classes.size > 30, `${classes.size} classes collected`)
  t.same(undocumented, [], 'every class is in the README table')

  const properties = new Set([...`${css}\n${script}`.matchAll(/--kca-[a-z-]+/g)].map(([name]) => name))
  t.ok(properties.size >= 10, `${properties.size} custom properties collected`)
  t.same([...properties].filter((name) => !section.includes(`\`${name}\``)), [], 'every custom property is in the README table')
})
