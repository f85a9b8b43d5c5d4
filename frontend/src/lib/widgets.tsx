// Form widgets shared by the role pages: checkbox groups, the weekly
// grid of parts of the day, language names.
import { useMemo, useState } from 'preact/hooks';
import { describedBy, FieldError, generalMessage, Hint } from './forms';
import { idFor } from './fields';
import { lang, t, type Key } from './i18n';
import { ApiError, get, type LatLon, type Postcode, type Slot } from './api';

/** The parts of the day the availability grid offers. */
export const PARTS = [
  { code: 'morning', start: '09:00', end: '12:00' },
  { code: 'afternoon', start: '13:00', end: '17:00' },
  { code: 'evening', start: '18:00', end: '21:00' },
] as const;

export const LANGUAGES = ['nl', 'en', 'fy', 'de', 'fr', 'es', 'pl', 'tr', 'ar', 'pap', 'uk', 'ru', 'ti', 'so', 'fa', 'zh'];
export function toggle(list: string[], v: string, on: boolean): string[] {
  return on ? [...list.filter((x) => x !== v), v] : list.filter((x) => x !== v);
}

/** Names Intl does not know in every browser. */
const LANGUAGE_NAMES: Record<string, { nl: string; en: string }> = { pap: { nl: 'Papiaments', en: 'Papiamento' } };

export function languageName(code: string): string {
  const known = LANGUAGE_NAMES[code];
  if (known) return known[lang()];
  try {
    const n = new Intl.DisplayNames([lang()], { type: 'language' }).of(code);
    return n && n !== code ? n : code;
  } catch {
    return code;
  }
}

