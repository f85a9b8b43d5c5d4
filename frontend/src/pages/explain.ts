// One search result's "why" line, built in the portal's own language from
// the result's fields (the server's `explanation` is English only), e.g.
// "1,2 km · boodschappen en gezelschap · 180 minuten per week samen
// beschikbaar · 2 van 3 plaatsen vrij". Pure, so it is unit-tested; the
// labels and the date format come in from the caller.

export interface Explained {
  kind: string;
  distance_m: number;
  needs_covered?: string[];
  next_occurrence?: string;
  overlap_minutes?: number;
  places_free: number;
  capacity: number;
}

type Lang = 'nl' | 'en';

const words = {
  nl: {
    and: 'en',
    initiative: 'dit adres ligt in hun werkgebied',
    next: 'volgende keer {when}',
    overlap: '{n} minuten per week samen beschikbaar',
    spots: '{free} van {cap} plekken vrij',
    places: '{free} van {cap} plaatsen vrij',
    open: 'voor iedereen open',
  },
  en: {
    and: 'and',
    initiative: 'serves this address',
    next: 'next time {when}',
    overlap: '{n} minutes a week available together',
    spots: '{free} of {cap} spots free',
    places: '{free} of {cap} places free',
    open: 'open to all',
  },
};

const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));

/** Under 1 km in metres rounded to 10 m, else km with one decimal (a decimal comma in Dutch). */
export function distanceText(m: number, lang: Lang): string {
  const r = Math.round(m / 10) * 10;
  if (r < 1000) return `${r} m`;
  const km = (Math.round(m / 100) / 10).toFixed(1);
  return `${lang === 'nl' ? km.replace('.', ',') : km} km`;
}

/** "a", "a en b", "a, b en c". */
export function joinAnd(items: string[], lang: Lang): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${words[lang].and} ${items[items.length - 1]}`;
}

export function explain(
  c: Explained, lang: Lang, helpLabel: (code: string) => string, dateTime: (iso: string) => string,
): string {
  const w = words[lang];
  const parts = [distanceText(c.distance_m, lang)];
  if (c.kind === 'initiative') parts.push(w.initiative);
  const needs = (c.needs_covered ?? []).map((n) => helpLabel(n).toLocaleLowerCase(lang === 'nl' ? 'nl-NL' : 'en-GB'));
  if (needs.length) parts.push(joinAnd(needs, lang));
  if (c.next_occurrence) parts.push(fill(w.next, { when: dateTime(c.next_occurrence) }));
  else if ((c.overlap_minutes ?? 0) > 0) parts.push(fill(w.overlap, { n: c.overlap_minutes ?? 0 }));
  if (!c.capacity) parts.push(w.open);
  else parts.push(fill(c.kind === 'activity' ? w.spots : w.places, { free: c.places_free, cap: c.capacity }));
  return parts.join(' · ');
}
