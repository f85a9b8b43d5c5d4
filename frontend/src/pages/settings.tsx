// The coordinator's settings of the municipality (/settings): the target
// time to first contact and the unit prices the dashboard's avoided costs
// are calculated with, read and replaced as one document through
// GET/PUT /api/v1/municipalities/{code}/settings (If-Match with the
// version read, like the other forms). A small chunk of its own.
import './settings.css';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, loadMunicipalities, put, type Account } from '../lib/api';
import {
  ErrorSummary, FieldError, Hint, TextField, describedBy, formErrors, generalMessage, idFor, noErrors, type FormErrors,
} from '../lib/forms';
import { formatDate, lang, t } from '../lib/i18n';
import { Page } from '../lib/page';
import { Link } from '../lib/router';
import { ts, type SettingsKey } from './settings-text';

export interface UnitPrices {
  specialist_trajectory_eur: number;
  support_hour_eur: number;
  transport_ride_eur: number;
  support_hours_per_referral: number;
  rides_per_transport_referral: number;
  source?: string;
}

export interface SettingsFields {
  contact_target_days: number;
  unit_prices?: UnitPrices;
}

export interface Settings extends SettingsFields {
  id: string;
  /** 0: nothing stored yet, the defaults apply. */
  version: number;
  updated_at?: string;
}

type PriceKey = Exclude<keyof UnitPrices, 'source'>;

/** Each number of unit_prices: its largest value and whether it is in euros. */
const NUMBERS: Record<PriceKey, { max: number; euro: boolean }> = {
  specialist_trajectory_eur: { max: 1_000_000, euro: true },
  support_hours_per_referral: { max: 1000, euro: false },
  support_hour_eur: { max: 1000, euro: true },
  rides_per_transport_referral: { max: 1000, euro: false },
  transport_ride_eur: { max: 1000, euro: true },
};
const PRICE_KEYS = Object.keys(NUMBERS) as PriceKey[];

/** The dashboard's three lines of the estimate and the numbers each uses. */
const LINES: [SettingsKey, SettingsKey, PriceKey[]][] = [
  ['line1', 'line1.how', ['specialist_trajectory_eur']],
  ['line2', 'line2.how', ['support_hours_per_referral', 'support_hour_eur']],
  ['line3', 'line3.how', ['rides_per_transport_referral', 'transport_ride_eur']],
];

/** The form's fields by the API's names (errors[].field). */
const FIELDS = ['contact_target_days', ...PRICE_KEYS.map((k) => `unit_prices.${k}`), 'unit_prices.source'] as const;

/** The form keeps what was typed; numbers become numbers on saving. */
type Form = Record<'contact_target_days' | PriceKey | 'source', string>;

function fromSettings(s: SettingsFields): Form {
  const p = s.unit_prices;
  const f = { contact_target_days: String(s.contact_target_days), source: p?.source ?? '' } as Form;
  for (const k of PRICE_KEYS) f[k] = p ? String(p[k]) : '';
  return f;
}

const num = (v: string) => (v.trim() === '' ? null : Number(v));

/** The body of the PUT: the whole document; no unit_prices when every price box is empty. */
export function toSettings(f: Form): SettingsFields {
  const body: SettingsFields = { contact_target_days: num(f.contact_target_days) ?? 0 };
  const source = f.source.trim();
  if (PRICE_KEYS.some((k) => f[k].trim() !== '') || source) {
    const p = {} as UnitPrices;
    for (const k of PRICE_KEYS) p[k] = num(f[k]) ?? 0;
    if (source) p.source = source;
    body.unit_prices = p;
  }
  return body;
}

const plain = (n: number) => n.toLocaleString(lang() === 'nl' ? 'nl-NL' : 'en-GB');
const euro = (n: number) => n.toLocaleString(lang() === 'nl' ? 'nl-NL' : 'en-GB', { style: 'currency', currency: 'EUR' });

/** The server's reason for a field of this form, in the portal's words. */
function reasonFor(field: string, reason: string): string {
  if (field === 'contact_target_days') return ts('err.days');
  const k = field.replace(/^unit_prices\./, '');
  if (k in NUMBERS) {
    const n = NUMBERS[k as PriceKey];
    return ts(n.euro ? 'err.eur' : 'err.count', { max: plain(n.max) });
  }
  if (k === 'source' && /characters/.test(reason)) return ts('err.source.long');
  if (k === 'source' && /plain text/.test(reason)) return ts('err.source.text');
  return reason;
}

function localised(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  return new ApiError(err.status, { ...err.problem, errors: err.fieldErrors.map((fe) => ({ ...fe, reason: reasonFor(fe.field, fe.reason) })) });
}

