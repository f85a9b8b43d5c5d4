// The coordinator dashboard's pure helpers (unit-tested, no DOM): the
// shapes of GET /api/v1/monitoring/indicators (docs/monitoring.md,
// "Indicators API"), the indicators a map can show, their values ("<5"
// and null are kept apart from numbers), the classes of a choropleth, the
// formatting of a value, and the page's filters <-> the URL query.

/** A count: a number when 0 or at least min_count, else a string such as "<5". */
export type Count = number | string;
/** A share, mean, median or p90: null when it rests on too few records. */
export type Measure = number | null;

export interface Speed {
  requests: Count; reached: Count; median_days: Measure; p90_days: Measure; within_target: Count; within_target_share: Measure;
}

export interface CostLine {
  item: string;
  count: Count;
  quantity_per_count: number | null;
  unit: string;
  unit_price_eur: number | null;
  amount_eur: number | null;
  basis: string;
}

export interface Indicators {
  supply: {
    options: Count; by_kind: Record<string, Count>; by_level: Record<string, Count>; by_help_type: Record<string, Count>;
    capacity: Count; places_taken: Count; free_places: Count; activity_spots: Count; activity_spots_taken: Count;
    activity_occupancy: Measure; volunteers_active: Count; volunteers_helping: Count; volunteer_utilisation: Measure;
  };
  demand: { requests: Count; without_consent: Count; by_need: Record<string, Count>; by_life_domain: Record<string, Count> };
  gaps: { requests_with_gap: Count; share: Measure; by_need: Record<string, Count>; by_reason: Record<string, Count> };
  results: {
    closed: Count; resolved_locally: Count; referred_to_specialist: Count; safety_overrides: Count; withdrawn: Count;
    zero_line_share: Measure; step_downs: Count; re_entries: Count;
    referrals: Count; accepted: Count; declined: Count; expired: Count; acceptance_rate: Measure;
    started: Count; completed: Count; ended: Count; completion_rate: Measure; no_shows: Count;
  };
  timeliness: { first_contact: Speed; match: Speed; waiting_list: Count };
  outcomes: {
    requests: Count; mean_change: Measure; improved: Count; unchanged: Count; worsened: Count;
    by_domain: Record<string, { requests: Count; mean_change: Measure }>;
  };
  avoided_costs: { configured: boolean; lines: CostLine[]; total_eur: number | null; excludes_suppressed: boolean };
}

export interface AreaReport {
  code: string;
  name: string;
  level: string;
  indicators: Indicators;
}

export interface Report {
  municipality: { code: string; name: string };
  from: string;
  to: string;
  level: string;
  area: string;
  min_count: number;
  target_days: number;
  generated_at: string;
  /** The municipality's unit prices (null until set), with where they come from. */
  unit_prices?: { source?: string } | null;
  total: Indicators;
  areas: AreaReport[];
}

// ------------------------------------------------------------ values

export type Lang = 'nl' | 'en';

/** A value as shown: a number, suppressed ("<5": too few to show), or none (null: too few to compute). */
export type Value = { kind: 'num'; n: number } | { kind: 'suppressed'; text: string } | { kind: 'none' };

/** Reads a count or measure: "<5" (any string) is suppressed, null or missing is none. */
export function valueOf(v: unknown): Value {
  if (typeof v === 'number' && Number.isFinite(v)) return { kind: 'num', n: v };
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return { kind: 'num', n };
    return { kind: 'suppressed', text: v };
  }
  return { kind: 'none' };
}

/** The number of a value, or null when it is suppressed or none (a chart leaves it out). */
export function numberOf(v: unknown): number | null {
  const x = valueOf(v);
  return x.kind === 'num' ? x.n : null;
}

/** Every leaf of a report's nested indicators under its dotted key ("timeliness.first_contact.median_days"); lists are left out. */
export function flatten(obj: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
      else if (!Array.isArray(v)) out[key] = v;
    }
  }
  return out;
}