export function CheckGroup(p: {
  field: string; legend: string; error?: string; options: [string, string][]; value: string[];
  onChange: (v: string[]) => void; columns?: boolean;
}) {
  return (
    <fieldset class={'field' + (p.error ? ' field--error' : '')} aria-describedby={describedBy(p.field, false, p.error)}>
      <legend>{p.legend}</legend>
      <FieldError field={p.field} error={p.error} />
      <div class={p.columns ? 'choices choices--columns' : 'choices'}>
        {p.options.map(([code, text], i) => {
          const id = i === 0 ? idFor(p.field) : `${idFor(p.field)}-${code}`;
          return (
            <div class="choice" key={code}>
              <input type="checkbox" id={id} name={p.field} value={code} checked={p.value.includes(code)}
                onChange={(e) => p.onChange(toggle(p.value, code, (e.currentTarget as HTMLInputElement).checked))} />
              <label for={id}>{text}</label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

export function Availability(p: {
  days: [string, string][]; cells: string[]; error?: string; legend: string; onChange: (c: string[]) => void;
  other: Slot[]; keep: boolean[]; onKeep: (k: boolean[]) => void; field?: string; hint?: string;
}) {
  const field = p.field ?? 'availability';
  const dayName = useMemo(() => Object.fromEntries(p.days), [p.days]);
  return (
    <fieldset class={'field' + (p.error ? ' field--error' : '')} aria-describedby={describedBy(field, true, p.error)}>
      <legend>{p.legend}</legend>
      <Hint field={field}>{p.hint ?? t('offer.when.hint')}</Hint>
      <FieldError field={field} error={p.error} />
      <div class="grid-scroll">
        <table class="week-grid">
          <thead>
            <tr>
              <td />
              {PARTS.map((part) => (
                <th scope="col" key={part.code}>
                  {t(`part.${part.code}` as Key)}
                  <span class="week-grid__time">{part.start}–{part.end}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.days.map(([day, name], di) => (
              <tr key={day}>
                <th scope="row">{name}</th>
                {PARTS.map((part, pi) => {
                  const key = `${day}:${part.code}`;
                  const id = di === 0 && pi === 0 ? idFor(field) : `${field === 'availability' ? 'avail' : idFor(field)}-${day}-${part.code}`;
                  return (
                    <td key={part.code}>
                      <input type="checkbox" id={id} checked={p.cells.includes(key)}
                        onChange={(e) => p.onChange(toggle(p.cells, key, (e.currentTarget as HTMLInputElement).checked))} />
                      <label for={id} class="visually-hidden">{name} {t(`part.${part.code}` as Key)}</label>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.other.length > 0 && (
        <div class="other-times">
          <p>{t('offer.when.other')}</p>
          {p.other.map((s, i) => (
            <div class="choice" key={i}>
              <input type="checkbox" id={`${idFor(field)}-other-${i}`} checked={p.keep[i]}
                onChange={(e) => p.onKeep(p.keep.map((k, j) => (j === i ? (e.currentTarget as HTMLInputElement).checked : k)))} />
              <label for={`${idFor(field)}-other-${i}`}>{t('offer.when.keep', { day: dayName[s.day] ?? s.day, start: s.start, end: s.end })}</label>
            </div>
          ))}
        </div>
      )}
    </fieldset>
  );
}


/**
 * A postcode field that turns a PC4 into a point (GET /api/v1/postcodes/{pc4});
 * the map next to it is the other way to choose one.
 */
export function PostcodeField(p: {
  field: string; label: string; hint: string; error?: string; onFound: (pt: LatLon, city: string) => void;
  invalid: string; notFound: string; found: (city: string) => string; button: string;
}) {
  const [pc, setPc] = useState('');
  const [msg, setMsg] = useState('');
  const find = async () => {
    const code = pc.trim().slice(0, 4);
    if (!/^\d{4}$/.test(code)) {
      setMsg(p.invalid);
      return;
    }
    try {
      const r = await get<Postcode>(`/api/v1/postcodes/${code}`);
      p.onFound({ lat: r.lat, lon: r.lon }, r.city);
      setMsg(p.found(r.city));
    } catch (err) {
      setMsg(err instanceof ApiError && err.status === 404 ? p.notFound : generalMessage(err));
    }
  };
  return (
    <div class={'field' + (p.error ? ' field--error' : '')}>
      <label for={idFor(p.field)}>{p.label}</label>
      <Hint field={p.field}>{p.hint}</Hint>
      <FieldError field={p.field} error={p.error} />
      <div class="inline">
        <input id={idFor(p.field)} inputMode="numeric" autocomplete="postal-code" class="input--short" value={pc}
          aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(p.field, true, p.error)}
          onInput={(e) => setPc((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              find();
            }
          }} />
        <button type="button" class="button button--secondary" onClick={find}>{p.button}</button>
      </div>
      <p role="status" class="hint">{msg}</p>
    </div>
  );
}

/** A labelled select. */
export function SelectField(p: {
  field: string; label: string; value: string; options: [string, string][]; onChange: (v: string) => void;
  error?: string; hint?: string;
}) {
  return (
    <div class={'field' + (p.error ? ' field--error' : '')}>
      <label for={idFor(p.field)}>{p.label}</label>
      {p.hint && <Hint field={p.field}>{p.hint}</Hint>}
      <FieldError field={p.field} error={p.error} />
      <select id={idFor(p.field)} value={p.value} aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p.field, !!p.hint, p.error)}
        onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {p.options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </div>
  );
}

/** A labelled textarea. */
export function TextArea(p: { field: string; label: string; value: string; onInput: (v: string) => void; error?: string; hint?: string; rows?: number }) {
  return (
    <div class={'field' + (p.error ? ' field--error' : '')}>
      <label for={idFor(p.field)}>{p.label}</label>
      {p.hint && <Hint field={p.field}>{p.hint}</Hint>}
      <FieldError field={p.field} error={p.error} />
      <textarea id={idFor(p.field)} rows={p.rows ?? 3} value={p.value} aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p.field, !!p.hint, p.error)}
        onInput={(e) => p.onInput((e.currentTarget as HTMLTextAreaElement).value)} />
    </div>
  );
}

/** Radio buttons in a fieldset. */
export function RadioGroup(p: { field: string; legend: string; value: string; options: [string, string][]; onChange: (v: string) => void; error?: string }) {
  return (
    <fieldset class={'field' + (p.error ? ' field--error' : '')} aria-describedby={describedBy(p.field, false, p.error)}>
      <legend>{p.legend}</legend>
      <FieldError field={p.field} error={p.error} />
      <div class="choices">
        {p.options.map(([code, text], i) => {
          const id = i === 0 ? idFor(p.field) : `${idFor(p.field)}-${code}`;
          return (
            <div class="choice" key={code}>
              <input type="radio" id={id} name={p.field} value={code} checked={p.value === code}
                onChange={() => p.onChange(code)} />
              <label for={id}>{text}</label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
