// The resident who offers help: the offer itself (with its map), the
// referrals addressed to them, and their own data.
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError, del, get, loadMunicipalities, loadTaxonomy, patch, post, put,
  type Account, type LatLon, type OwnerReferral, type Page as ListPage, type Postcode, type Slot,
  type Taxonomy, type Volunteer, type VolunteerFields,
} from '../lib/api';
import { flash } from '../lib/flash';
import {
  ErrorSummary, FieldError, formErrors, generalMessage, idFor, describedBy, Hint, Notice, TextField, noErrors,
  type FormErrors,
} from '../lib/forms';
import { formatDate, formatDistance, label, t, type Key } from '../lib/i18n';
import { AreaMap } from '../lib/map';
import { Page } from '../lib/page';
import { navigate } from '../lib/router';
import { signedOut } from '../lib/session';
import { Availability, CheckGroup, LANGUAGES, PARTS, languageName } from '../lib/widgets';
import { tm } from './mydata-text';

export default function Resident({ page, account }: { page: 'offer' | 'referrals' | 'my-data'; account: Account }) {
  if (page === 'offer') return <Offer account={account} />;
  if (page === 'referrals') return <Referrals />;
  return <MyData account={account} />;
}

// ---------------------------------------------------------------- offer

const DISTANCES = [500, 1000, 2000, 3000, 5000, 10000, 20000];


interface OfferForm {
  display_name: string;
  help_types: string[];
  home: LatLon | null;
  max_travel_m: number;
  /** Grid cells, e.g. "tue:morning". */
  cells: string[];
  /** Existing slots that are not a grid cell, kept unless unticked. */
  other: Slot[];
  keepOther: boolean[];
  languages: string[];
  capacity: string;
}

function fromRecord(v: Volunteer | null, account: Account): OfferForm {
  if (!v) {
    return {
      display_name: account.name, help_types: [], home: null, max_travel_m: 2000, cells: [], other: [], keepOther: [],
      languages: ['nl'], capacity: '1',
    };
  }
  const cells: string[] = [];
  const other: Slot[] = [];
  for (const s of v.availability ?? []) {
    const p = PARTS.find((p) => p.start === s.start && p.end === s.end);
    if (p) cells.push(`${s.day}:${p.code}`);
    else other.push(s);
  }
  return {
    display_name: v.display_name, help_types: v.help_types, home: v.home_location, max_travel_m: v.max_travel_m,
    cells, other, keepOther: other.map(() => true), languages: v.languages ?? [], capacity: String(v.capacity),
  };
}

function toFields(f: OfferForm, days: string[], status: VolunteerFields['status']): VolunteerFields {
  const availability: Slot[] = [];
  for (const d of days) {
    for (const p of PARTS) if (f.cells.includes(`${d}:${p.code}`)) availability.push({ day: d, start: p.start, end: p.end });
  }
  f.other.forEach((s, i) => f.keepOther[i] && availability.push(s));
  const cap = Number(f.capacity);
  return {
    display_name: f.display_name.trim(), help_types: f.help_types, home_location: f.home, max_travel_m: f.max_travel_m,
    availability, languages: f.languages, capacity: Number.isInteger(cap) ? cap : 0, status,
  };
}

const OFFER_FIELDS = ['display_name', 'help_types', 'home_location', 'max_travel_m', 'availability', 'languages', 'capacity', 'status'] as const;