/** Reads a dotted key from nested indicators. */
export function pick(ind: unknown, key: string): unknown {
  let cur: unknown = ind;
  for (const part of key.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

// ------------------------------------------------------------ the indicators a map shows

export type Unit = 'count' | 'share' | 'days' | 'mean' | 'eur';
export type Group = 'supply' | 'demand' | 'gaps' | 'results' | 'timeliness' | 'outcomes' | 'avoided_costs';
/** Which way is good: a higher value (blue), a lower one (orange), or neither (blue). */
export type Better = 'high' | 'low' | 'none';

export interface IndicatorDef {
  key: string;
  group: Group;
  unit: Unit;
  better: Better;
}

const def = (key: string, unit: Unit, better: Better): IndicatorDef => ({ key, group: key.split('.')[0] as Group, unit, better });

/** The indicators the map can colour by, in the order of the choice list. */
export const INDICATORS: IndicatorDef[] = [
  def('supply.options', 'count', 'high'),
  def('supply.volunteers_active', 'count', 'high'),
  def('supply.free_places', 'count', 'high'),
  def('supply.volunteer_utilisation', 'share', 'none'),
  def('supply.activity_occupancy', 'share', 'none'),
  def('demand.requests', 'count', 'none'),
  def('demand.without_consent', 'count', 'none'),
  def('gaps.requests_with_gap', 'count', 'low'),
  def('gaps.share', 'share', 'low'),
  def('results.closed', 'count', 'none'),
  def('results.resolved_locally', 'count', 'high'),
  def('results.referred_to_specialist', 'count', 'low'),
  def('results.zero_line_share', 'share', 'high'),
  def('results.step_downs', 'count', 'high'),
  def('results.acceptance_rate', 'share', 'high'),
  def('results.completion_rate', 'share', 'high'),
  def('timeliness.first_contact.median_days', 'days', 'low'),
  def('timeliness.first_contact.p90_days', 'days', 'low'),
  def('timeliness.first_contact.within_target_share', 'share', 'high'),
  def('timeliness.match.median_days', 'days', 'low'),
  def('timeliness.waiting_list', 'count', 'low'),
  def('outcomes.mean_change', 'mean', 'high'),
  def('outcomes.improved', 'count', 'high'),
  def('avoided_costs.total_eur', 'eur', 'high'),
];

export const GROUPS: Group[] = ['supply', 'demand', 'gaps', 'results', 'timeliness', 'outcomes', 'avoided_costs'];

export const DEFAULT_INDICATOR = 'demand.requests';

export function indicatorDef(key: string): IndicatorDef {
  return INDICATORS.find((d) => d.key === key) ?? INDICATORS.find((d) => d.key === DEFAULT_INDICATOR)!;
}

// ------------------------------------------------------------ classes

/** Sequential colours, light to dark (ColorBrewer Blues and Oranges, 5 classes; safe for colour blindness). */
export const PALETTES: Record<'blue' | 'orange', string[]> = {
  blue: ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'],
  orange: ['#feedde', '#fdbe85', '#fd8d3c', '#e6550d', '#a63603'],
};
/** The colour of an area whose value is suppressed or none (drawn hatched). */
export const SUPPRESSED = '#bdbdbd';

export function paletteOf(d: IndicatorDef): string[] {
  return d.better === 'low' ? PALETTES.orange : PALETTES.blue;
}

/** A round step of about raw: 1, 2 or 5 times a power of ten (whole for counts). */
export function niceStep(raw: number, whole: boolean): number {
  if (!(raw > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  const step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  return whole ? Math.max(1, Math.round(step)) : step;
}

/**
 * The class bounds of a choropleth: shares in five fixed classes of 20 %;
 * other units in at most five equal classes of a round width from 0 (or
 * the lowest value, when below 0) to the highest. n+1 bounds for n
 * classes; no values gives no classes.
 */
export function classBreaks(values: number[], unit: Unit): number[] {
  if (unit === 'share') return [0, 0.2, 0.4, 0.6, 0.8, 1];
  if (!values.length) return [];
  const lo0 = Math.min(0, ...values);
  const hi = Math.max(...values);
  const whole = unit === 'count' || unit === 'eur';
  if (hi === lo0) return [lo0, lo0 + 1];
  const step = niceStep((hi - lo0) / 5, whole);
  const lo = Math.floor(lo0 / step) * step;
  const out = [lo];
  while (out[out.length - 1] < hi && out.length < 12) out.push(round(out[out.length - 1] + step));
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** The class of n: i where bounds[i] <= n < bounds[i+1]; the highest class includes its upper bound. -1 without classes. */
export function classOf(n: number, bounds: number[]): number {
  const k = bounds.length - 1;
  if (k < 1) return -1;
  for (let i = 0; i < k; i++) if (n < bounds[i + 1]) return i;
  return k - 1;
}

/** The colours of k classes: the palette's, spread out when there are fewer classes than colours. */
export function classColours(palette: string[], k: number): string[] {
  if (k <= 0) return [];
  if (k === 1) return [palette[Math.floor(palette.length / 2)]];
  return Array.from({ length: k }, (_, i) => palette[Math.round((i * (palette.length - 1)) / (k - 1))]);
}

// ------------------------------------------------------------ formatting

const locale = (lang: Lang) => (lang === 'nl' ? 'nl-NL' : 'en-GB');

/** A number in the language's notation (decimal comma in Dutch). */
export function formatNumber(n: number, lang: Lang, digits = 0): string {
  return n.toLocaleString(locale(lang), { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/**
 * A value of a unit as text: "42", "70%", "3,5 dagen", "€ 45.000";
 * suppressed as given ("<5"), none as "–". Short leaves the word "days"
 * out (a table column or axis that names the unit).
 */
export function formatValue(v: unknown, unit: Unit, lang: Lang, short = false): string {
  const x = valueOf(v);
  if (x.kind === 'suppressed') return x.text;
  if (x.kind === 'none') return '–';
  return formatNum(x.n, unit, lang, short);
}

export function formatNum(n: number, unit: Unit, lang: Lang, short = false): string {
  if (short && unit === 'days') return formatNumber(n, lang, 1);
  switch (unit) {
    case 'share':
      return `${formatNumber(n * 100, lang)}%`;
    case 'days':
      return lang === 'nl' ? `${formatNumber(n, lang, 1)} ${n === 1 ? 'dag' : 'dagen'}` : `${formatNumber(n, lang, 1)} ${n === 1 ? 'day' : 'days'}`;
    case 'mean':
      return (n > 0 ? '+' : '') + formatNumber(n, lang, 2);
    case 'eur':
      return formatEuro(n, lang);
    default:
      return formatNumber(n, lang, 1);
  }
}

export function formatEuro(n: number, lang: Lang): string {
  return n.toLocaleString(locale(lang), { style: 'currency', currency: 'EUR', maximumFractionDigits: n % 1 ? 2 : 0, minimumFractionDigits: n % 1 ? 2 : 0 });
}

/** A class's label in the legend: "0 – 20%", "5 – 10". */
export function classLabel(bounds: number[], i: number, unit: Unit, lang: Lang): string {
  const a = bounds[i];
  const b = bounds[i + 1];
  if (unit === 'share') return `${formatNumber(a * 100, lang)} – ${formatNumber(b * 100, lang)}%`;
  if (unit === 'days') return `${formatNumber(a, lang, 1)} – ${formatNumber(b, lang, 1)}`;
  if (unit === 'eur') return `${formatEuro(a, lang)} – ${formatEuro(b, lang)}`;
  if (unit === 'mean') return `${formatNumber(a, lang, 2)} – ${formatNumber(b, lang, 2)}`;
  return `${formatNumber(a, lang, 1)} – ${formatNumber(b, lang, 1)}`;
}

/** "2025-12" as "december 2025" / "December 2025". */
export function monthName(ym: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})$/.exec(ym);
  if (!m) return ym;
  return new Date(Date.UTC(+m[1], +m[2] - 1, 15)).toLocaleDateString(locale(lang), { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

// ------------------------------------------------------------ filters and the URL

export type Level = 'district' | 'neighbourhood';

export interface Filters {
  from: string;
  to: string;
  level: Level;
  /** A district code (WK…), or "" for the whole municipality. */
  area: string;
  indicator: string;
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** ym plus n months ("2026-11", -11 → "2025-12"). */
export function addMonths(ym: string, n: number): string {
  const [y, m] = ym.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** This month in Dutch time, "YYYY-MM". */
export function thisMonth(now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}`;
}

/** The API's default period: the 12 months up to and including this month. */
export function defaultPeriod(now: Date): { from: string; to: string } {
  const to = thisMonth(now);
  return { from: addMonths(to, -11), to };
}

/** The page's filters from its URL query; what is missing or malformed takes its default. */
export function parseFilters(q: URLSearchParams, now: Date): Filters {
  const d = defaultPeriod(now);
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  const level = q.get('level');
  const area = q.get('area') ?? '';
  const ind = q.get('indicator') ?? '';
  return {
    from: MONTH.test(from) ? from : d.from,
    to: MONTH.test(to) ? to : d.to,
    level: level === 'neighbourhood' ? 'neighbourhood' : 'district',
    area: /^WK\d{6}$/.test(area) ? area : '',
    indicator: INDICATORS.some((x) => x.key === ind) ? ind : DEFAULT_INDICATOR,
  };
}

/** The API's query for the filters (also of the CSV and GeoJSON downloads). */
export function apiQuery(f: Filters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to, level: f.level });
  if (f.area) q.set('area', f.area);
  return q.toString();
}

/** The page's own query: the API's and the indicator on the map. */
export function pageQuery(f: Filters): string {
  const q = new URLSearchParams(apiQuery(f));
  q.set('indicator', f.indicator);
  return q.toString();
}

/** The longest period the API answers, in months. */
export const MAX_MONTHS = 36;

export type PeriodProblem = 'month' | 'order' | 'long';

/** Problems with a period the form can see before asking: field → reason code. */
export function checkPeriod(from: string, to: string): Record<string, PeriodProblem> {
  const out: Record<string, PeriodProblem> = {};
  if (!MONTH.test(from)) out.from = 'month';
  if (!MONTH.test(to)) out.to = 'month';
  if (!out.from && !out.to && from > to) out.to = 'order';
  else if (!out.from && !out.to && addMonths(from, MAX_MONTHS - 1) < to) out.from = 'long';
  return out;
}

/** The reason code of the API's English reason about the period, or null when it is another one. */
export function periodProblem(reason: string): PeriodProblem | null {
  if (/at most/i.test(reason)) return 'long';
  if (/after|before/i.test(reason)) return 'order';
  if (/month/i.test(reason)) return 'month';
  return null;
}
