// The social worker: the team's requests, a new request at the kitchen
// table, the zero-line search with its map and list per need, referrals
// and their status, the specialist-referral gate, follow-ups, and a
// search near a postcode without a case.
import L from 'leaflet';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  ApiError, call, get, patch, post, put, type Account, type LatLon, type Page as ListPage, type Slot, type Taxonomy, loadTaxonomy,
} from '../lib/api';
import {
  ErrorSummary, FieldError, formErrors, generalMessage, idFor, describedBy, Hint, Notice, TextField, noErrors,
  type FormErrors,
} from '../lib/forms';
import { formatDate, formatDateTime, formatDistance, label, lang, t } from '../lib/i18n';
import { LayerMap, dot } from '../lib/map';
import { Page } from '../lib/page';
import { Link, navigate } from '../lib/router';
import {
  Availability, CheckGroup, LANGUAGES, PARTS, PostcodeField, RadioGroup, SelectField, TextArea, languageName,
} from '../lib/widgets';
import { explain } from './explain';
import { tw, type WKey } from './worker-text';

export type WorkerPage = 'requests' | 'new' | 'case' | 'follow-ups' | 'nearby';

export default function Worker({ page, account, id }: { page: WorkerPage; account: Account; id?: string }) {
  if (page === 'new') return <NewRequest account={account} />;
  if (page === 'case') return <Case id={id ?? ''} account={account} />;
  if (page === 'follow-ups') return <FollowUps />;
  if (page === 'nearby') return <Nearby account={account} />;
  return <Requests />;
}

// ------------------------------------------------------------- shapes

interface DomainScore { domain: string; intake_score?: number }
interface RequestFields {
  resident_alias?: string;
  needs: string[];
  life_domains: DomainScore[];
  location: LatLon | null;
  constraints: { max_distance_m: number; time_windows: Slot[]; languages: string[]; mobility: string };
  own_strength?: string;
  network?: string;
  urgency: string;
  target_groups?: string[];
  resident_age?: number;
  household_id?: string;
  consents?: string[];
  resident_account?: string;
}
interface ConsentChange { purpose: string; given: boolean; at: string }
interface SupportRequest extends RequestFields {
  id: string;
  version: number;
  status: string;
  closure?: string;
  closure_note?: string;
  step_downs?: number;
  consent_history?: ConsentChange[];
  created_at: string;
  area?: { district_name?: string; neighbourhood_name?: string };
  last_search?: { id: string; at: string };
}
interface Candidate {
  option_id: string;
  kind: string;
  name: string;
  level: number;
  distance_m: number;
  needs_covered: string[];
  overlap_minutes?: number;
  places_free: number;
  capacity: number;
  next_occurrence?: string;
  location?: [number, number];
  /** The server's line, in English only: the portal builds its own (whyText). */
  explanation: string;
}
interface NeedResult { need: string; options: Candidate[]; coverage: { covered: boolean; reason?: string; detail?: string } }
interface SearchResult { search_id: string; needs: NeedResult[]; uncovered: string[] }
interface Referral {
  id: string;
  need: string;
  option_id: string;
  option_kind: string;
  occurrence_at?: string;
  state: string;
  reason?: string;
  note?: string;
  updated_at: string;
}

const NEED_COLOURS = ['#0b5394', '#b3261e', '#1d6b38', '#8a4b00', '#6a1b9a', '#00695c', '#37474f', '#ad1457'];
const DISTANCES = [500, 1000, 2000, 3000, 5000, 10000, 20000];

const helpLabel = (tax: Taxonomy, code: string) => label(tax.help_types.find((h) => h.code === code), code);
/** Why an option fits, in the portal's language, from the result's fields. */
const whyText = (tax: Taxonomy, c: Candidate) => explain(c, lang(), (n) => helpLabel(tax, n), formatDateTime);
const optionPoint = (c: Candidate): LatLon | null => (c.location ? { lon: c.location[0], lat: c.location[1] } : null);

/** "2026-11-24T14:00" in Amsterdam time, as the API wants an occurrence. */
function localAmsterdam(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const v = (k: string) => parts.find((p) => p.type === k)?.value ?? '';
  return `${v('year')}-${v('month')}-${v('day')}T${v('hour')}:${v('minute')}`;
}

function useTaxonomy(): [Taxonomy | null, string] {
  const [tax, setTax] = useState<Taxonomy | null>(null);
  const [err, setErr] = useState('');
  useEffect(() => void loadTaxonomy().then(setTax).catch((e) => setErr(generalMessage(e))), []);
  return [tax, err];
}

// ------------------------------------------------------------- the list

