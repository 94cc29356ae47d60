// Content for tests, written in the editors' file format into a temporary seeds directory, so every test
// exercises the real loader, validator and publisher. Nothing here reads the editorial seeds.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import type { TestContext } from './helper.js'

export const TEST_SOURCES = [
  { id: 'trial-one', title: 'A randomized trial of something', authors: 'Doe J, Roe R', year: 2010, publisher: 'Journal of Tests', doi: '10.1000/test.1', verified: true },
  { id: 'review-two', title: 'A systematic review of things', authors: 'Poe E', year: 2018, publisher: 'Review Journal', pmid: '12345678', verified: true },
  { id: 'page-three', title: 'A regulator page', authors: 'Agency', year: 2019, publisher: 'Agency', url: 'https://example.org/page', verified: true }
]

export interface SeedEntity {
  type: 'topic' | 'condition' | 'risk' | 'mechanism'
  slug: string
  locale?: 'en' | 'es'
  front?: Record<string, unknown>
  sections?: Array<{ heading: string, id: string, aspect?: string, cites?: string[], body: string }>
}

const typeDefaults: Record<SeedEntity['type'], Record<string, unknown>> = {
  condition: {
    alsoKnownAs: ['Test condition'],
    evidenceStatus: 'investigational',
    regulatory: [{ jurisdiction: 'US', body: 'FDA', status: 'off-label', note: 'Not approved for this use.' }],
    typicalProtocol: { route: 'Into a vein.', sessionLength: 'About forty minutes.', course: 'Six sessions over two weeks.' }
  },
  risk: { category: 'side-effect', severity: 'low', frequency: 'common', mitigation: 'Rest until it passes.', treatments: ['ketamine-infusion'] },
  mechanism: { level: 'lay', targets: ['NMDA receptor'], steps: ['First step happens.', 'Second step follows.'] },
  topic: { category: 'overview' }
}

export function entityFile (entity: SeedEntity): string {
  const translation = (entity.locale ?? 'en') !== 'en'
  const front = translation
    ? { title: `Título de ${entity.slug}`, summary: `Resumen breve de ${entity.slug}.`, ...entity.front }
    : {
        title: `Title of ${entity.slug}`,
        summary: `A short summary of ${entity.slug}.`,
        audience: 'patient',
        sources: ['trial-one', 'review-two'],
        ...typeDefaults[entity.type],
        ...entity.front
      }
  const sections = entity.sections ?? [
    { heading: 'Overview', id: 'overview', aspect: 'overview', cites: ['trial-one'], body: `Plain words about ${entity.slug}. It is short.` },
    { heading: 'Evidence', id: 'evidence', aspect: 'evidence', cites: ['review-two'], body: 'Small trials found a short benefit.' }
  ]
  const body = sections.map((section) => {
    const attributes = translation
      ? `id: ${section.id}`
      : [`id: ${section.id}`, section.aspect ? `aspect: ${section.aspect}` : '', section.cites ? `cites: ${section.cites.join(', ')}` : ''].filter(Boolean).join('; ')
    return `## ${section.heading}\n<!-- ${attributes} -->\n\n${section.body}\n`
  }).join('\n')
  return `---\n${stringify(front)}---\n\n${body}`
}

export class SeedsDir {
  constructor (readonly path: string) {}

  async write (entity: SeedEntity): Promise<void> {
    const directory = join(this.path, 'content', entity.type)
    await mkdir(directory, { recursive: true })
    await writeFile(join(directory, `${entity.slug}.${entity.locale ?? 'en'}.md`), entityFile(entity))
  }

  async writeRaw (type: string, name: string, text: string): Promise<void> {
    await mkdir(join(this.path, 'content', type), { recursive: true })
    await writeFile(join(this.path, 'content', type, name), text)
  }

  async remove (type: string, slug: string, locale = 'en'): Promise<void> {
    await rm(join(this.path, 'content', type, `${slug}.${locale}.md`))
  }
}

/** A seeds directory with sources, crisis lines and the given entities. */
export async function seedsDir (t: TestContext, entities: SeedEntity[] = []): Promise<SeedsDir> {
  const path = await mkdtemp(join(tmpdir(), 'kca-seeds-'))
  t.teardown(() => rm(path, { recursive: true, force: true }))
  await mkdir(join(path, 'content'), { recursive: true })
  await writeFile(join(path, 'sources.yaml'), stringify({ sources: TEST_SOURCES }))
  await writeFile(join(path, 'crisis-resources.yaml'), stringify({
    locales: {
      en: [{ name: 'Test Line', country: 'US', phone: '000', description: 'A test crisis line.', source: 'page-three' }],
      es: [{ name: 'Línea de prueba', country: 'ES', phone: '000', description: 'Una línea de prueba.', source: 'page-three' }]
    }
  }))
  const dir = new SeedsDir(path)
  for (const entity of entities) await dir.write(entity)
  return dir
}

/** A small, linked corpus: two conditions, two risks, a mechanism and a topic, with one Spanish condition. */
export const SMALL_CORPUS: SeedEntity[] = [
  { type: 'condition', slug: 'alpha-disorder', front: { evidenceStatus: 'approved', related: [{ type: 'risk', slug: 'low-risk' }, { type: 'risk', slug: 'high-risk' }, { type: 'mechanism', slug: 'gate-blocking' }] } },
  { type: 'condition', slug: 'alpha-disorder', locale: 'es' },
  { type: 'condition', slug: 'beta-syndrome', front: { related: [{ type: 'risk', slug: 'high-risk' }], mentalHealth: true } },
  { type: 'risk', slug: 'low-risk' },
  { type: 'risk', slug: 'high-risk', front: { severity: 'high', category: 'contraindication', frequency: 'rare' } },
  { type: 'mechanism', slug: 'gate-blocking' },
  {
    type: 'topic',
    slug: 'the-basics',
    front: { related: [{ type: 'condition', slug: 'alpha-disorder' }], sources: ['trial-one', 'review-two', 'page-three'] },
    sections: [
      { heading: 'Overview', id: 'overview', aspect: 'overview', cites: ['trial-one', 'page-three'], body: 'What it is, in plain words.' },
      { heading: 'History', id: 'history', aspect: 'history', cites: ['review-two'], body: 'Where it came from.' }
    ]
  }
]