function Offer({ account }: { account: Account }) {
  const [tax, setTax] = useState<Taxonomy | null>(null);
  const [rec, setRec] = useState<Volunteer | null>(null);
  const [etag, setEtag] = useState('');
  const [form, setForm] = useState<OfferForm | null>(null);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [loadError, setLoadError] = useState('');
  const [notice, setNotice] = useState<Key | ''>('');
  const [busy, setBusy] = useState(false);
  const [pc, setPc] = useState('');
  const [pcMsg, setPcMsg] = useState('');

  useEffect(() => {
    Promise.all([loadTaxonomy(), get<ListPage<Volunteer>>('/api/v1/volunteers?limit=1')])
      .then(([tx, page]) => {
        setTax(tx);
        const v = page.items[0] ?? null;
        setRec(v);
        setEtag(v ? `"${v.version}"` : '');
        setForm(fromRecord(v, account));
      })
      .catch((e) => setLoadError(generalMessage(e)));
  }, []);

  const labels: Record<string, string> = {
    display_name: t('offer.name'), help_types: t('offer.helptypes'), home_location: t('offer.where'),
    max_travel_m: t('offer.distance'), availability: t('offer.when'), languages: t('offer.languages'),
    capacity: t('offer.capacity'),
  };

  if (loadError) return <Page title={t('offer.title')}><p role="alert">{loadError}</p></Page>;
  if (!tax || !form) return <Page title={t('offer.title')}><p class="loading">{t('loading')}</p></Page>;

  const days = tax.weekdays.map((d) => d.code);
  const upd = (patchForm: Partial<OfferForm>) => {
    setForm({ ...form, ...patchForm });
    setNotice('');
  };

  const saved = (v: Volunteer, tag: string, msg: Key) => {
    setRec(v);
    setEtag(tag || `"${v.version}"`);
    setForm(fromRecord(v, account));
    setErrors(noErrors);
    setNotice(msg);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const body = toFields(form, days, rec?.status ?? 'active');
      const ans = rec
        ? await put<Volunteer>(`/api/v1/volunteers/${rec.id}`, body, { ifMatch: etag })
        : await post<Volunteer>('/api/v1/volunteers', body);
      saved(ans.data, ans.etag, 'offer.saved');
    } catch (err) {
      setNotice('');
      setErrors(formErrors(err, OFFER_FIELDS, labels));
    }
    setBusy(false);
  };

  const setStatus = async (status: 'active' | 'paused') => {
    if (!rec) return;
    setBusy(true);
    try {
      const ans = await patch<Volunteer>(`/api/v1/volunteers/${rec.id}`, { status }, { ifMatch: etag });
      saved(ans.data, ans.etag, status === 'paused' ? 'offer.paused.done' : 'offer.resumed.done');
    } catch (err) {
      setErrors(formErrors(err, OFFER_FIELDS, labels));
    }
    setBusy(false);
  };

  const findPostcode = async () => {
    const code = pc.trim().slice(0, 4);
    if (!/^\d{4}$/.test(code)) {
      setPcMsg(t('offer.postcode.invalid'));
      return;
    }
    try {
      const p = await get<Postcode>(`/api/v1/postcodes/${code}`);
      upd({ home: { lat: p.lat, lon: p.lon } });
      setPcMsg(t('offer.postcode.found', { city: p.city }));
    } catch (err) {
      setPcMsg(err instanceof ApiError && err.status === 404 ? t('offer.postcode.notfound') : generalMessage(err));
    }
  };

  const homeErr = errors.byField.home_location;
  const area = rec?.area?.neighbourhood_name;
  const distances = DISTANCES.includes(form.max_travel_m) ? DISTANCES : [...DISTANCES, form.max_travel_m].sort((a, b) => a - b);

  return (
    <Page title={t('offer.title')} wide>
      <p>{t('offer.intro')}</p>
      {rec ? (
        <div class={'status-box status-box--' + rec.status}>
          <p>{t(rec.status === 'paused' ? 'offer.status.paused' : 'offer.status.active')}</p>
          <button type="button" class="button button--secondary" disabled={busy}
            onClick={() => setStatus(rec.status === 'paused' ? 'active' : 'paused')}>
            {t(rec.status === 'paused' ? 'offer.resume' : 'offer.pause')}
          </button>
        </div>
      ) : (
        <Notice kind="info" text={t('offer.new')} />
      )}
      {notice && <Notice text={t(notice)} />}
      <form onSubmit={submit} noValidate aria-busy={busy} class="offer-form">
        <ErrorSummary errors={errors} />
        <TextField field="display_name" label={labels.display_name} hint={t('offer.name.hint')} autocomplete="given-name"
          value={form.display_name} onInput={(v) => upd({ display_name: v })} error={errors.byField.display_name} />

        <CheckGroup field="help_types" legend={labels.help_types} error={errors.byField.help_types}
          options={tax.help_types.map((h) => [h.code, label(h)])} value={form.help_types}
          onChange={(v) => upd({ help_types: v })} columns />

        <fieldset class={'field' + (homeErr ? ' field--error' : '')}>
          <legend>{labels.home_location}</legend>
          <div class="where">
            <div class="where__form">
              <label for={idFor('home_location')}>{t('offer.postcode')}</label>
              <Hint field="home_location">{t('offer.postcode.hint')}</Hint>
              <FieldError field="home_location" error={homeErr} />
              <div class="inline">
                <input id={idFor('home_location')} name="postcode" inputMode="numeric" autocomplete="postal-code"
                  class="input--short" value={pc} aria-invalid={homeErr ? 'true' : undefined}
                  aria-describedby={describedBy('home_location', true, homeErr)}
                  onInput={(e) => setPc((e.currentTarget as HTMLInputElement).value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      findPostcode();
                    }
                  }} />
                <button type="button" class="button button--secondary" onClick={findPostcode}>
                  {t('offer.postcode.find')}
                </button>
              </div>
              <p role="status" class="hint">{pcMsg}</p>
              <p class="location-state" data-testid="location-state">
                {form.home ? t('offer.location.set') : t('offer.location.none')}
                {form.home && area ? ' ' + t('offer.location.area', { area }) : ''}
              </p>
              <div class="field">
                <label for={idFor('max_travel_m')}>{labels.max_travel_m}</label>
                <FieldError field="max_travel_m" error={errors.byField.max_travel_m} />
                <select id={idFor('max_travel_m')} value={String(form.max_travel_m)}
                  aria-invalid={errors.byField.max_travel_m ? 'true' : undefined}
                  aria-describedby={describedBy('max_travel_m', false, errors.byField.max_travel_m)}
                  onChange={(e) => upd({ max_travel_m: Number((e.currentTarget as HTMLSelectElement).value) })}>
                  {distances.map((d) => <option key={d} value={String(d)}>{formatDistance(d)}</option>)}
                </select>
              </div>
            </div>
            <AreaMap municipality={account.municipality} point={form.home} radius={form.max_travel_m}
              onPick={(p) => {
                upd({ home: p });
                setPcMsg('');
              }} label={t('offer.map')} />
          </div>
        </fieldset>

        <Availability days={tax.weekdays.map((d) => [d.code, label(d)])} cells={form.cells}
          error={errors.byField.availability} onChange={(cells) => upd({ cells })} legend={labels.availability}
          other={form.other} keep={form.keepOther} onKeep={(keepOther) => upd({ keepOther })} />

        <CheckGroup field="languages" legend={labels.languages} error={errors.byField.languages}
          options={[...new Set([...LANGUAGES, ...form.languages])].map((c) => [c, languageName(c)])}
          value={form.languages} onChange={(v) => upd({ languages: v })} columns />

        <TextField field="capacity" label={labels.capacity} type="number" inputMode="numeric" value={form.capacity}
          onInput={(v) => upd({ capacity: v })} error={errors.byField.capacity} />

        <FieldError field="status" error={errors.byField.status} />
        <button type="submit" class="button" disabled={busy}>{busy ? t('saving') : t('offer.save')}</button>
      </form>
    </Page>
  );
}

