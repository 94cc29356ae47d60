// Reading grade of English (Flesch–Kincaid) and Spanish (Fernández-Huerta) text. A small implementation
// rather than a dependency: the maintained npm packages count English syllables only.
import type { Locale } from '../../schema/common.js'

export function plainTextOfMarkdown (markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^#{1,6}\s+(.*)$/gm, '$1.')
    // A list item reads as its own sentence.
    .replace(/^\s*(?:[-*+]|\d+\.)\s+(.*?)[.!?:;]?\s*$/gm, '$1.')
    .replace(/[*_`>|]/g, ' ')
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu

function words (text: string): string[] {
  return text.match(WORD) ?? []
}

function sentenceCount (text: string): number {
  const sentences = text.split(/[.!?¿¡…]+(?:\s|$)|\n{2,}/).filter((part) => /[\p{L}\p{N}]/u.test(part))
  return Math.max(1, sentences.length)
}

export function englishSyllables (word: string): number {
  let lower = word.toLowerCase().replace(/[^a-z]/g, '')
  if (lower.length === 0) return 1 // numbers and symbols read as one unit
  if (lower.length <= 3) return 1
  lower = lower.replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, '').replace(/^y/, '')
  const groups = lower.match(/[aeiouy]{1,2}/g)
  return Math.max(1, groups?.length ?? 1)
}

export function spanishSyllables (word: string): number {
  const lower = word.toLowerCase().replace(/[^a-záéíóúüñ]/g, '')
  if (lower.length === 0) return 1
  // A syllable nucleus is a run of vowels, except that two strong vowels (a, e, o) or a stressed weak vowel
  // (í, ú) next to another vowel form a hiatus and count twice.
  let count = 0
  const vowel = /[aeiouáéíóúü]/
  const strong = /[aeoáéó]/
  const stressedWeak = /[íú]/
  for (let index = 0; index < lower.length; index++) {
    const char = lower[index] as string
    if (!vowel.test(char)) continue
    const previous = lower[index - 1]
    if (previous === undefined || !vowel.test(previous)) {
      count++
    } else if ((strong.test(char) && strong.test(previous)) || stressedWeak.test(char) || stressedWeak.test(previous)) {
      count++
    }
  }
  // "que", "qui", "gue", "gui": the u is silent but is already merged with the following vowel above.
  return Math.max(1, count)
}

export interface ReadingStats { words: number, sentences: number, syllables: number, grade: number, formula: string }

export function fleschKincaidGrade (text: string): ReadingStats {
  const list = words(text)
  const sentences = sentenceCount(text)
  const syllables = list.reduce((sum, word) => sum + englishSyllables(word), 0)
  const count = Math.max(1, list.length)
  const grade = 0.39 * (count / sentences) + 11.8 * (syllables / count) - 15.59
  return { words: list.length, sentences, syllables, grade: round(grade), formula: 'flesch-kincaid' }
}

/** Fernández-Huerta reading ease (Spanish adaptation of Flesch), mapped to a school grade. */
export function fernandezHuertaGrade (text: string): ReadingStats {
  const list = words(text)
  const sentences = sentenceCount(text)
  const syllables = list.reduce((sum, word) => sum + spanishSyllables(word), 0)
  const count = Math.max(1, list.length)
  const ease = 206.84 - 60 * (syllables / count) - 102 * (sentences / count)
  return { words: list.length, sentences, syllables, grade: round(easeToGrade(ease)), formula: 'fernandez-huerta' }
}

/**
 * Flesch's own interpretation table (90–100: grade 5, 80: 6, 70: 7, 60: 8–9, 50: 10–12, 30: college,
 * 0: graduate), interpolated linearly between its anchors.
 */
export function easeToGrade (ease: number): number {
  const anchors: Array<[number, number]> = [[100, 4], [90, 5], [80, 6], [70, 7], [60, 8.5], [50, 11], [30, 14.5], [0, 18]]
  if (ease >= 100) return 4
  if (ease <= 0) return 18
  for (let index = 1; index < anchors.length; index++) {
    const [highEase, highGrade] = anchors[index - 1] as [number, number]
    const [lowEase, lowGrade] = anchors[index] as [number, number]
    if (ease >= lowEase) return lowGrade + (highGrade - lowGrade) * (ease - lowEase) / (highEase - lowEase)
  }
  return 18
}

export function readingGrade (text: string, locale: Locale): ReadingStats {
  return locale === 'es' ? fernandezHuertaGrade(text) : fleschKincaidGrade(text)
}

function round (value: number): number {
  return Math.round(Math.max(0, value) * 10) / 10
}