function Requests() {
  const [tax] = useTaxonomy();
  const [items, setItems] = useState<SupportRequest[] | null>(null);
  const [cursor, setCursor] = useState('');
  const [err, setErr] = useState('');
  const load = async (after: string) => {
    try {
      const page = await get<ListPage<SupportRequest>>('/api/v1/requests?limit=20' + (after ? `&cursor=${encodeURIComponent(after)}` : ''));
      setItems((old) => [...(after ? old ?? [] : []), ...page.items]);
      setCursor(page.next_cursor ?? '');
    } catch (e) {
      setErr(generalMessage(e));
    }
  };
  useEffect(() => void load(''), []);
  return (
    <Page title={tw('list.title')} wide>
      <p>{tw('list.intro')}</p>
      <p><Link class="button" href="/requests/new">{tw('list.new')}</Link></p>
      {err && <p role="alert">{err}</p>}
      {!items || !tax ? <p class="loading">{t('loading')}</p> : items.length === 0 ? <p>{tw('list.none')}</p> : (
        <div class="grid-scroll">
          <table class="table" data-testid="requests">
            <thead>
              <tr>
                <th scope="col">{tw('list.who')}</th><th scope="col">{tw('list.needs')}</th>
                <th scope="col">{tw('list.urgency')}</th><th scope="col">{tw('list.status')}</th><th scope="col">{tw('list.date')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td><Link href={`/requests/${r.id}`}>{r.resident_alias || tw('list.noalias')}</Link></td>
                  <td>{r.needs.map((n) => helpLabel(tax, n)).join(', ')}</td>
                  <td>{label(tax.urgency.find((u) => u.code === r.urgency), r.urgency)}</td>
                  <td>{tw(`status.${r.status}` as WKey)}</td>
                  <td>{formatDate(r.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && <button type="button" class="button button--secondary" onClick={() => load(cursor)}>{tw('list.more')}</button>}
    </Page>
  );
}

// ------------------------------------------------------- a new request

const REQUEST_FIELDS = [
  'resident_alias', 'needs', 'life_domains', 'location', 'constraints', 'constraints.max_distance_m',
  'constraints.time_windows', 'constraints.languages', 'constraints.mobility', 'own_strength', 'network', 'urgency',
  'target_groups', 'resident_age', 'household_id', 'consents',
] as const;

function NewRequest({ account }: { account: Account }) {
  const [tax, taxErr] = useTaxonomy();
  if (taxErr) return <Page title={tw('new.title')}><p role="alert">{taxErr}</p></Page>;
  if (!tax) return <Page title={tw('new.title')}><p class="loading">{t('loading')}</p></Page>;
  return (
    <Page title={tw('new.title')} wide>
      <p>{tw('new.intro')}</p>
      <RequestForm account={account} tax={tax} />
    </Page>
  );
}

/** The grid cells ("tue:morning") of stored time windows. */
function cellsOf(windows: Slot[]): string[] {
  return windows.flatMap((w) => PARTS.filter((p) => p.start === w.start && p.end === w.end).map((p) => `${w.day}:${p.code}`));
}

/**
 * The kitchen-table form: a new request (POST), or a change to one (PUT
 * with If-Match). A change keeps the consents and the resident's account
 * as they are: the case page changes those on their own.
 */
function RequestForm({ account, tax, rec, etag, onSaved, onCancel }: {
  account: Account; tax: Taxonomy; rec?: SupportRequest; etag?: string; onSaved?: (r: SupportRequest, etag: string) => void; onCancel?: () => void;
}) {
  const [alias, setAlias] = useState(rec?.resident_alias ?? '');
  const [needs, setNeeds] = useState<string[]>(rec?.needs ?? []);
  const [scores, setScores] = useState<Record<string, string>>(
    () => Object.fromEntries((rec?.life_domains ?? []).filter((d) => d.intake_score).map((d) => [d.domain, String(d.intake_score)])));
  const [where, setWhere] = useState<LatLon | null>(rec?.location ?? null);
  const [dist, setDist] = useState(rec?.constraints.max_distance_m ?? 2000);
  const [cells, setCells] = useState<string[]>(() => cellsOf(rec?.constraints.time_windows ?? []));
  const [langs, setLangs] = useState<string[]>(rec?.constraints.languages ?? ['nl']);
  const [mobility, setMobility] = useState(rec?.constraints.mobility ?? 'independent');
  const [strength, setStrength] = useState(rec?.own_strength ?? '');
  const [network, setNetwork] = useState(rec?.network ?? '');
  const [urgency, setUrgency] = useState(rec?.urgency ?? 'normal');
  const [groups, setGroups] = useState<string[]>(rec?.target_groups ?? []);
  const [age, setAge] = useState(rec?.resident_age !== undefined ? String(rec.resident_age) : '');
  const [household, setHousehold] = useState(rec?.household_id ?? '');
  const [consents, setConsents] = useState<string[]>(rec?.consents ?? []);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  // Windows that are not a grid cell (set through the API) are kept.
  const otherWindows = (rec?.constraints.time_windows ?? []).filter((w) => !PARTS.some((p) => p.start === w.start && p.end === w.end));

  const labels: Record<string, string> = {
    resident_alias: tw('f.alias'), needs: tw('f.needs'), life_domains: tw('f.domains'), location: tw('f.where'),
    constraints: tw('f.distance'), 'constraints.max_distance_m': tw('f.distance'), 'constraints.time_windows': tw('f.when'),
    'constraints.languages': tw('f.languages'), 'constraints.mobility': tw('f.mobility'), own_strength: tw('f.strength'),
    network: tw('f.network'), urgency: tw('f.urgency'), target_groups: tw('f.groups'), resident_age: tw('f.age'),
    household_id: tw('f.household'), consents: tw('f.consents'),
  };
  const e = errors.byField;

  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    const windows: Slot[] = [];
    for (const d of tax.weekdays) for (const p of PARTS) if (cells.includes(`${d.code}:${p.code}`)) windows.push({ day: d.code, start: p.start, end: p.end });
    const body: RequestFields = {
      needs, location: where, urgency,
      life_domains: Object.entries(scores).filter(([, v]) => v).map(([domain, v]) => ({ domain, intake_score: Number(v) })),
      constraints: { max_distance_m: dist, time_windows: windows, languages: langs, mobility },
      ...(alias.trim() ? { resident_alias: alias.trim() } : {}),
      ...(strength.trim() ? { own_strength: strength.trim() } : {}),
      ...(network.trim() ? { network: network.trim() } : {}),
      ...(groups.length ? { target_groups: groups } : {}),
      ...(age.trim() ? { resident_age: Number(age) } : {}),
      ...(household.trim() ? { household_id: household.trim() } : {}),
      consents,
      ...(rec?.resident_account ? { resident_account: rec.resident_account } : {}),
    };
    if (rec) body.constraints.time_windows.push(...otherWindows);
    try {
      if (rec) {
        const ans = await put<SupportRequest>(`/api/v1/requests/${rec.id}`, body, { ifMatch: etag });
        onSaved?.(ans.data, ans.etag);
        return;
      }
      const ans = await post<SupportRequest>('/api/v1/requests', body);
      navigate(`/requests/${ans.data.id}`);
    } catch (err) {
      setErrors(formErrors(err, REQUEST_FIELDS, labels));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-busy={busy} data-testid="request-form">
        {rec && <h2>{tw('edit.title')}</h2>}
        <ErrorSummary errors={errors} />
        <TextField field="resident_alias" label={labels.resident_alias} hint={tw('f.alias.hint')} value={alias}
          onInput={setAlias} error={e.resident_alias} />
        <CheckGroup field="needs" legend={labels.needs} error={e.needs} columns value={needs} onChange={setNeeds}
          options={tax.help_types.map((h) => [h.code, label(h)])} />

        <fieldset class={'field' + (e.location ? ' field--error' : '')}>
          <legend>{labels.location}</legend>
          <div class="where">
            <div>
              <PostcodeField field="location" label={tw('f.postcode')} hint={tw('f.postcode.hint')} error={e.location}
                onFound={(p) => setWhere(p)} invalid={tw('f.postcode.invalid')} notFound={tw('f.postcode.notfound')}
                found={(city) => tw('f.postcode.found', { city })} button={tw('f.postcode.find')} />
              <p class="location-state" data-testid="location-state">{where ? tw('f.location.set') : tw('f.location.none')}</p>
              <SelectField field="constraints.max_distance_m" label={labels['constraints.max_distance_m']}
                error={e['constraints.max_distance_m'] ?? e.constraints} value={String(dist)}
                options={DISTANCES.map((d) => [String(d), formatDistance(d)])} onChange={(v) => setDist(Number(v))} />
            </div>
            <LayerMap municipality={account.municipality} label={tw('f.map')} onPick={setWhere} deps={[where?.lat, where?.lon, dist]}
              draw={(g, m) => {
                if (!where) return false;
                const c = L.circle([where.lat, where.lon], { radius: dist, color: '#0b5394', weight: 2, fillOpacity: 0.1, interactive: false }).addTo(g);
                dot(where, '#b3261e').addTo(g);
                m.fitBounds(c.getBounds(), { padding: [20, 20], maxZoom: 16 });
                return true;
              }} />
          </div>
        </fieldset>

        <Availability field="constraints.time_windows" legend={labels['constraints.time_windows']} hint={tw('f.when.hint')}
          days={tax.weekdays.map((d) => [d.code, label(d)])} cells={cells} onChange={setCells}
          error={e['constraints.time_windows']} other={[]} keep={[]} onKeep={() => undefined} />

        <fieldset class={'field' + (e.life_domains ? ' field--error' : '')} aria-describedby={describedBy('life_domains', true, e.life_domains)}>
          <legend>{labels.life_domains}</legend>
          <Hint field="life_domains">{tw('f.domains.hint')}</Hint>
          <FieldError field="life_domains" error={e.life_domains} />
          <div class="domains">
            {tax.life_domains.map((d, i) => {
              const id = i === 0 ? idFor('life_domains') : `domain-${d.code}`;
              return (
                <div class="domain" key={d.code}>
                  <label for={id}>{label(d)}</label>
                  <select id={id} value={scores[d.code] ?? ''} onChange={(ev) => setScores({ ...scores, [d.code]: (ev.currentTarget as HTMLSelectElement).value })}>
                    <option value="">{tw('f.domains.none')}</option>
                    {[1, 2, 3, 4, 5].map((n) => <option key={n} value={String(n)}>{n}</option>)}
                  </select>
                </div>
              );
            })}
          </div>
        </fieldset>

        <CheckGroup field="constraints.languages" legend={labels['constraints.languages']} error={e['constraints.languages']}
          columns value={langs} onChange={setLangs} options={LANGUAGES.map((c) => [c, languageName(c)])} />
        <RadioGroup field="constraints.mobility" legend={labels['constraints.mobility']} error={e['constraints.mobility']}
          value={mobility} onChange={setMobility} options={tax.mobility.map((m) => [m.code, label(m)])} />
        <TextArea field="own_strength" label={labels.own_strength} hint={tw('f.strength.hint')} value={strength} onInput={setStrength} error={e.own_strength} />
        <TextArea field="network" label={labels.network} hint={tw('f.network.hint')} value={network} onInput={setNetwork} error={e.network} />
        <RadioGroup field="urgency" legend={labels.urgency} error={e.urgency} value={urgency} onChange={setUrgency}
          options={tax.urgency.map((u) => [u.code, label(u)])} />
        <CheckGroup field="target_groups" legend={labels.target_groups} error={e.target_groups} columns value={groups}
          onChange={setGroups} options={tax.target_groups.map((g) => [g.code, label(g)])} />
        <TextField field="resident_age" label={labels.resident_age} type="number" inputMode="numeric" value={age} onInput={setAge} error={e.resident_age} />
        <TextField field="household_id" label={labels.household_id} hint={tw('f.household.hint')} value={household} onInput={setHousehold} error={e.household_id} />

        {!rec && (
          <ConsentBoxes value={consents} onChange={setConsents} error={e.consents} legend={labels.consents} />
        )}
        <div class="actions">
          <button type="submit" class="button" disabled={busy}>{busy ? t('saving') : rec ? tw('edit.save') : tw('new.save')}</button>
          {onCancel && <button type="button" class="button button--secondary" onClick={onCancel}>{tw('refer.cancel')}</button>}
        </div>
      </form>
  );
}

const PURPOSES = ['share_volunteer', 'share_provision', 'monitoring'] as const;

/** The three consent purposes as check boxes; the first one has the field's id. */
function ConsentBoxes({ value, onChange, error, legend }: { value: string[]; onChange: (v: string[]) => void; error?: string; legend: string }) {
  return (
    <fieldset class={'field' + (error ? ' field--error' : '')} aria-describedby={describedBy('consents', true, error)} data-testid="consents">
      <legend>{legend}</legend>
      <Hint field="consents">{tw('f.consents.hint')}</Hint>
      <FieldError field="consents" error={error} />
      {PURPOSES.map((c, i) => {
        const id = i === 0 ? idFor('consents') : `consent-${c}`;
        return (
          <div class="choice" key={c}>
            <input type="checkbox" id={id} checked={value.includes(c)} data-purpose={c}
              onChange={(ev) => onChange((ev.currentTarget as HTMLInputElement).checked ? [...value, c] : value.filter((x) => x !== c))} />
            <label for={id}>{tw(`consent.${c}`)}</label>
          </div>
        );
      })}
    </fieldset>
  );
}

// ------------------------------------------------------------ the case

function Case({ id, account }: { id: string; account: Account }) {
  const [tax] = useTaxonomy();
  const [req, setReq] = useState<SupportRequest | null>(null);
  const [err, setErr] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [searching, setSearching] = useState(false);
  const [searchErr, setSearchErr] = useState('');
  const [limit, setLimit] = useState('10');
  const [show, setShow] = useState('');
  const [refs, setRefs] = useState<Referral[]>([]);
  const [names, setNames] = useState<Record<string, string>>({});
  const [refering, setRefering] = useState('');
  const [notice, setNotice] = useState('');
  const [etag, setEtag] = useState('');
  const [editing, setEditing] = useState(false);
  const [specialist, setSpecialist] = useState('');

  const loadReq = () => call<SupportRequest>('GET', `/api/v1/requests/${id}`).then((a) => {
    setReq(a.data);
    setEtag(a.etag || `"${a.data.version}"`);
  });
  const loadRefs = () => get<Referral[]>(`/api/v1/requests/${id}/referrals`).then(setRefs);
  // The specialist care still running, if any: the one to end (step-down).
  const loadSpecialist = () => get<{ id: string; ended_at?: string }[]>(`/api/v1/requests/${id}/specialist-referrals`)
    .then((list) => setSpecialist(list.filter((s) => !s.ended_at).pop()?.id ?? ''));
  useEffect(() => {
    Promise.all([loadReq(), loadRefs(), loadSpecialist()]).catch((e) => setErr(generalMessage(e)));
  }, [id]);

  const search = async () => {
    setSearching(true);
    setSearchErr('');
    try {
      const ans = await post<SearchResult>(`/api/v1/requests/${id}/matches?limit=${limit}`);
      performance.clearMarks('search-answer');
      performance.clearMeasures('search-drawn');
      performance.mark('search-answer');
      const n: Record<string, string> = { ...names };
      for (const need of ans.data.needs) for (const o of need.options) n[o.option_id] = o.name;
      setNames(n);
      setResult(ans.data);
      loadReq().catch(() => undefined);
    } catch (e) {
      setSearchErr(generalMessage(e));
    }
    setSearching(false);
  };

  const title = req?.resident_alias ? tw('case.title.alias', { alias: req.resident_alias }) : tw('case.title');
  if (err) return <Page title={tw('case.title')}><p role="alert">{err}</p></Page>;
  if (!req || !tax) return <Page title={tw('case.title')}><p class="loading">{t('loading')}</p></Page>;

  const total = result?.needs.reduce((n, r) => n + r.options.length, 0) ?? 0;
  const shown = result?.needs.filter((r) => !show || r.need === show) ?? [];
  const closed = req.status === 'closed';
  /** After a change: the message, and the request (and its ETag) read again. */
  const changed = async (msg: string) => {
    setNotice('');
    await Promise.all([loadReq(), loadRefs()]).catch((e) => setErr(generalMessage(e)));
    setNotice(msg);
  };

  if (editing) {
    return (
      <Page title={title} wide>
        <RequestForm account={account} tax={tax} rec={req} etag={etag} onCancel={() => setEditing(false)}
          onSaved={() => { setEditing(false); setResult(null); void changed(tw('edit.saved')); }} />
      </Page>
    );
  }

  return (
    <Page title={title} wide>
      {notice && <Notice text={notice} />}
      <h2>{tw('case.facts')}</h2>
      <dl class="facts">
        <div><dt>{tw('list.needs')}</dt><dd>{req.needs.map((n) => helpLabel(tax, n)).join(', ')}</dd></div>
        <div><dt>{tw('list.urgency')}</dt><dd>{label(tax.urgency.find((u) => u.code === req.urgency), req.urgency)}</dd></div>
        <div><dt>{tw('list.status')}</dt><dd data-testid="request-status">{tw(`status.${req.status}` as WKey)}
          {req.closure ? ` · ${tw(`closure.${req.closure}` as WKey)}` : ''}</dd></div>
        {req.closure_note && <div><dt>{tw('close.note')}</dt><dd>{req.closure_note}</dd></div>}
        {req.area?.neighbourhood_name && <div><dt>{tw('f.where')}</dt><dd>{req.area.neighbourhood_name}</dd></div>}
        <div><dt>{tw('f.distance')}</dt><dd>{formatDistance(req.constraints.max_distance_m)}</dd></div>
        {req.household_id && <div><dt>{tw('f.household')}</dt><dd>{req.household_id}</dd></div>}
      </dl>
      {!closed && <p><button type="button" class="button button--secondary" onClick={() => { setNotice(''); setEditing(true); }}>{tw('edit.open')}</button></p>}

      {!closed && (
        <section aria-labelledby="search-h">
          <h2 id="search-h">{tw('case.search')}</h2>
          <p>{tw('case.search.intro')}</p>
          <div class="inline">
            <SelectField field="limit" label={tw('case.limit')} value={limit} onChange={setLimit}
              options={['5', '10', '25', '50'].map((n) => [n, n])} />
            <button type="button" class="button" disabled={searching} onClick={search}>
              {searching ? tw('case.searching') : result ? tw('case.search.again') : tw('case.search')}
            </button>
          </div>
          {searchErr && <p role="alert" class="field-error">{searchErr}</p>}
        </section>
      )}

      {result && (
        <section aria-labelledby="results-h" class="results">
          <h2 id="results-h">{tw('case.results')}</h2>
          <p role="status">{tw('case.results.count', { n: total })}</p>
          <SelectField field="show" label={tw('case.show')} value={show} onChange={setShow}
            options={[['', tw('case.show.all')], ...result.needs.map((r) => [r.need, helpLabel(tax, r.need)] as [string, string])]} />
          <div class="results__grid">
            <ResultsMap account={account} req={req} needs={shown} all={result.needs} />
            <div class="results__lists" data-testid="results">
              {shown.map((r) => (
                <NeedResults key={r.need} tax={tax} r={r} colour={NEED_COLOURS[result.needs.indexOf(r) % NEED_COLOURS.length]}
                  referred={refs} refering={refering} onRefer={setRefering} closed={closed}
                  requestId={id} onReferred={async () => {
                    setRefering('');
                    setNotice(tw('refer.done'));
                    await Promise.all([loadRefs(), loadReq()]);
                  }} />
              ))}
            </div>
          </div>
        </section>
      )}

      <ReferralStatus tax={tax} refs={refs} names={names} reload={() => loadRefs()} onMoved={() => setNotice(tw('refs.moved'))} />
      <ConsentSection req={req} etag={etag} onSaved={changed} />
      <ResidentAccountSection req={req} etag={etag} onSaved={changed} />
      {req.household_id && <HouseholdPlan tax={tax} req={req} />}
      {closed && req.closure === 'referred_to_specialist' && (
        <StepDown id={specialist} onDone={() => { setSpecialist(''); setResult(null); void changed(tw('down.done')); }} />
      )}
      {!closed && <SpecialistForm tax={tax} req={req} onDone={(sid) => { setSpecialist(sid); void changed(tw('spec.done')); }} />}
      {!closed && <CloseForm req={req} onClosed={() => { setResult(null); void changed(tw('close.done')); }} />}
    </Page>
  );
}

// ------------------------------------------------------------- consents

function ConsentSection({ req, etag, onSaved }: { req: SupportRequest; etag: string; onSaved: (msg: string) => Promise<void> }) {
  const [value, setValue] = useState<string[]>(req.consents ?? []);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  useEffect(() => setValue(req.consents ?? []), [req.version]);
  const dirty = [...value].sort().join() !== [...(req.consents ?? [])].sort().join();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await patch(`/api/v1/requests/${req.id}`, { consents: value }, { ifMatch: etag });
      setErrors(noErrors);
      await onSaved(tw('consent.saved'));
    } catch (err) {
      setErrors(formErrors(err, ['consents'], { consents: tw('f.consents') }));
    }
    setBusy(false);
  };
  const history = req.consent_history ?? [];
  return (
    <section aria-labelledby="consent-h">
      <h2 id="consent-h">{tw('consent.title')}</h2>
      <form onSubmit={submit} noValidate aria-busy={busy} data-testid="consent-form">
        <ErrorSummary errors={errors} />
        <ConsentBoxes value={value} onChange={setValue} error={errors.byField.consents} legend={tw('f.consents')} />
        {(req.consents ?? []).some((c) => !value.includes(c)) && <p class="hint" role="status">{tw('consent.withdraw.hint')}</p>}
        <button type="submit" class="button" disabled={busy || !dirty}>{tw('consent.save')}</button>
      </form>
      <h3>{tw('consent.history')}</h3>
      {history.length === 0 ? <p>{tw('consent.history.none')}</p> : (
        <ul class="history" data-testid="consent-history">
          {[...history].reverse().map((h, i) => (
            <li key={i}>{formatDateTime(h.at)}: {tw(h.given ? 'consent.given' : 'consent.withdrawn', { purpose: tw(`purpose.${h.purpose}` as WKey) })}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

// ------------------------------------------------- the resident's account

function ResidentAccountSection({ req, etag, onSaved }: { req: SupportRequest; etag: string; onSaved: (msg: string) => Promise<void> }) {
  const [code, setCode] = useState(req.resident_account ?? '');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  useEffect(() => setCode(req.resident_account ?? ''), [req.version]);
  const save = async (value: string | null, msg: string) => {
    setBusy(true);
    try {
      await patch(`/api/v1/requests/${req.id}`, { resident_account: value }, { ifMatch: etag });
      setErrors(noErrors);
      await onSaved(msg);
    } catch (err) {
      setErrors(formErrors(err, ['resident_account'], { resident_account: tw('link.code') }));
    }
    setBusy(false);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const v = code.trim().toLowerCase();
    if (!v) {
      setErrors({ byField: { resident_account: tw('link.empty') }, summary: [{ field: 'resident_account', message: tw('link.empty') }], seq: Date.now() });
      return;
    }
    void save(v, tw('link.saved'));
  };
  return (
    <section aria-labelledby="link-h">
      <h2 id="link-h">{tw('link.title')}</h2>
      <p>{tw('link.intro')}</p>
      {req.resident_account && <p data-testid="linked">{tw('link.linked', { code: req.resident_account })}</p>}
      <form onSubmit={submit} noValidate aria-busy={busy} data-testid="link-form">
        <ErrorSummary errors={errors} />
        <TextField field="resident_account" label={tw('link.code')} hint={tw('link.hint')} value={code} onInput={setCode}
          error={errors.byField.resident_account} autocomplete="off" />
        <div class="actions">
          <button type="submit" class="button" disabled={busy}>{tw('link.save')}</button>
          {req.resident_account && (
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => save(null, tw('link.removed'))}>{tw('link.remove')}</button>
          )}
        </div>
      </form>
    </section>
  );
}

// -------------------------------------------------------------- closing

function CloseForm({ req, onClosed }: { req: SupportRequest; onClosed: () => void }) {
  const [closure, setClosure] = useState('resolved_locally');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await post(`/api/v1/requests/${req.id}/close`, { closure, ...(note.trim() ? { note: note.trim() } : {}) });
      setErrors(noErrors);
      onClosed();
    } catch (err) {
      if (err instanceof ApiError) for (const fe of err.fieldErrors) if (fe.field === 'note') fe.field = 'closure_note';
      setErrors(formErrors(err, ['closure', 'closure_note'], { closure: tw('close.how'), closure_note: tw('close.note') }));
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="close-h">
      <h2 id="close-h">{tw('close.title')}</h2>
      <p>{tw('close.intro')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy} data-testid="close-form">
        <ErrorSummary errors={errors} />
        <RadioGroup field="closure" legend={tw('close.how')} value={closure} onChange={setClosure} error={errors.byField.closure}
          options={[['resolved_locally', tw('closure.resolved_locally')], ['withdrawn', tw('closure.withdrawn')]]} />
        <TextArea field="closure_note" label={tw('close.note')} hint={tw('close.note.hint')} value={note} onInput={setNote} error={errors.byField.closure_note} />
        <button type="submit" class="button button--danger" disabled={busy}>{tw('close.submit')}</button>
      </form>
    </section>
  );
}

// ------------------------------------------- the step-down from specialist care

function StepDown({ id, onDone }: { id: string; onDone: () => void }) {
  const [outcome, setOutcome] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await post(`/api/v1/specialist-referrals/${id}/end`, { outcome: outcome.trim() });
      setErrors(noErrors);
      onDone();
    } catch (err) {
      setErrors(formErrors(err, ['outcome'], { outcome: tw('down.outcome') }));
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="down-h">
      <h2 id="down-h">{tw('down.title')}</h2>
      <p>{tw('down.intro')}</p>
      {!id ? <p>{tw('down.unknown')}</p> : (
        <form onSubmit={submit} noValidate aria-busy={busy} data-testid="stepdown-form">
          <ErrorSummary errors={errors} />
          <TextArea field="outcome" label={tw('down.outcome')} hint={tw('down.outcome.hint')} value={outcome} onInput={setOutcome} error={errors.byField.outcome} />
          <button type="submit" class="button" disabled={busy}>{tw('down.submit')}</button>
        </form>
      )}
    </section>
  );
}

// ------------------------------------------------------- household plan

interface PlanRequest {
  id: string; resident_alias?: string; needs: string[]; urgency: string; status: string; closure?: string;
  referrals: { id: string; need: string; option_kind: string; state: string }[];
  specialist_referrals: { id: string; needs: string[]; provider?: string; safety_override_used: boolean; ended: boolean }[];
}

function HouseholdPlan({ tax, req }: { tax: Taxonomy; req: SupportRequest }) {
  const [plan, setPlan] = useState<PlanRequest[] | null>(null);
  const [err, setErr] = useState('');
  useEffect(() => {
    get<{ requests: PlanRequest[] }>(`/api/v1/households/${encodeURIComponent(req.household_id ?? '')}/plan`)
      .then((p) => setPlan(p.requests))
      .catch((e) => setErr(generalMessage(e)));
  }, [req.household_id, req.version]);
  return (
    <section aria-labelledby="plan-h">
      <h2 id="plan-h">{tw('plan.title', { id: req.household_id ?? '' })}</h2>
      <p>{tw('plan.intro')}</p>
      {err && <p role="alert">{err}</p>}
      {!plan ? !err && <p class="loading">{t('loading')}</p> : (
        <div class="grid-scroll">
          <table class="table" data-testid="household-plan">
            <thead>
              <tr>
                <th scope="col">{tw('list.who')}</th><th scope="col">{tw('list.needs')}</th><th scope="col">{tw('list.status')}</th>
                <th scope="col">{tw('plan.refs')}</th><th scope="col">{tw('plan.specialist')}</th>
              </tr>
            </thead>
            <tbody>
              {plan.map((r) => (
                <tr key={r.id} aria-current={r.id === req.id ? 'true' : undefined}>
                  <td>{r.id === req.id ? <strong>{r.resident_alias || tw('list.noalias')} ({tw('plan.this')})</strong>
                    : <Link href={`/requests/${r.id}`}>{r.resident_alias || tw('list.noalias')}</Link>}</td>
                  <td>{r.needs.map((n) => helpLabel(tax, n)).join(', ')}</td>
                  <td>{tw(`status.${r.status}` as WKey)}{r.closure ? ` · ${tw(`closure.${r.closure}` as WKey)}` : ''}</td>
                  <td>{r.referrals.length ? r.referrals.map((x) => `${helpLabel(tax, x.need)}: ${tw(`state.${x.state}` as WKey)}`).join('; ') : '—'}</td>
                  <td>{r.specialist_referrals.length ? r.specialist_referrals.map((x) => (x.ended ? tw('plan.spec.ended') : tw('plan.spec.running'))
                    + (x.safety_override_used ? ` (${tw('plan.spec.override')})` : '')).join('; ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ResultsMap({ account, req, needs, all }: { account: Account; req: SupportRequest; needs: NeedResult[]; all: NeedResult[] }) {
  const count = needs.reduce((n, r) => n + r.options.filter((o) => o.location).length, 0);
  return (
    <div data-markers={count} data-testid="results-map">
      <LayerMap municipality={account.municipality} label={tw('case.map')} tall deps={[needs]}
        onDrawn={() => {
          if (performance.getEntriesByName('search-answer').length && !performance.getEntriesByName('search-drawn').length) {
            performance.measure('search-drawn', 'search-answer');
          }
        }}
        draw={(g, m) => {
          const pts: L.LatLngExpression[] = [];
          if (req.location) {
            const c = L.circle([req.location.lat, req.location.lon], { radius: req.constraints.max_distance_m, color: '#0b5394', weight: 2, fillOpacity: 0.06, interactive: false }).addTo(g);
            pts.push(c.getBounds().getNorthEast(), c.getBounds().getSouthWest());
          }
          for (const r of needs) {
            const colour = NEED_COLOURS[all.indexOf(r) % NEED_COLOURS.length];
            for (const o of r.options) {
              const p = optionPoint(o);
              if (!p) continue;
              dot(p, colour, 6).bindTooltip(o.name).addTo(g);
              pts.push([p.lat, p.lon]);
            }
          }
          if (req.location) dot(req.location, '#000000', 8).addTo(g);
          if (pts.length) {
            m.fitBounds(L.latLngBounds(pts), { padding: [20, 20], maxZoom: 16 });
            return true;
          }
          return false;
        }} />
    </div>
  );
}

function NeedResults(p: {
  tax: Taxonomy; r: NeedResult; colour: string; referred: Referral[]; refering: string; onRefer: (k: string) => void;
  requestId: string; onReferred: () => void; closed: boolean;
}) {
  const { tax, r } = p;
  const hid = `need-${r.need}`;
  return (
    <section class="need-result" aria-labelledby={hid} data-need={r.need}>
      <h3 id={hid}><span class="swatch" style={{ background: p.colour }} aria-hidden="true" /> {helpLabel(tax, r.need)}</h3>
      {r.options.length === 0 && (
        <div class="coverage" data-testid="coverage">
          <p><strong>{tw('case.none')}</strong> {tw('case.why')} {r.coverage.reason ? tw(`reason.${r.coverage.reason}` as WKey) : ''}</p>
          {/* The server's detail is English only: shown in English mode, never in Dutch. */}
          {r.coverage.detail && lang() === 'en' && <p class="hint">{r.coverage.detail}</p>}
        </div>
      )}
      <ol class="options">
        {r.options.map((o) => {
          const key = `${r.need}:${o.option_id}`;
          const done = p.referred.some((x) => x.need === r.need && x.option_id === o.option_id && !['declined', 'expired', 'ended'].includes(x.state));
          return (
            <li key={o.option_id} class="option" data-option={o.option_id}>
              <p class="option__name"><strong>{o.name}</strong> · {tw(`kind.${o.kind}` as WKey)}</p>
              <dl>
                <div><dt>{tw('opt.level')}</dt><dd>{o.level} – {label(tax.ladder[o.level], String(o.level))}</dd></div>
                <div><dt>{tw('opt.distance')}</dt><dd>{formatDistance(Math.round(o.distance_m / 10) * 10)}</dd></div>
                <div><dt>{tw('opt.why')}</dt><dd data-testid="why">{whyText(tax, o)}</dd></div>
                <div><dt>{tw('opt.places')}</dt><dd>{o.capacity ? tw('opt.places.value', { free: o.places_free, cap: o.capacity }) : tw('opt.places.open')}</dd></div>
                {o.next_occurrence && <div><dt>{tw('opt.next')}</dt><dd>{formatDateTime(o.next_occurrence)}</dd></div>}
              </dl>
              {done ? <p class="state state--accepted">{tw('opt.referred')}</p> : p.closed ? null : p.refering === key ? (
                <ReferForm requestId={p.requestId} need={r.need} option={o} onDone={p.onReferred} onCancel={() => p.onRefer('')} />
              ) : (
                <button type="button" class="button button--secondary" onClick={() => p.onRefer(key)}>{tw('opt.refer', { name: o.name })}</button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function ReferForm({ requestId, need, option, onDone, onCancel }: { requestId: string; need: string; option: Candidate; onDone: () => void; onCancel: () => void }) {
  const activity = option.kind === 'activity';
  const [occurrence, setOccurrence] = useState(activity && option.next_occurrence ? localAmsterdam(option.next_occurrence) : '');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  useEffect(() => document.getElementById(idFor(activity ? 'occurrence' : 'note'))?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await post(`/api/v1/requests/${requestId}/referrals`, {
        need, option_id: option.option_id, ...(activity ? { occurrence } : {}), ...(note.trim() ? { note: note.trim() } : {}),
      });
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && (err.problem.type ?? '').endsWith(':consent-missing')) {
        // No consent for this kind of helper: say so in plain words, and link to the consents on this page.
        const message = tw(option.kind === 'volunteer' ? 'refer.noconsent.volunteer' : 'refer.noconsent.provision');
        setErrors({ byField: {}, summary: [{ field: 'consents', message }], seq: Date.now() });
      } else {
        setErrors(formErrors(err, ['occurrence', 'note', 'need', 'option_id', 'consents'], { occurrence: tw('refer.occurrence'), note: tw('refer.note'), consents: tw('f.consents') }));
      }
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate class="refer-form" aria-busy={busy}>
      <ErrorSummary errors={errors} />
      {activity && (
        <div class={'field' + (errors.byField.occurrence ? ' field--error' : '')}>
          <label for={idFor('occurrence')}>{tw('refer.occurrence')}</label>
          <Hint field="occurrence">{tw('refer.occurrence.hint')}</Hint>
          <FieldError field="occurrence" error={errors.byField.occurrence} />
          <input type="datetime-local" id={idFor('occurrence')} value={occurrence} aria-invalid={errors.byField.occurrence ? 'true' : undefined}
            aria-describedby={describedBy('occurrence', true, errors.byField.occurrence)}
            onInput={(e) => setOccurrence((e.currentTarget as HTMLInputElement).value)} />
        </div>
      )}
      <TextArea field="note" label={tw('refer.note')} hint={tw('refer.note.hint')} value={note} onInput={setNote} error={errors.byField.note} />
      <div class="actions">
        <button type="submit" class="button" disabled={busy}>{tw('refer.submit')}</button>
        <button type="button" class="button button--secondary" onClick={onCancel}>{tw('refer.cancel')}</button>
      </div>
    </form>
  );
}

function ReferralStatus({ tax, refs, names, reload, onMoved }: { tax: Taxonomy; refs: Referral[]; names: Record<string, string>; reload: () => Promise<void>; onMoved: () => void }) {
  const [error, setError] = useState('');
  const move = async (r: Referral, to: string) => {
    setError('');
    try {
      await post(`/api/v1/referrals/${r.id}/transitions`, { to });
      await reload();
      onMoved();
    } catch (e) {
      setError(formErrors(e, []).summary.map((s) => s.message).join(' '));
    }
  };
  return (
    <section aria-labelledby="refs-h">
      <h2 id="refs-h">{tw('refs.title')}</h2>
      <button type="button" class="button button--secondary" onClick={() => reload().catch(() => undefined)}>{tw('refs.refresh')}</button>
      {error && <p role="alert" class="field-error">{error}</p>}
      {refs.length === 0 ? <p>{tw('refs.none')}</p> : (
        <div class="grid-scroll">
          <table class="table" data-testid="referrals">
            <thead>
              <tr>
                <th scope="col">{tw('refs.need')}</th><th scope="col">{tw('refs.option')}</th><th scope="col">{tw('refs.when')}</th>
                <th scope="col">{tw('refs.state')}</th><th scope="col"><span class="visually-hidden">{tw('refs.state')}</span></th>
              </tr>
            </thead>
            <tbody>
              {refs.map((r) => (
                <tr key={r.id} data-referral={r.id}>
                  <td>{helpLabel(tax, r.need)}</td>
                  <td>{names[r.option_id] ?? tw(`kind.${r.option_kind}` as WKey)}</td>
                  <td>{r.occurrence_at ? formatDateTime(r.occurrence_at) : '—'}</td>
                  <td class={'state state--' + r.state}>{tw(`state.${r.state}` as WKey)}{r.reason ? ` (${r.reason})` : ''}</td>
                  <td>
                    {r.state === 'proposed' && r.option_kind === 'activity' && (
                      <button type="button" class="link-button" onClick={() => move(r, 'waitlisted')}>{tw('refs.waitlist')}</button>
                    )}
                    {r.state === 'accepted' && <button type="button" class="link-button" onClick={() => move(r, 'started')}>{tw('refs.start')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// ----------------------------------------------------- specialist care

const GATE_CODES = ['no_option_within_reach', 'all_declined', 'all_full', 'safety_risk', 'too_complex', 'resident_refuses'];

function SpecialistForm({ tax, req, onDone }: { tax: Taxonomy; req: SupportRequest; onDone: (id: string) => void }) {
  const [needs, setNeeds] = useState<string[]>(req.needs);
  const [codes, setCodes] = useState<Record<string, string>>({});
  const [textsBy, setTexts] = useState<Record<string, string>>({});
  const [override, setOverride] = useState(false);
  const [why, setWhy] = useState('');
  const [provider, setProvider] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const reasonKey = (n: string) => `reasons[${n}]`;
  const known = useMemo(() => ['needs', 'search', 'safety_override', 'safety_override.reason', 'provider', ...req.needs.map(reasonKey)], [req.needs]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const given = needs.filter((n) => codes[n] || (textsBy[n] ?? '').trim());
    const body = {
      needs,
      reasons: given.map((n) => ({ need: n, code: codes[n] ?? '', text: (textsBy[n] ?? '').trim() })),
      ...(override ? { safety_override: { reason: why.trim() } } : {}),
      ...(provider.trim() ? { provider: provider.trim() } : {}),
    };
    try {
      const ans = await post<{ id: string }>(`/api/v1/requests/${req.id}/specialist-referrals`, body);
      setErrors(noErrors);
      onDone(ans.data.id);
    } catch (err) {
      // reasons[i].code (422) names the need by its place in the body; the gate's 409 names it as reasons[need].
      if (err instanceof ApiError) {
        for (const fe of err.problem.errors ?? []) {
          const m = /^reasons\[(\d+)\]/.exec(fe.field);
          if (m && given[Number(m[1])]) fe.field = reasonKey(given[Number(m[1])]);
        }
      }
      const labels: Record<string, string> = { search: tw('case.search'), needs: tw('spec.needs'), 'safety_override.reason': tw('spec.override.reason') };
      for (const n of req.needs) labels[reasonKey(n)] = helpLabel(tax, n);
      const fe = formErrors(err, known, labels);
      if (err instanceof ApiError && err.status === 409) {
        // The gate's reasons in plain words, next to each need.
        fe.summary = fe.summary.map((s) => ({ ...s, message: `${labels[s.field ?? ''] ?? ''}: ${tw(s.field === 'search' ? 'spec.missing.search' : 'spec.missing.reason')}` }));
        // The server's reason is English only: added in brackets in English mode, never in Dutch.
        for (const k of Object.keys(fe.byField)) {
          const why = lang() === 'en' ? err.problem.errors?.find((x) => x.field === k)?.reason : '';
          fe.byField[k] = tw(k === 'search' ? 'spec.missing.search' : 'spec.missing.reason') + (why ? ` (${why})` : '');
        }
        fe.summary.unshift({ message: tw('spec.refused') });
      }
      setErrors(fe);
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="spec-h" class="specialist">
      <h2 id="spec-h">{tw('spec.title')}</h2>
      <p>{tw('spec.intro')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy} data-testid="specialist-form">
        <ErrorSummary errors={errors} />
        {errors.byField.search && <p class="field-error" id={idFor('search')} tabIndex={-1} data-field="search">{errors.byField.search}</p>}
        <CheckGroup field="needs" legend={tw('spec.needs')} error={errors.byField.needs} value={needs} onChange={setNeeds}
          options={req.needs.map((n) => [n, helpLabel(tax, n)])} />
        {needs.map((n) => {
          const f = reasonKey(n);
          const err = errors.byField[f];
          return (
            <fieldset key={n} class={'field gate-need' + (err ? ' field--error' : '')} data-need={n} aria-describedby={describedBy(f, false, err)}>
              <legend>{helpLabel(tax, n)}</legend>
              <FieldError field={f} error={err} />
              <label for={idFor(f)}>{tw('spec.code')}</label>
              <select id={idFor(f)} value={codes[n] ?? ''} aria-invalid={err ? 'true' : undefined}
                onChange={(e) => setCodes({ ...codes, [n]: (e.currentTarget as HTMLSelectElement).value })}>
                <option value="">{tw('spec.code.choose')}</option>
                {GATE_CODES.map((c) => <option key={c} value={c}>{tw(`gate.${c}` as WKey)}</option>)}
              </select>
              <label for={`${idFor(f)}-text`}>{tw('spec.text')}</label>
              <textarea id={`${idFor(f)}-text`} rows={2} value={textsBy[n] ?? ''} aria-invalid={err ? 'true' : undefined}
                onInput={(e) => setTexts({ ...textsBy, [n]: (e.currentTarget as HTMLTextAreaElement).value })} />
            </fieldset>
          );
        })}
        <div class="choice">
          <input type="checkbox" id="safety-override" checked={override} onChange={(e) => setOverride((e.currentTarget as HTMLInputElement).checked)} />
          <label for="safety-override">{tw('spec.override')}</label>
        </div>
        {override && <TextArea field="safety_override.reason" label={tw('spec.override.reason')} value={why} onInput={setWhy} error={errors.byField['safety_override.reason'] ?? errors.byField.safety_override} />}
        <TextField field="provider" label={tw('spec.provider')} value={provider} onInput={setProvider} error={errors.byField.provider} />
        <button type="submit" class="button button--danger" disabled={busy}>{tw('spec.submit')}</button>
      </form>
    </section>
  );
}

// ------------------------------------------------------------ follow-ups

interface FollowUp { kind: string; referral_id?: string; specialist_id?: string; request_id: string; need?: string; state?: string; n: number; due: string }

function FollowUps() {
  const [tax] = useTaxonomy();
  const [weeks, setWeeks] = useState('13');
  const [items, setItems] = useState<FollowUp[] | null>(null);
  const [cursor, setCursor] = useState('');
  const [err, setErr] = useState('');
  const [notice, setNotice] = useState('');
  // A page at a time, earliest due first; "more" fetches the next.
  const load = async (after = '') => {
    const before = new Date(Date.now() + Number(weeks) * 7 * 86400_000 + 86400_000).toISOString();
    try {
      const page = await get<ListPage<FollowUp>>(`/api/v1/follow-ups?limit=50&due_before=${encodeURIComponent(before)}` + (after ? `&cursor=${encodeURIComponent(after)}` : ''));
      setItems((old) => [...(after ? old ?? [] : []), ...page.items]);
      setCursor(page.next_cursor ?? '');
    } catch (e) {
      setErr(generalMessage(e));
    }
  };
  useEffect(() => void load(), [weeks]);
  const done = async (f: FollowUp, note: string) => {
    const path = f.kind === 'step_down' ? `/api/v1/specialist-referrals/${f.specialist_id}/follow-ups/${f.n}/done` : `/api/v1/referrals/${f.referral_id}/follow-ups/${f.n}/done`;
    try {
      await post(path, note.trim() ? { note: note.trim() } : {});
      setNotice(tw('fu.done.msg'));
      await load();
    } catch (e) {
      setErr(generalMessage(e));
    }
  };
  return (
    <Page title={tw('fu.title')}>
      <p>{tw('fu.intro')}</p>
      {notice && <Notice text={notice} />}
      <SelectField field="within" label={tw('fu.within')} value={weeks} onChange={setWeeks}
        options={[['0', tw('fu.w.now')], ['4', tw('fu.w.4')], ['13', tw('fu.w.13')]]} />
      {err && <p role="alert">{err}</p>}
      {!items || !tax ? <p class="loading">{t('loading')}</p> : items.length === 0 ? <p>{tw('fu.none')}</p> : (
        <ul class="referrals">
          {items.map((f) => <FollowUpItem key={`${f.referral_id ?? f.specialist_id}-${f.n}`} tax={tax} f={f} onDone={done} />)}
        </ul>
      )}
      {cursor && <button type="button" class="button button--secondary" onClick={() => load(cursor)}>{tw('list.more')}</button>}
    </Page>
  );
}

function FollowUpItem({ tax, f, onDone }: { tax: Taxonomy; f: FollowUp; onDone: (f: FollowUp, note: string) => void }) {
  const [note, setNote] = useState('');
  const id = `fu-${f.referral_id ?? f.specialist_id}-${f.n}`;
  return (
    <li class="referral" aria-labelledby={id + '-h'}>
      <h2 id={id + '-h'}>{f.need ? helpLabel(tax, f.need) : tw(`fu.kind.${f.kind}` as WKey)}</h2>
      <dl>
        <div><dt>{tw('fu.due')}</dt><dd>{formatDate(f.due)}</dd></div>
        <div><dt>{tw('refs.state')}</dt><dd>{tw(`fu.kind.${f.kind}` as WKey)}{f.state ? ` · ${tw(`state.${f.state}` as WKey)}` : ''}</dd></div>
      </dl>
      <p><Link href={`/requests/${f.request_id}`}>{tw('fu.open')}</Link></p>
      <label for={id}>{tw('fu.note')}</label>
      <textarea id={id} rows={2} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
      <button type="button" class="button" onClick={() => onDone(f, note)}>{tw('fu.done')}</button>
    </li>
  );
}

// --------------------------------------------------------------- nearby

function Nearby({ account }: { account: Account }) {
  const [tax] = useTaxonomy();
  const [where, setWhere] = useState<LatLon | null>(null);
  const [radius, setRadius] = useState('2000');
  const [type, setType] = useState('');
  const [kind, setKind] = useState('');
  const [found, setFound] = useState<Candidate[] | null>(null);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  if (!tax) return <Page title={tw('near.title')}><p class="loading">{t('loading')}</p></Page>;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!where) {
      setErrors({ byField: { place: tw('near.needplace') }, summary: [{ field: 'place', message: tw('near.needplace') }], seq: Date.now() });
      return;
    }
    setBusy(true);
    const q = new URLSearchParams({ lat: String(where.lat), lon: String(where.lon), radius_m: radius, limit: '100' });
    if (type) q.set('help_type', type);
    if (kind) q.set('kind', kind);
    try {
      setFound(await get<Candidate[]>(`/api/v1/options/nearby?${q}`));
      setErrors(noErrors);
    } catch (err) {
      setErrors(formErrors(err, ['place', 'radius_m', 'help_type', 'kind'], { place: tw('f.postcode') }));
      if (err instanceof ApiError && err.problem.errors?.some((x) => x.field === 'lat' || x.field === 'lon')) {
        setErrors({ byField: { place: t('reason.outside') }, summary: [{ field: 'place', message: t('reason.outside') }], seq: Date.now() });
      }
    }
    setBusy(false);
  };
  return (
    <Page title={tw('near.title')} wide>
      <p>{tw('near.intro')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <ErrorSummary errors={errors} />
        <div class="where">
          <div>
            <PostcodeField field="place" label={tw('f.postcode')} hint={tw('f.postcode.hint')} error={errors.byField.place}
              onFound={(p) => setWhere(p)} invalid={tw('f.postcode.invalid')} notFound={tw('f.postcode.notfound')}
              found={(city) => tw('f.postcode.found', { city })} button={tw('f.postcode.find')} />
            <SelectField field="radius_m" label={tw('near.radius')} value={radius} onChange={setRadius} error={errors.byField.radius_m}
              options={DISTANCES.map((d) => [String(d), formatDistance(d)])} />
            <SelectField field="help_type" label={tw('near.type')} value={type} onChange={setType} error={errors.byField.help_type}
              options={[['', tw('near.type.all')], ...tax.help_types.map((h) => [h.code, label(h)] as [string, string])]} />
            <SelectField field="kind" label={tw('near.kind')} value={kind} onChange={setKind} error={errors.byField.kind}
              options={[['', tw('near.kind.all')], ...['volunteer', 'initiative', 'provision', 'activity'].map((k) => [k, tw(`kind.${k}` as WKey)] as [string, string])]} />
            <button type="submit" class="button" disabled={busy}>{tw('near.submit')}</button>
          </div>
          <LayerMap municipality={account.municipality} label={tw('f.map')} onPick={setWhere} deps={[where?.lat, where?.lon, radius, found]}
            draw={(g, m) => {
              if (!where) return false;
              const c = L.circle([where.lat, where.lon], { radius: Number(radius), color: '#0b5394', weight: 2, fillOpacity: 0.08, interactive: false }).addTo(g);
              for (const o of found ?? []) {
                const p = optionPoint(o);
                if (p) dot(p, '#1d6b38', 6).bindTooltip(o.name).addTo(g);
              }
              dot(where, '#b3261e', 8).addTo(g);
              m.fitBounds(c.getBounds(), { padding: [20, 20], maxZoom: 16 });
              return true;
            }} />
        </div>
      </form>
      {found && (
        <section aria-labelledby="near-h" data-testid="nearby-results">
          <h2 id="near-h">{found.length ? tw('near.count', { n: found.length }) : tw('near.none')}</h2>
          <ol class="options">
            {found.map((o) => (
              <li key={o.option_id} class="option">
                <p class="option__name"><strong>{o.name}</strong> · {tw(`kind.${o.kind}` as WKey)}</p>
                <dl>
                  <div><dt>{tw('opt.level')}</dt><dd>{o.level} – {label(tax.ladder[o.level], String(o.level))}</dd></div>
                  <div><dt>{tw('opt.distance')}</dt><dd>{formatDistance(Math.round(o.distance_m / 10) * 10)}</dd></div>
                  <div><dt>{tw('opt.why')}</dt><dd data-testid="why">{whyText(tax, o)}</dd></div>
                </dl>
              </li>
            ))}
          </ol>
        </section>
      )}
    </Page>
  );
}

