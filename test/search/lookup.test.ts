// GET /v1/lookup: medical codes to content, on the seed corpus, and the ICD-10-CM specificity rules on a small one.
import { test } from 'tap'
import { build, testDatabase } from '../helper.js'
import { seedsDir, type SeedEntity } from '../factories.js'
import { publishSeedsDir } from '../publish-helper.js'

interface Match { type: string, slug: string, locale: string, title: string, url: string, matchedCode: string, display: string, verified: boolean, specificity: string }
interface Lookup { system: string, code: string, matches: Match[], meta: { release: number, localeFallback: boolean } }

test('code lookup on the seed corpus', async (t) => {
  const app = await build(t, { publishOnEmpty: true })
  const lookup = async (query: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await app.inject({ method: 'GET', url: `/v1/lookup?${new URLSearchParams(query).toString()}`, headers })
    return { status: response.statusCode, headers: response.headers, body: response.json() as Lookup & { code: string, errors?: Array<{ parameter: string }> } }
  }

  t.test('ICD-10-CM F43.12 finds PTSD', async (t) => {
    const { status, headers, body } = await lookup({ system: 'icd10cm', code: 'F43.12' })
    t.equal(status, 200)
    t.match(body, { system: 'icd10cm', code: 'F43.12', meta: { release: 1, localeFallback: false } })
    t.same(body.matches, [{
      type: 'condition',
      slug: 'ptsd',
      locale: 'en',
      title: body.matches[0]?.title,
      url: '/v1/conditions/ptsd',
      matchedCode: 'F43.12',
      display: 'Post-traumatic stress disorder, chronic',
      verified: false,
      specificity: 'exact'
    }])
    t.match(body.matches[0]?.title, /post-traumatic stress disorder/i)
    t.match(headers['cache-control'], /max-age=60/)
    t.match(headers['surrogate-key'], /condition\/ptsd/)
  })

  t.test('FHIR system URIs and OIDs name the same systems', async (t) => {
    for (const [system, code] of [
      ['http://hl7.org/fhir/sid/icd-10-cm', 'F43.12'],
      ['urn:oid:2.16.840.1.113883.6.90', 'F43.12'],
      ['http://snomed.info/sct', '47505003'],
      ['urn:oid:2.16.840.1.113883.6.177', 'D013313'],
      ['http://id.nlm.nih.gov/mesh/', 'D013313']
    ] as const) {
      const { status, body } = await lookup({ system, code })
      t.equal(status, 200, system)
      t.equal(body.matches[0]?.slug, 'ptsd', system)
    }
    t.equal((await lookup({ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F43.12' })).body.system, 'icd10cm', 'answers with the short name')
  })

  t.test('SNOMED CT 47505003 finds PTSD, as a verified code', async (t) => {
    const { body } = await lookup({ system: 'snomedct', code: '47505003' })
    t.match(body.matches, [{ slug: 'ptsd', matchedCode: '47505003', verified: true, specificity: 'exact' }])
    t.equal(body.matches.length, 1)
  })

  t.test('ICD-10-CM codes without the dot, in lower case or with spaces are normalized', async (t) => {
    for (const code of ['F4312', 'f43.12', 'f4312', ' F43.12 ']) {
      const { status, body } = await lookup({ system: 'icd10cm', code })
      t.equal(status, 200, code)
      t.equal(body.code, 'F43.12', code)
      t.equal(body.matches[0]?.slug, 'ptsd', code)
    }
  })

  t.test('a code inside a listed range matches the range', async (t) => {
    const bipolar = await lookup({ system: 'icd10cm', code: 'F31.31' })
    t.match(bipolar.body.matches, [{ type: 'condition', slug: 'bipolar-depression', matchedCode: 'F31.30-F31.32', specificity: 'range' }])
    // Two conditions list the same range: both are answered, in a stable order.
    const depression = await lookup({ system: 'icd10cm', code: 'F32.1' })
    t.same(depression.body.matches.map((match) => [match.slug, match.matchedCode, match.specificity]), [
      ['major-depression-with-suicidal-ideation', 'F32.0-F32.5', 'range'],
      ['treatment-resistant-depression', 'F32.0-F32.5', 'range']
    ])
    t.equal((await lookup({ system: 'icd10cm', code: 'F31.33' })).status, 404, 'just outside the range')
  })

  t.test('titles follow the locale, falling back to English where there is no translation', async (t) => {
    const spanish = await lookup({ system: 'icd10cm', code: 'F43.12', locale: 'es' })
    t.match(spanish.body.matches[0], { slug: 'ptsd', locale: 'es', title: /Trastorno de estrés postraumático/ })
    t.equal(spanish.headers['content-language'], 'es')
    const header = await lookup({ system: 'snomedct', code: '333847008' }, { 'accept-language': 'es' })
    t.match(header.body.matches[0], { type: 'topic', slug: 'what-is-ketamine', locale: 'es' })
  })

  t.test('a code nothing carries is a 404 problem', async (t) => {
    const { status, headers, body } = await lookup({ system: 'icd10cm', code: 'Z99.89' })
    t.equal(status, 404)
    t.match(headers['content-type'], /application\/problem\+json/)
    t.match(body, { code: 'KCA_ERR_NOT_FOUND', status: 404, detail: /icd10cm code Z99\.89/ })
    t.equal((await lookup({ system: 'mesh', code: 'D000001' })).status, 404)
  })

  t.test('a malformed code or an unknown system is a 400 that names the parameter', async (t) => {
    for (const [query, parameter] of [
      [{ system: 'icd10cm', code: 'hello' }, 'querystring.code'],
      [{ system: 'icd10cm', code: 'F43.10-F43.12' }, 'querystring.code'],
      [{ system: 'snomedct', code: '47505004' }, 'querystring.code'],
      [{ system: 'mesh', code: '13313' }, 'querystring.code'],
      [{ system: 'loinc', code: '1234-5' }, 'querystring.system'],
      [{ system: 'icd10cm' }, 'querystring.code'],
      [{ code: 'F43.12' }, 'querystring.system'],
      [{ system: 'icd10cm', code: 'F43.12', extra: '1' }, 'querystring.extra']
    ] as Array<[Record<string, string>, string]>) {
      const { status, headers, body } = await lookup(query)
      t.equal(status, 400, JSON.stringify(query))
      t.match(headers['content-type'], /application\/problem\+json/)
      t.match(body, { code: 'KCA_ERR_VALIDATION', errors: [{ parameter }] }, JSON.stringify(query))
    }
  })

  t.test('release= pins the release', async (t) => {
    const pinned = await lookup({ system: 'icd10cm', code: 'F43.12', release: '1' })
    t.equal(pinned.status, 200)
    t.match(pinned.headers['cache-control'], /immutable/)
    t.equal((await lookup({ system: 'icd10cm', code: 'F43.12', release: '2' })).status, 404)
  })
})

const code = (value: string) => ({ system: 'icd10cm', code: value, display: `Code ${value}`, verified: false })

test('ICD-10-CM: exact before the narrowest range before a category', async (t) => {
  const corpus: SeedEntity[] = [
    { type: 'condition', slug: 'stress-category', front: { codes: [code('F43.1')] } },
    { type: 'condition', slug: 'wide-range', front: { codes: [code('F43.10-F43.12')] } },
    { type: 'condition', slug: 'narrow-range', front: { codes: [code('F43.10-F43.11')] } },
    { type: 'condition', slug: 'exact-code', front: { codes: [code('F43.12'), code('F43.1')] } }
  ]
  const database = await testDatabase(t)
  await publishSeedsDir(database, await seedsDir(t, corpus))
  const app = await build(t, { database })
  const matches = async (icd: string) => {
    const response = await app.inject({ method: 'GET', url: `/v1/lookup?system=icd10cm&code=${icd}` })
    return response.statusCode === 200 ? (response.json() as Lookup).matches.map((match) => `${match.slug} ${match.matchedCode} ${match.specificity}`) : response.statusCode
  }

  t.same(await matches('F43.12'), ['exact-code F43.12 exact', 'wide-range F43.10-F43.12 range', 'stress-category F43.1 category'],
    'an entity is listed once, with its most specific code')
  t.same(await matches('F43.10'), ['narrow-range F43.10-F43.11 range', 'wide-range F43.10-F43.12 range', 'exact-code F43.1 category', 'stress-category F43.1 category'])
  t.same(await matches('F43.19'), ['exact-code F43.1 category', 'stress-category F43.1 category'])
  t.same(await matches('F43.0'), 404, 'a sibling of the category is not in it')
  t.same(await matches('F43'), 404, 'a broader code than any listed one does not match')

  const spanish = await app.inject({ method: 'GET', url: '/v1/lookup?system=icd10cm&code=F43.12&locale=es' })
  t.match(spanish.json(), { matches: [{ slug: 'exact-code', locale: 'en', title: 'Title of exact-code' }], meta: { requestedLocale: 'es', localeFallback: true } },
    'no Spanish text: the English title, and the answer says so')
  t.equal(spanish.headers['content-language'], 'es, en')
})