export default function SettingsPage({ account }: { account: Account }) {
  const code = account.municipality ?? '';
  const path = `/api/v1/municipalities/${encodeURIComponent(code)}/settings`;
  const [rec, setRec] = useState<Settings | null>(null);
  const [etag, setEtag] = useState('');
  const [form, setForm] = useState<Form | null>(null);
  const [place, setPlace] = useState(code);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [loadError, setLoadError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  /** Number boxes whose text the browser cannot read as a number (validity.badInput). */
  const [bad, setBad] = useState<string[]>([]);

  useEffect(() => {
    if (!code) return;
    call<Settings>('GET', path)
      .then((a) => {
        setRec(a.data);
        setEtag(a.etag || `"${a.data.version}"`);
        setForm(fromSettings(a.data));
      })
      .catch((e) => setLoadError(generalMessage(e)));
    loadMunicipalities().then((ms) => setPlace(ms.find((m) => m.code === code)?.name ?? code)).catch(() => undefined);
  }, []);

  const title = ts('title');
  if (!code) return <Page title={title}><p role="alert">{ts('nomunicipality')}</p></Page>;
  if (loadError) return <Page title={title}><p role="alert">{loadError}</p></Page>;
  if (!form || !rec) return <Page title={title}><p class="loading">{t('loading')}</p></Page>;

  const field = (k: keyof Form) => (k === 'contact_target_days' ? k : `unit_prices.${k}`);
  const labels: Record<string, string> = Object.fromEntries(
    (Object.keys(form) as (keyof Form)[]).map((k) => [field(k), ts(`short.${k}` as SettingsKey)]),
  );
  const upd = (k: keyof Form, v: string, badInput = false) => {
    setForm({ ...form, [k]: v });
    setBad(badInput ? [...new Set([...bad, field(k)])] : bad.filter((f) => f !== field(k)));
    setSaved(false);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    if (bad.length) {
      // The browser holds text it cannot read as a number: say so, rather than save an empty box.
      const byField = Object.fromEntries(bad.map((f) => [f, ts('err.number')]));
      setErrors({ byField, summary: bad.map((f) => ({ field: f, message: `${labels[f]}: ${ts('err.number')}` })), seq: Date.now() });
      return;
    }
    setBusy(true);
    try {
      const ans = await put<Settings>(path, toSettings(form), { ifMatch: etag });
      setRec(ans.data);
      setEtag(ans.etag || `"${ans.data.version}"`);
      setForm(fromSettings(ans.data));
      setErrors(noErrors);
      setSaved(true);
    } catch (err) {
      setErrors(formErrors(localised(err), FIELDS, labels));
    }
    setBusy(false);
  };

  const numberBox = (k: 'contact_target_days' | PriceKey) => {
    const f = field(k);
    const isEuro = k !== 'contact_target_days' && NUMBERS[k].euro;
    const max = k === 'contact_target_days' ? 90 : NUMBERS[k].max;
    const error = errors.byField[f];
    const value = num(form[k]);
    const readId = idFor(f) + '-read';
    const readback = isEuro && value !== null && Number.isFinite(value) ? euro(value) : '';
    return (
      <div class={'field' + (error ? ' field--error' : '')} key={k}>
        <label for={idFor(f)}>{ts(k)}</label>
        <Hint field={f}>{ts(`${k}.hint` as SettingsKey)}</Hint>
        <FieldError field={f} error={error} />
        <div class="inline settings-number">
          {isEuro && <span class="settings-number__unit" aria-hidden="true">€</span>}
          <input id={idFor(f)} name={f} type="number" min={k === 'contact_target_days' ? 1 : 0} max={max}
            step={isEuro ? '0.01' : k === 'contact_target_days' ? '1' : 'any'} inputMode={k === 'contact_target_days' ? 'numeric' : 'decimal'}
            class={isEuro ? 'input--euro' : undefined} value={form[k]}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={[describedBy(f, true, error), readback ? readId : ''].filter(Boolean).join(' ')}
            onInput={(e) => {
              const el = e.currentTarget as HTMLInputElement;
              upd(k, el.value, el.validity.badInput);
            }} />
          {k === 'contact_target_days' && <span class="settings-number__unit">{ts('days')}</span>}
          {readback && <span class="settings-number__read" id={readId} data-testid={`read-${k}`}>= {readback}</span>}
        </div>
      </div>
    );
  };

  return (
    <Page title={title}>
      <p>{ts('intro', { place })}</p>
      <p class="hint" data-testid="settings-state">
        {rec.version > 0 && rec.updated_at ? ts('saved.at', { date: formatDate(rec.updated_at) }) : ts('never')}
      </p>
      <form onSubmit={submit} noValidate aria-busy={busy ? 'true' : 'false'} data-testid="settings-form" class="settings-form">
        <ErrorSummary errors={errors} />
        <section aria-labelledby="settings-target">
          <h2 id="settings-target">{ts('target')}</h2>
          {numberBox('contact_target_days')}
        </section>
        <section aria-labelledby="settings-prices">
          <h2 id="settings-prices">{ts('prices')}</h2>
          <p>{ts('prices.intro')}</p>
          <p>{ts('prices.empty')}</p>
          <p class="hint">{ts('prices.euro')}</p>
          {LINES.map(([legend, how, keys]) => (
            <fieldset class="field settings-line" key={legend} data-testid={`settings-${legend}`}>
              <legend>{ts(legend)}</legend>
              <p class="settings-line__how">{ts(how)}</p>
              {keys.map(numberBox)}
            </fieldset>
          ))}
          <TextField field="unit_prices.source" label={ts('source')} hint={ts('source.hint')} value={form.source}
            onInput={(v) => upd('source', v)} error={errors.byField['unit_prices.source']} />
        </section>
        <button type="submit" class="button" disabled={busy}>{busy ? t('saving') : ts('save')}</button>
        {/* The live region is there before the message, so that screen readers announce it. */}
        <div role="status" data-testid="settings-saved">
          {saved && <p class="notice">{ts('saved')}</p>}
        </div>
        {saved && <p><Link href="/dashboard">{ts('to.dashboard')}</Link></p>}
      </form>
    </Page>
  );
}
