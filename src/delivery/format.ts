// Which representation of an entity a client asked for: `format=` wins, else the Accept header.
export const FORMATS = ['json', 'html', 'jsonld'] as const
export type Format = typeof FORMATS[number]

const MEDIA_TYPES: Record<string, Format> = { 'application/json': 'json', 'text/html': 'html', 'application/ld+json': 'jsonld' }

/** The Accept type with the highest q among JSON, HTML and JSON-LD; JSON on a tie, a wildcard or no Accept. */
export function negotiateFormat (format: Format | undefined, accept: string | undefined): Format {
  if (format) return format
  let best: { format: Format, q: number } = { format: 'json', q: 0 }
  for (const part of (accept ?? '').slice(0, 1000).split(',')) {
    const [mediaType = '', ...parameters] = part.trim().toLowerCase().split(';')
    const candidate = MEDIA_TYPES[mediaType.trim()]
    if (!candidate) continue
    const q = Number(parameters.map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1]).find(Boolean) ?? 1)
    if (q > best.q || (q === best.q && candidate === 'json')) best = { format: candidate, q }
  }
  return best.format
}
