// Well-formedness of medical codes. SNOMED CT identifiers end in a Verhoeff check digit; ICD-10-CM codes
// are a letter, two characters and up to four after the dot; MeSH descriptor ids are D plus digits.
import type { CodeSystem } from '../../schema/entity.js'

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
]
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]
]

export function verhoeffValid (digits: string): boolean {
  let check = 0
  const reversed = [...digits].reverse()
  for (let index = 0; index < reversed.length; index++) {
    const digit = Number(reversed[index])
    check = (VERHOEFF_D[check] as number[])[(VERHOEFF_P[index % 8] as number[])[digit] as number] as number
  }
  return check === 0
}

const ICD10CM_CODE = /^[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$/

export function normalizeIcd10cm (code: string): string {
  const compact = code.trim().toUpperCase().replace(/\s+/g, '')
  // Codes are often written without the dot (F4312): put it back after the third character.
  return /^[A-Z][0-9][0-9A-Z][0-9A-Z]{1,4}$/.test(compact) ? `${compact.slice(0, 3)}.${compact.slice(3)}` : compact
}

/** Splits `F31.30-F31.32` into its bounds; a single code is a range of one. */
export function icd10cmRange (code: string): [string, string] | null {
  const [low, high, ...rest] = code.split('-').map(normalizeIcd10cm)
  if (rest.length > 0 || low === undefined || !ICD10CM_CODE.test(low)) return null
  if (high === undefined) return [low, low]
  if (!ICD10CM_CODE.test(high) || high < low || high.slice(0, 3) !== low.slice(0, 3)) return null
  return [low, high]
}

export function codeProblem (system: CodeSystem, code: string): string | null {
  switch (system) {
    case 'icd10cm':
      return icd10cmRange(code) ? null : 'is not an ICD-10-CM code or range of one category (e.g. F43.10 or F31.30-F31.32)'
    case 'snomedct':
      if (!/^[1-9][0-9]{5,17}$/.test(code)) return 'is not a SNOMED CT identifier (6 to 18 digits)'
      return verhoeffValid(code) ? null : 'fails the SNOMED CT Verhoeff check digit'
    case 'mesh':
      return /^[DCQ][0-9]{6,9}$/.test(code) ? null : 'is not a MeSH unique id (e.g. D013313)'
    case 'rxnorm':
      return /^[0-9]{1,9}$/.test(code) ? null : 'is not an RxNorm concept id (digits)'
  }
}
