import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../schema/common.js'

/** `?locale=` wins; otherwise the best supported language of Accept-Language; otherwise English. */
export function negotiateLocale (explicit: Locale | undefined, acceptLanguage: string | undefined): Locale {
  if (explicit) return explicit
  if (!acceptLanguage) return DEFAULT_LOCALE
  const ranked = acceptLanguage.slice(0, 500).split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find(Boolean)
      return { language: (tag ?? '').toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index }
    })
    .filter((entry) => entry.q > 0 && (LOCALES as readonly string[]).includes(entry.language))
    .sort((a, b) => b.q - a.q || a.index - b.index)
  return (ranked[0]?.language as Locale | undefined) ?? DEFAULT_LOCALE
}