// ------------------------------------------------------------ referrals

function Referrals() {
  const [tax, setTax] = useState<Taxonomy | null>(null);
  const [refs, setRefs] = useState<OwnerReferral[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [declining, setDeclining] = useState('');
  const [notice, setNotice] = useState<Key | ''>('');

  const load = () =>
    Promise.all([loadTaxonomy(), get<OwnerReferral[]>('/api/v1/my/referrals')])
      .then(([tx, list]) => {
        setTax(tx);
        setRefs(list);
      })
      .catch((e) => setLoadError(generalMessage(e)));
  useEffect(() => void load(), []);

  if (loadError) return <Page title={t('refs.title')}><p role="alert">{loadError}</p></Page>;
  if (!tax || !refs) return <Page title={t('refs.title')}><p class="loading">{t('loading')}</p></Page>;

  const dayName = (d: string) => label(tax.weekdays.find((w) => w.code === d), d);
  const answered = async (msg: Key) => {
    setDeclining('');
    await load();
    setNotice(msg);
  };

  return (
    <Page title={t('refs.title')}>
      <p>{t('refs.intro')}</p>
      {notice && <Notice text={t(notice)} />}
      {refs.length === 0 && <p class="empty">{t('refs.none')}</p>}
      <ul class="referrals">
        {refs.map((r) => (
          <li key={r.id} class="referral" data-referral={r.id} aria-labelledby={`ref-${r.id}`}>
            <h2 id={`ref-${r.id}`}>
              {t('refs.need')}: {label(tax.help_types.find((h) => h.code === r.need), r.need)}
            </h2>
            <dl>
              <div><dt>{t('refs.state')}</dt><dd class={'state state--' + r.state}>{t(`state.${r.state}` as Key)}</dd></div>
              <div><dt>{t('refs.where')}</dt><dd>{[r.neighbourhood, r.district].filter(Boolean).join(', ') || '—'}</dd></div>
              <div>
                <dt>{t('refs.when')}</dt>
                <dd>
                  {r.time_windows.length
                    ? r.time_windows.map((w) => `${dayName(w.day)} ${w.start}–${w.end}`).join('; ')
                    : t('refs.when.any')}
                </dd>
              </div>
              {r.resident_name && <div><dt>{t('refs.resident')}</dt><dd>{r.resident_name}</dd></div>}
              <div><dt>{t('refs.date')}</dt><dd>{formatDate(r.created_at)}</dd></div>
            </dl>
            {r.state === 'proposed' && (
              declining === r.id ? (
                <DeclineForm id={r.id} onDone={() => answered('refs.declined.done')} onCancel={() => setDeclining('')} />
              ) : (
                <AnswerButtons id={r.id} onAccepted={() => answered('refs.accepted.done')} onDecline={() => setDeclining(r.id)} />
              )
            )}
          </li>
        ))}
      </ul>
    </Page>
  );
}

function AnswerButtons({ id, onAccepted, onDecline }: { id: string; onAccepted: () => void; onDecline: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const accept = async () => {
    setBusy(true);
    try {
      await post(`/api/v1/referrals/${id}/transitions`, { to: 'accepted' });
      onAccepted();
    } catch (err) {
      setError(formErrors(err, []).summary.map((s) => s.message).join(' '));
      setBusy(false);
    }
  };
  return (
    <div class="actions">
      {error && <p role="alert" class="field-error">{error}</p>}
      <button type="button" class="button" disabled={busy} onClick={accept}>{t('refs.accept')}</button>
      <button type="button" class="button button--secondary" disabled={busy} onClick={onDecline}>{t('refs.decline')}</button>
    </div>
  );
}

function DeclineForm({ id, onDone, onCancel }: { id: string; onDone: () => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  useEffect(() => document.getElementById(idFor('reason'))?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await post(`/api/v1/referrals/${id}/transitions`, { to: 'declined', reason: reason.trim() });
      onDone();
    } catch (err) {
      setErrors(formErrors(err, ['reason'], { reason: t('refs.decline.reason') }));
      setBusy(false);
    }
  };
  const err = errors.byField.reason;
  return (
    <form onSubmit={submit} noValidate class="decline-form" aria-busy={busy}>
      <ErrorSummary errors={errors} />
      <div class={'field' + (err ? ' field--error' : '')}>
        <label for={idFor('reason')}>{t('refs.decline.reason')}</label>
        <Hint field="reason">{t('refs.decline.hint')}</Hint>
        <FieldError field="reason" error={err} />
        <textarea id={idFor('reason')} rows={3} value={reason} aria-invalid={err ? 'true' : undefined}
          aria-describedby={describedBy('reason', true, err)}
          onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <div class="actions">
        <button type="submit" class="button" disabled={busy}>{t('refs.decline.submit')}</button>
        <button type="button" class="button button--secondary" onClick={onCancel}>{t('refs.cancel')}</button>
      </div>
    </form>
  );
}

// --------------------------------------------------------------- my data

/** Roles that may erase their own account (DELETE /api/v1/me). */
const ERASABLE: Account['role'][] = ['resident', 'organiser'];

export function MyData({ account }: { account: Account }) {
  const [confirm, setConfirm] = useState(false);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const [municipality, setMunicipality] = useState(account.municipality ?? '');
  useEffect(() => {
    loadMunicipalities()
      .then((all) => setMunicipality(all.find((m) => m.code === account.municipality)?.name ?? account.municipality ?? ''))
      .catch(() => undefined);
  }, [account.municipality]);

  const labels = { confirm: t('mydata.erase.confirm'), password: t('mydata.password') };
  const erase = async (e: Event) => {
    e.preventDefault();
    if (!confirm) {
      const message = t('mydata.erase.needconfirm');
      setErrors({ byField: { confirm: message }, summary: [{ field: 'confirm', message }], seq: Date.now() });
      return;
    }
    setBusy(true);
    try {
      await del('/api/v1/me', { password });
      signedOut();
      flash('mydata.erased');
      navigate('/');
    } catch (err) {
      setErrors(err instanceof ApiError && (err.status === 404 || err.status === 405)
        ? { byField: {}, summary: [{ message: t('mydata.unavailable') }], seq: Date.now() }
        : formErrors(err, ['confirm', 'password'], labels));
      setBusy(false);
    }
  };

  const cErr = errors.byField.confirm;
  return (
    <Page title={t('mydata.title')}>
      <p>{t('mydata.intro')}</p>
      <h2>{t('mydata.account')}</h2>
      <dl class="facts">
        <div><dt>{t('mydata.name')}</dt><dd>{account.name}</dd></div>
        <div><dt>{t('mydata.email')}</dt><dd>{account.email}</dd></div>
        {account.municipality && <div><dt>{t('mydata.municipality')}</dt><dd>{municipality}</dd></div>}
      </dl>
      {account.role === 'resident' && <AccountCode />}
      {(account.role === 'resident' || account.role === 'organiser') && <CalendarFeed />}
      <h2>{t('mydata.download')}</h2>
      <p>{t('mydata.download.hint')}</p>
      {/* A plain link: the server answers with Content-Disposition: attachment. */}
      <a class="button button--secondary" href="/api/v1/me/export" download="dichtbij-export.json">{t('mydata.download')}</a>
      {ERASABLE.includes(account.role) && (
        <>
          <h2>{t('mydata.erase')}</h2>
          <form onSubmit={erase} noValidate aria-busy={busy}>
            <ErrorSummary errors={errors} />
            <p>{t('mydata.erase.hint')}</p>
            <div class={'field' + (cErr ? ' field--error' : '')}>
              <FieldError field="confirm" error={cErr} />
              <div class="choice">
                <input type="checkbox" id={idFor('confirm')} checked={confirm} aria-invalid={cErr ? 'true' : undefined}
                  aria-describedby={describedBy('confirm', false, cErr)}
                  onChange={(e) => setConfirm((e.currentTarget as HTMLInputElement).checked)} />
                <label for={idFor('confirm')}>{labels.confirm}</label>
              </div>
            </div>
            <TextField field="password" label={labels.password} hint={t('mydata.password.hint')} type="password"
              autocomplete="current-password" value={password} onInput={setPassword} error={errors.byField.password} />
            <button type="submit" class="button button--danger" disabled={busy}>{t('mydata.erase.submit')}</button>
          </form>
        </>
      )}
    </Page>
  );
}

/** Copies text; false when the browser refuses (no permission, no secure context). */
async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The resident's account id, which a social worker links to their request. */
function AccountCode() {
  const [id, setId] = useState('');
  const [copied, setCopied] = useState('');
  useEffect(() => void get<Account>('/api/v1/me').then((a) => setId(a.id)).catch(() => undefined), []);
  if (!id) return null;
  return (
    <section aria-labelledby="code-h">
      <h2 id="code-h">{tm('code.title')}</h2>
      <p>{tm('code.intro')}</p>
      <p>{tm('code.label')}: <strong class="account-code" data-testid="account-code">{id}</strong></p>
      <button type="button" class="button button--secondary" onClick={async () => setCopied(tm(await copy(id) ? 'cal.copied' : 'cal.copy.failed'))}>{tm('code.copy')}</button>
      <p role="status">{copied}</p>
    </section>
  );
}

/** The personal calendar feed: made or renewed (shown once), and revoked. */
function CalendarFeed() {
  const [url, setUrl] = useState('');
  // since is when the current address was made; null: none; undefined:
  // not known yet. The address itself is shown only when made.
  const [since, setSince] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    get<{ active: boolean; created_at?: string }>('/api/v1/me/calendar-token')
      .then((s) => setSince(s.active && s.created_at ? s.created_at : null))
      .catch(() => setSince(undefined));
  }, []);
  const [notice, setNotice] = useState('');
  const [copied, setCopied] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    setCopied('');
    try {
      await f();
      setErrors(noErrors);
    } catch (err) {
      setErrors(formErrors(err, []));
    }
    setBusy(false);
  };
  const make = () => act(async () => {
    const ans = await post<{ url: string; created_at: string }>('/api/v1/me/calendar-token');
    setUrl(ans.data.url);
    setSince(ans.data.created_at);
    setNotice(tm('cal.made'));
  });
  const revoke = () => act(async () => {
    await del('/api/v1/me/calendar-token');
    setUrl('');
    setSince(null);
    setNotice(tm('cal.revoked'));
  });
  return (
    <section aria-labelledby="cal-h" data-testid="calendar">
      <h2 id="cal-h">{tm('cal.title')}</h2>
      <p>{tm('cal.intro')}</p>
      <p>{tm('cal.privacy')}</p>
      {since !== undefined && <p data-testid="cal-status">{since ? tm('cal.active', { date: formatDate(since) }) : tm('cal.none')}</p>}
      <ErrorSummary errors={errors} />
      {notice && <Notice text={notice} />}
      {url && (
        <div class="field">
          <label for="feed-url">{tm('cal.url')}</label>
          <p class="hint" id="feed-url-hint">{tm('cal.url.hint')}</p>
          <input id="feed-url" class="feed-url" type="text" readOnly value={url} aria-describedby="feed-url-hint"
            onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
          <div class="actions">
            <button type="button" class="button" onClick={async () => setCopied(tm(await copy(url) ? 'cal.copied' : 'cal.copy.failed'))}>{tm('cal.copy')}</button>
            <span role="status">{copied}</span>
          </div>
        </div>
      )}
      <p class="hint">{tm('cal.renew.hint')}</p>
      <div class="actions">
        <button type="button" class="button button--secondary" disabled={busy} onClick={make}>{url || since ? tm('cal.renew') : tm('cal.make')}</button>
        <button type="button" class="button button--secondary" disabled={busy} onClick={revoke}>{tm('cal.revoke')}</button>
      </div>
    </section>
  );
}
