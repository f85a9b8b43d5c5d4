// A recurrence from plain choices ("every other Tuesday 14:00–16:00")
// to an RFC 5545 RRULE with a local start, and back.
// Pure functions (no imports), unit-tested in test/recurrence.test.mjs.

export interface Recurrence {
  freq: 'once' | 'weekly' | 'biweekly' | 'monthly';
  /** Weekday code of the taxonomy: mon … sun. */
  day: string;
  /** For monthly: 1–4, or -1 for the last. */
  nth: number;
  /** First date (YYYY-MM-DD): the date itself when once, else "from". Empty: today. */
  from: string;
  startTime: string;
  endTime: string;
  /** Dates (YYYY-MM-DD) on which it does not take place. */
  exdates: string[];
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const BYDAY: Record<string, string> = { mon: 'MO', tue: 'TU', wed: 'WE', thu: 'TH', fri: 'FR', sat: 'SA', sun: 'SU' };

export function buildRRule(r: Recurrence): string {
  const d = BYDAY[r.day] ?? 'MO';
  switch (r.freq) {
    case 'weekly': return `FREQ=WEEKLY;BYDAY=${d}`;
    case 'biweekly': return `FREQ=WEEKLY;INTERVAL=2;BYDAY=${d}`;
    case 'monthly': return `FREQ=MONTHLY;BYDAY=${r.nth}${d}`;
    default: return '';
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (t: Date) => `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;

function parseDate(s: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  const now = new Date();
  return new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
}

/** The nth weekday (or the last, nth -1) of the month of t. */
function nthWeekday(year: number, month: number, dow: number, nth: number): Date {
  if (nth > 0) {
    const first = new Date(Date.UTC(year, month, 1));
    return new Date(Date.UTC(year, month, 1 + ((dow - first.getUTCDay() + 7) % 7) + 7 * (nth - 1)));
  }
  const last = new Date(Date.UTC(year, month + 1, 0));
  return new Date(Date.UTC(year, month, last.getUTCDate() - ((last.getUTCDay() - dow + 7) % 7)));
}

/** The local start "YYYY-MM-DDTHH:MM" of the first occurrence on or after r.from. */
export function firstOccurrence(r: Recurrence): string {
  const from = parseDate(r.from);
  let d = from;
  const dow = DAYS.indexOf(r.day);
  if (r.freq === 'weekly' || r.freq === 'biweekly') {
    d = new Date(from.getTime() + ((dow - from.getUTCDay() + 7) % 7) * 86400_000);
  } else if (r.freq === 'monthly') {
    for (let i = 0; i < 13; i++) {
      d = nthWeekday(from.getUTCFullYear(), from.getUTCMonth() + i, dow, r.nth);
      if (d >= from) break;
    }
  }
  return `${ymd(d)}T${r.startTime}`;
}

/** The plain choices behind a stored schedule. */
export function parseRRule(s: { start: string; duration_minutes: number; rrule?: string; exdates?: string[] }): Recurrence {
  const [date, time = '14:00'] = s.start.split('T');
  const [h, m] = time.split(':').map(Number);
  const end = h * 60 + m + s.duration_minutes;
  const r: Recurrence = {
    freq: 'once', day: DAYS[parseDate(date).getUTCDay()], nth: 1, from: date, startTime: time,
    endTime: `${pad(Math.floor(end / 60) % 24)}:${pad(end % 60)}`, exdates: (s.exdates ?? []).map((x) => x.split('T')[0]),
  };
  if (!s.rrule) return r;
  const parts = Object.fromEntries(s.rrule.replace(/^RRULE:/, '').split(';').map((p) => p.split('=')));
  const by = /^(-?\d)?([A-Z]{2})$/.exec(parts.BYDAY ?? '');
  if (by) r.day = Object.keys(BYDAY).find((k) => BYDAY[k] === by[2]) ?? r.day;
  if (parts.FREQ === 'WEEKLY') r.freq = parts.INTERVAL === '2' ? 'biweekly' : 'weekly';
  else if (parts.FREQ === 'MONTHLY') {
    r.freq = 'monthly';
    r.nth = by?.[1] ? Number(by[1]) : 1;
  }
  return r;
}

/** "Om de week op dinsdag, 14:00–16:00, vanaf 24 november 2026" in the current language. */
export function describeRecurrence(r: Recurrence, dayName: string, language: 'nl' | 'en'): string {
  const nl = language === 'nl';
  const day = nl ? dayName.toLowerCase() : dayName;
  const dayEn = dayName;
  const first = firstOccurrence(r).split('T')[0];
  const date = parseDate(first).toLocaleDateString(nl ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const time = `${r.startTime}–${r.endTime}`;
  const nthWord = nl ? { 1: 'eerste', 2: 'tweede', 3: 'derde', 4: 'vierde', [-1]: 'laatste' } : { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', [-1]: 'last' };
  let s: string;
  switch (r.freq) {
    case 'once': s = nl ? `Eén keer, op ${date}, ${time}` : `Once, on ${date}, ${time}`; break;
    case 'weekly': s = nl ? `Elke ${day}, ${time}, vanaf ${date}` : `Every ${dayEn}, ${time}, from ${date}`; break;
    case 'biweekly': s = nl ? `Om de week op ${day}, ${time}, vanaf ${date}` : `Every other ${dayEn}, ${time}, from ${date}`; break;
    default: s = nl ? `Elke ${nthWord[r.nth as 1]} ${day} van de maand, ${time}, vanaf ${date}` : `The ${nthWord[r.nth as 1]} ${dayEn} of every month, ${time}, from ${date}`;
  }
  if (r.freq !== 'once' && r.exdates.length) s += nl ? `; niet op ${r.exdates.join(', ')}` : `; not on ${r.exdates.join(', ')}`;
  return s + '.';
}
