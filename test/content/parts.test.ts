import { test } from 'tap'
import { canonicalJson, contentHash } from '../../src/content/canonical.js'
import { codeProblem, icd10cmRange, normalizeIcd10cm, verhoeffValid } from '../../src/content/codes.js'
import { easeToGrade, englishSyllables, fernandezHuertaGrade, fleschKincaidGrade, spanishSyllables } from '../../src/content/reading-grade.js'

test('canonical JSON ignores key order and whitespace', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1.5, y: 'é' } }), '{"a":[true,null,"x"],"b":1,"c":{"y":"é","z":1.5}}')
  t.equal(contentHash({ a: 1, b: 2 }), contentHash(JSON.parse('{ "b": 2,   "a": 1 }')))
  t.not(contentHash({ a: 1 }), contentHash({ a: 2 }))
  t.match(contentHash({}), /^sha256:[0-9a-f]{64}$/)
  t.throws(() => canonicalJson(Number.NaN))
})

test('SNOMED CT Verhoeff check digits', async (t) => {
  for (const valid of ['47505003', '1153570009', '370143000', '21897009', '25501002', '191627008', '203082005', '128200000', '333847008', '789488000']) {
    t.ok(verhoeffValid(valid), `${valid} passes`)
  }
  t.notOk(verhoeffValid('47505004'))
  t.match(codeProblem('snomedct', '47505004'), /Verhoeff/)
  t.match(codeProblem('snomedct', '12'), /6 to 18 digits/)
})

test('ICD-10-CM codes and ranges', async (t) => {
  t.equal(normalizeIcd10cm('f4312'), 'F43.12')
  t.same(icd10cmRange('F43.10-F43.12'), ['F43.10', 'F43.12'])
  t.same(icd10cmRange('F41.1'), ['F41.1', 'F41.1'])
  t.equal(icd10cmRange('F43.12-F43.10'), null, 'a range runs upwards')
  t.equal(icd10cmRange('F43.10-G43.12'), null, 'a range stays in one category')
  t.equal(codeProblem('icd10cm', 'M79.7'), null)
  t.match(codeProblem('icd10cm', 'U99'), /not an ICD-10-CM/)
  t.equal(codeProblem('mesh', 'D013313'), null)
  t.match(codeProblem('mesh', '013313'), /MeSH/)
})

test('reading grade formulas', async (t) => {
  t.equal(englishSyllables('cat'), 1)
  t.equal(englishSyllables('ketamine'), 3)
  t.equal(englishSyllables('depression'), 3)
  t.equal(spanishSyllables('casa'), 2)
  t.equal(spanishSyllables('tratamiento'), 4, 'tra-ta-mien-to: ie is a diphthong')
  t.equal(spanishSyllables('día'), 2, 'a stressed í breaks the diphthong')
  t.equal(spanishSyllables('poeta'), 3, 'two strong vowels are a hiatus')
  const simple = fleschKincaidGrade('The cat sat on the mat. It was warm. The dog ran.')
  const dense = fleschKincaidGrade('Subanesthetic intravenous administration of ketamine demonstrated considerable antidepressant efficacy in pharmacologically refractory populations.')
  t.ok(simple.grade < 3, `simple text reads easily (${simple.grade})`)
  t.ok(dense.grade > 16, `dense text reads hard (${dense.grade})`)
  const spanishSimple = fernandezHuertaGrade('El gato come. La casa es azul. El sol sale.')
  const spanishDense = fernandezHuertaGrade('La administración intravenosa subanestésica demostró considerable eficacia antidepresiva en poblaciones farmacológicamente refractarias.')
  t.ok(spanishSimple.grade < spanishDense.grade)
  t.equal(easeToGrade(80), 6)
  t.equal(easeToGrade(65), 7.75)
  t.equal(easeToGrade(-5), 18)
})
