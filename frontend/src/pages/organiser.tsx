// The organiser: their initiatives, provisions and activities (with a
// recurrence built from plain choices), and the referrals to them per
// occurrence, with the waiting list.
import L from 'leaflet';
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError, del, get, patch, post, put, loadTaxonomy, type Account, type LatLon, type OwnerReferral, type Page as ListPage, type Slot, type Taxonomy,
} from '../lib/api';
import {
  ErrorSummary, FieldError, formErrors, generalMessage, describedBy, Hint, Notice, TextField, noErrors, type FormErrors,
} from '../lib/forms';
import { formatDateTime, formatDistance, label, lang, t } from '../lib/i18n';
import { LayerMap, dot } from '../lib/map';
import { Page } from '../lib/page';
import { Availability, CheckGroup, PARTS, PostcodeField, RadioGroup, SelectField, TextArea } from '../lib/widgets';
import { buildRRule, parseRRule, describeRecurrence, firstOccurrence, type Recurrence } from './recurrence';
import { to } from './organiser-text';

export default function Organiser({ page, account }: { page: 'options' | 'referrals'; account: Account }) {
  return page === 'options' ? <Options account={account} /> : <Referrals />;
}

// -------------------------------------------------------------- shapes

interface Contact { name?: string; email?: string; phone?: string; website?: string }
interface Initiative {
  id: string; version: number; owner_id?: string;
  organisation: string; description: string; help_types: string[];
  service_area: { center?: LatLon; radius_m?: number; polygon?: { type: 'Polygon'; coordinates: number[][][] } };
  contact: Contact; capacity: number; active?: boolean;
}
interface Provision {
  id: string; version: number; owner_id?: string;
  name: string; organisation?: string; description?: string; help_types: string[];
  address: { street: string; house_number: string; postcode: string; city: string };
  location: LatLon | null; opening_hours: Slot[]; target_groups: string[];
  cost: { amount_eur: number; unit: string; notes?: string };
  accessibility?: { wheelchair: boolean; step_free: boolean; accessible_toilet: boolean; hearing_loop: boolean; notes?: string };
  contact?: Contact; active?: boolean;
}
interface Activity {
  id: string; version: number; owner_id?: string;
  provision_id?: string; initiative_id?: string; name: string; description?: string; help_types: string[];
  place: { name: string; location: LatLon | null };
  schedule: { start: string; timezone?: string; duration_minutes: number; rrule?: string; exdates?: string[] };
  spots_per_occurrence: number; target_groups: string[]; age_min?: number; age_max?: number; active?: boolean;
}
type Kind = 'initiative' | 'provision' | 'activity';
type Editing = { kind: Kind; rec: Initiative | Provision | Activity | null } | null;

/** Every record of a list that this account owns (?owner=me), page by page. */
async function mine<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor = '';
  for (let i = 0; i < 50; i++) {
    const page = await get<ListPage<T>>(`${path}?owner=me&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

function pc4Lookup(p: { field: string; error?: string; onFound: (pt: LatLon) => void }) {
  return (
    <PostcodeField field={p.field} label={to('f.pc')} hint={to('f.pc.hint')} error={p.error} onFound={(pt) => p.onFound(pt)}
      invalid={t('offer.postcode.invalid')} notFound={t('offer.postcode.notfound')} found={(city) => t('offer.postcode.found', { city })}
      button={t('offer.postcode.find')} />
  );
}

const describe = (r: Recurrence, tax: Taxonomy) => describeRecurrence(r, label(tax.weekdays.find((w) => w.code === r.day), r.day), lang());

// -------------------------------------------------------------- the list

function Options({ account }: { account: Account }) {
  const [tax, setTax] = useState<Taxonomy | null>(null);
  const [inits, setInits] = useState<Initiative[]>([]);
  const [provs, setProvs] = useState<Provision[]>([]);
  const [acts, setActs] = useState<Activity[]>([]);
  const [err, setErr] = useState('');
  const [editing, setEditingState] = useState<Editing>(null);
  const [notice, setNotice] = useState('');
  const setEditing = (e: Editing) => {
    setNotice('');
    setEditingState(e);
  };
  const load = () =>
    Promise.all([loadTaxonomy(), mine<Initiative>('/api/v1/initiatives'), mine<Provision>('/api/v1/provisions'),
      mine<Activity>('/api/v1/activities')])
      .then(([tx, i, p, a]) => {
        setTax(tx);
        setInits(i);
        setProvs(p);
        setActs(a);
      })
      .catch((e) => setErr(generalMessage(e)));
  useEffect(() => void load(), []);
  if (err) return <Page title={to('opt.title')}><p role="alert">{err}</p></Page>;
  if (!tax) return <Page title={to('opt.title')}><p class="loading">{t('loading')}</p></Page>;
  const saved = async (msg: string) => {
    setEditingState(null);
    setNotice(msg);
    await load();
  };
  const helps = (codes: string[]) => codes.map((c) => label(tax.help_types.find((h) => h.code === c), c)).join(', ');
  return (
    <Page title={to('opt.title')} wide>
      <p>{to('opt.intro')}</p>
      {notice && <Notice text={notice} />}
      {editing ? (
        editing.kind === 'initiative' ? <InitiativeForm account={account} tax={tax} rec={editing.rec as Initiative | null} onSaved={saved} onCancel={() => setEditing(null)} />
          : editing.kind === 'provision' ? <ProvisionForm account={account} tax={tax} rec={editing.rec as Provision | null} onSaved={saved} onCancel={() => setEditing(null)} />
            : <ActivityForm account={account} tax={tax} rec={editing.rec as Activity | null} provs={provs} inits={inits} onSaved={saved} onCancel={() => setEditing(null)} />
      ) : (
        <>
          <ul class="actions">
            <li><button type="button" class="button" onClick={() => setEditing({ kind: 'initiative', rec: null })}>{to('opt.new.initiative')}</button></li>
            <li><button type="button" class="button" onClick={() => setEditing({ kind: 'provision', rec: null })}>{to('opt.new.provision')}</button></li>
            <li><button type="button" class="button" disabled={!inits.length && !provs.length} onClick={() => setEditing({ kind: 'activity', rec: null })}>{to('opt.new.activity')}</button></li>
          </ul>
          {!inits.length && !provs.length && <p class="hint">{to('opt.activity.first')}</p>}
          <h2>{to('opt.initiatives')}</h2>
          {inits.length === 0 ? <p>{to('opt.none')}</p> : (
            <ul class="cards" data-testid="initiatives">
              {inits.map((i) => (
                <OptionCard key={i.id} kind="initiative" rec={i} name={i.organisation} onDone={saved} onEdit={() => setEditing({ kind: 'initiative', rec: i })}
                  line={`${helps(i.help_types)} · ${i.service_area.polygon ? to('area.polygon') : `${to('area.radius')} ${formatDistance(i.service_area.radius_m ?? 0)}`}`} />
              ))}
            </ul>
          )}
          <h2>{to('opt.provisions')}</h2>
          {provs.length === 0 ? <p>{to('opt.none')}</p> : (
            <ul class="cards" data-testid="provisions">
              {provs.map((p) => (
                <OptionCard key={p.id} kind="provision" rec={p} name={p.name} onDone={saved} onEdit={() => setEditing({ kind: 'provision', rec: p })}
                  line={`${helps(p.help_types)} · ${p.address.street} ${p.address.house_number}, ${p.address.city}`} />
              ))}
            </ul>
          )}
          <h2>{to('opt.activities')}</h2>
          {acts.length === 0 ? <p>{to('opt.none')}</p> : (
            <ul class="cards" data-testid="activities">
              {acts.map((a) => (
                <OptionCard key={a.id} kind="activity" rec={a} name={a.name} onDone={saved} onEdit={() => setEditing({ kind: 'activity', rec: a })}
                  line={`${describe(parseRRule(a.schedule), tax)} · ${to('act.spots.short', { n: a.spots_per_occurrence })}`} />
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}

const PLURAL: Record<Kind, string> = { initiative: 'initiatives', provision: 'provisions', activity: 'activities' };

/** Pause or resume (PATCH active) and delete (after a confirmation) one option. */
/** One of the organiser's options as a card: name, paused badge, a summary line, edit, and the pause and delete actions. */
function OptionCard({ kind, rec, name, line, onEdit, onDone }: {
  kind: Kind; rec: { id: string; version: number; active?: boolean }; name: string; line: string; onEdit: () => void; onDone: (msg: string) => Promise<void>;
}) {
  return (
    <li {...{ [`data-${kind}`]: rec.id }}>
      <strong>{name}</strong>{rec.active === false && <> · <span class="badge">{to('opt.paused')}</span></>}
      <p>{line}</p>
      <button type="button" class="link-button" onClick={onEdit}>{to('opt.edit', { name })}</button>
      <OptionActions kind={kind} rec={rec} name={name} onDone={onDone} />
    </li>
  );
}

function OptionActions({ kind, rec, name, onDone }: { kind: Kind; rec: { id: string; version: number; active?: boolean }; name: string; onDone: (msg: string) => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const path = `/api/v1/${PLURAL[kind]}/${rec.id}`;
  const paused = rec.active === false;
  const run = async (f: () => Promise<unknown>, msg: string) => {
    setBusy(true);
    setError('');
    try {
      await f();
      await onDone(msg);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 409 && (err.problem.type ?? '').endsWith(':has-activities')
        ? to('del.hasactivities', { name }) : generalMessage(err));
      setConfirming(false);
    }
    setBusy(false);
  };
  const errId = `err-${rec.id}`;
  return (
    <div class="option-actions">
      {error && <p class="field-error" role="alert" id={errId}>{error}</p>}
      {confirming ? (
        <div class="confirm" role="group" aria-labelledby={`confirm-${rec.id}`}>
          <p id={`confirm-${rec.id}`}><strong>{to('del.confirm', { name })}</strong> {to(kind === 'activity' ? 'del.confirm.activity' : 'del.confirm.hint')}</p>
          <div class="actions">
            <button type="button" class="button button--danger" disabled={busy}
              onClick={() => run(() => del(path, undefined, { ifMatch: `"${rec.version}"` }), to('del.done', { name }))}>{to('del.yes')}</button>
            <button type="button" class="button button--secondary" onClick={() => setConfirming(false)}>{to('cancel')}</button>
          </div>
        </div>
      ) : (
        <div class="actions">
          <button type="button" class="button button--secondary" disabled={busy} aria-describedby={error ? errId : undefined}
            onClick={() => run(() => patch(path, { active: paused }, { ifMatch: `"${rec.version}"` }), to(paused ? 'pause.resumed' : 'pause.paused', { name }))}>
            {to(paused ? 'pause.resume' : 'pause.pause', { name })}
          </button>
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => { setError(''); setConfirming(true); }}>{to('del.open', { name })}</button>
        </div>
      )}
    </div>
  );
}

/** Saves a new record (POST) or a changed one (PUT with If-Match). */
async function save<T extends { id: string; version: number }>(path: string, rec: T | null, body: unknown) {
  return rec ? put<T>(`${path}/${rec.id}`, body, { ifMatch: `"${rec.version}"` }) : post<T>(path, body);
}

function FormButtons({ busy, onCancel }: { busy: boolean; onCancel: () => void }) {
  return (
    <div class="actions">
      <button type="submit" class="button" disabled={busy}>{busy ? t('saving') : to('save')}</button>
      <button type="button" class="button button--secondary" onClick={onCancel}>{to('cancel')}</button>
    </div>
  );
}

function ContactFields({ c, set, errors }: { c: Contact; set: (c: Contact) => void; errors: Record<string, string> }) {
  return (
    <fieldset class={'field' + (errors.contact ? ' field--error' : '')} aria-describedby={describedBy('contact', true, errors.contact)}>
      <legend>{to('f.contact')}</legend>
      <Hint field="contact">{to('f.contact.hint')}</Hint>
      <FieldError field="contact" error={errors.contact} />
      <TextField field="contact.name" label={to('f.contact.name')} value={c.name ?? ''} onInput={(v) => set({ ...c, name: v })} error={errors['contact.name']} />
      <TextField field="contact.email" type="email" label={to('f.contact.email')} value={c.email ?? ''} onInput={(v) => set({ ...c, email: v })} error={errors['contact.email']} />
      <TextField field="contact.phone" label={to('f.contact.phone')} value={c.phone ?? ''} onInput={(v) => set({ ...c, phone: v })} error={errors['contact.phone']} />
      <TextField field="contact.website" label={to('f.contact.website')} value={c.website ?? ''} onInput={(v) => set({ ...c, website: v })} error={errors['contact.website']} />
    </fieldset>
  );
}

const clean = (c: Contact): Contact => Object.fromEntries(Object.entries(c).filter(([, v]) => v && String(v).trim()).map(([k, v]) => [k, String(v).trim()]));
const RADII = [500, 1000, 2000, 3000, 5000, 10000];

// ------------------------------------------------------------ initiative

const INITIATIVE_FIELDS = ['organisation', 'description', 'help_types', 'service_area', 'service_area.center', 'service_area.radius_m',
  'service_area.polygon', 'contact', 'contact.name', 'contact.email', 'contact.phone', 'contact.website', 'capacity'];

function InitiativeForm({ account, tax, rec, onSaved, onCancel }: { account: Account; tax: Taxonomy; rec: Initiative | null; onSaved: (m: string) => void; onCancel: () => void }) {
  const [org, setOrg] = useState(rec?.organisation ?? '');
  const [desc, setDesc] = useState(rec?.description ?? '');
  const [helps, setHelps] = useState<string[]>(rec?.help_types ?? []);
  const [mode, setMode] = useState(rec?.service_area.polygon ? 'polygon' : 'radius');
  const [center, setCenter] = useState<LatLon | null>(rec?.service_area.center ?? null);
  const [radius, setRadius] = useState(rec?.service_area.radius_m ?? 2000);
  const [points, setPoints] = useState<LatLon[]>(rec?.service_area.polygon?.coordinates[0].slice(0, -1).map(([lon, lat]) => ({ lat, lon })) ?? []);
  const [contact, setContact] = useState<Contact>(rec?.contact ?? {});
  const [capacity, setCapacity] = useState(String(rec?.capacity ?? 10));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const e = errors.byField;
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    const ring = points.map((p) => [p.lon, p.lat]);
    const service_area = mode === 'radius' ? { center, radius_m: radius }
      : { polygon: { type: 'Polygon', coordinates: ring.length ? [[...ring, ring[0]]] : [] } };
    try {
      await save('/api/v1/initiatives', rec, {
        organisation: org.trim(), description: desc.trim(), help_types: helps, service_area, contact: clean(contact),
        capacity: Number(capacity) || 0, active: rec?.active ?? true,
      });
      onSaved(to('saved'));
    } catch (err) {
      setErrors(formErrors(err, INITIATIVE_FIELDS, { organisation: to('f.organisation'), description: to('f.description'), help_types: to('f.helps'), service_area: to('f.area'), capacity: to('f.capacity'), contact: to('f.contact') }));
      setBusy(false);
    }
  };
  const areaErr = e.service_area ?? e['service_area.center'] ?? e['service_area.polygon'] ?? e['service_area.radius_m'];
  return (
    <form onSubmit={submit} noValidate aria-busy={busy} data-testid="initiative-form">
      <h2>{rec ? to('opt.edit', { name: rec.organisation }) : to('opt.new.initiative')}</h2>
      <ErrorSummary errors={errors} />
      <TextField field="organisation" label={to('f.organisation')} value={org} onInput={setOrg} error={e.organisation} />
      <TextArea field="description" label={to('f.description')} value={desc} onInput={setDesc} error={e.description} />
      <CheckGroup field="help_types" legend={to('f.helps')} columns value={helps} onChange={setHelps} error={e.help_types}
        options={tax.help_types.map((h) => [h.code, label(h)])} />
      <fieldset class={'field' + (areaErr ? ' field--error' : '')}>
        <legend>{to('f.area')}</legend>
        <FieldError field="service_area" error={areaErr} />
        <RadioGroup field="area_mode" legend={to('f.area.mode')} value={mode} onChange={setMode}
          options={[['radius', to('area.radius.choice')], ['polygon', to('area.polygon.choice')]]} />
        <div class="where">
          <div>
            {mode === 'radius' ? (
              <>
                {pc4Lookup({ field: 'service_area.center', onFound: setCenter })}
                <SelectField field="service_area.radius_m" label={to('f.radius')} value={String(radius)} onChange={(v) => setRadius(Number(v))}
                  options={RADII.map((r) => [String(r), formatDistance(r)])} />
              </>
            ) : (
              <>
                <p id="polygon-hint">{to('area.polygon.hint')}</p>
                <p role="status" data-testid="polygon-points">{to('area.points', { n: points.length })}</p>
                <div class="inline">
                  <button type="button" class="button button--secondary" disabled={!points.length} onClick={() => setPoints(points.slice(0, -1))}>{to('area.undo')}</button>
                  <button type="button" class="button button--secondary" disabled={!points.length} onClick={() => setPoints([])}>{to('area.clear')}</button>
                </div>
              </>
            )}
          </div>
          <LayerMap municipality={account.municipality} label={mode === 'radius' ? to('map.center') : to('map.polygon')}
            onPick={(p) => (mode === 'radius' ? setCenter(p) : setPoints([...points, p]))}
            deps={[mode, center?.lat, center?.lon, radius, points]}
            draw={(g, m) => {
              if (mode === 'radius') {
                if (!center) return false;
                const c = L.circle([center.lat, center.lon], { radius, color: '#0b5394', weight: 2, fillOpacity: 0.1, interactive: false }).addTo(g);
                dot(center, '#b3261e').addTo(g);
                m.fitBounds(c.getBounds(), { padding: [20, 20] });
                return true;
              }
              if (!points.length) return false;
              const lls = points.map((p) => L.latLng(p.lat, p.lon));
              (points.length > 2 ? L.polygon(lls, { color: '#0b5394', weight: 2, fillOpacity: 0.12, interactive: false }) : L.polyline(lls, { color: '#0b5394', weight: 2, interactive: false })).addTo(g);
              points.forEach((p) => dot(p, '#b3261e', 5).addTo(g));
              return true;
            }} />
        </div>
      </fieldset>
      <ContactFields c={contact} set={setContact} errors={e} />
      <TextField field="capacity" type="number" inputMode="numeric" label={to('f.capacity')} hint={to('f.capacity.hint')} value={capacity} onInput={setCapacity} error={e.capacity} />
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}

// ------------------------------------------------------------- provision

const PROVISION_FIELDS = ['name', 'organisation', 'description', 'help_types', 'address', 'address.street', 'address.house_number',
  'address.postcode', 'address.city', 'location', 'opening_hours', 'target_groups', 'cost', 'cost.amount_eur', 'cost.unit',
  'accessibility', 'contact', 'contact.name', 'contact.email', 'contact.phone', 'contact.website'];
const UNITS = ['free', 'per_visit', 'per_week', 'per_month', 'per_year'];

function cellsOf(slots: Slot[]): string[] {
  return slots.flatMap((s) => PARTS.filter((p) => p.start === s.start && p.end === s.end).map((p) => `${s.day}:${p.code}`));
}

function ProvisionForm({ account, tax, rec, onSaved, onCancel }: { account: Account; tax: Taxonomy; rec: Provision | null; onSaved: (m: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(rec?.name ?? '');
  const [org, setOrg] = useState(rec?.organisation ?? '');
  const [desc, setDesc] = useState(rec?.description ?? '');
  const [helps, setHelps] = useState<string[]>(rec?.help_types ?? []);
  const [addr, setAddr] = useState(rec?.address ?? { street: '', house_number: '', postcode: '', city: '' });
  const [where, setWhere] = useState<LatLon | null>(rec?.location ?? null);
  const [cells, setCells] = useState<string[]>(cellsOf(rec?.opening_hours ?? []));
  const other = (rec?.opening_hours ?? []).filter((s) => !PARTS.some((p) => p.start === s.start && p.end === s.end));
  const [keep, setKeep] = useState<boolean[]>(other.map(() => true));
  const [groups, setGroups] = useState<string[]>(rec?.target_groups ?? []);
  const [unit, setUnit] = useState(rec?.cost.unit ?? 'free');
  const [amount, setAmount] = useState(String(rec?.cost.amount_eur ?? 0));
  const [acc, setAcc] = useState(rec?.accessibility ?? { wheelchair: false, step_free: false, accessible_toilet: false, hearing_loop: false, notes: '' });
  const [contact, setContact] = useState<Contact>(rec?.contact ?? {});
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const e = errors.byField;
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    const hours: Slot[] = [];
    for (const d of tax.weekdays) for (const p of PARTS) if (cells.includes(`${d.code}:${p.code}`)) hours.push({ day: d.code, start: p.start, end: p.end });
    other.forEach((s, i) => keep[i] && hours.push(s));
    const c = clean(contact);
    try {
      await save('/api/v1/provisions', rec, {
        name: name.trim(), ...(org.trim() ? { organisation: org.trim() } : {}), ...(desc.trim() ? { description: desc.trim() } : {}),
        help_types: helps, address: { ...addr, postcode: addr.postcode.trim().toUpperCase() }, location: where, opening_hours: hours,
        target_groups: groups, cost: { amount_eur: unit === 'free' ? 0 : Number(amount.replace(',', '.')) || 0, unit },
        accessibility: acc, ...(Object.keys(c).length ? { contact: c } : {}), active: rec?.active ?? true,
      });
      onSaved(to('saved'));
    } catch (err) {
      setErrors(formErrors(err, PROVISION_FIELDS, { name: to('f.name'), help_types: to('f.helps'), location: to('f.place'), address: to('f.address'), cost: to('f.cost') }));
      setBusy(false);
    }
  };
  const setA = (k: keyof typeof addr) => (v: string) => setAddr({ ...addr, [k]: v });
  return (
    <form onSubmit={submit} noValidate aria-busy={busy} data-testid="provision-form">
      <h2>{rec ? to('opt.edit', { name: rec.name }) : to('opt.new.provision')}</h2>
      <ErrorSummary errors={errors} />
      <TextField field="name" label={to('f.name')} value={name} onInput={setName} error={e.name} />
      <TextField field="organisation" label={to('f.organisation.opt')} value={org} onInput={setOrg} error={e.organisation} />
      <TextArea field="description" label={to('f.description.opt')} value={desc} onInput={setDesc} error={e.description} />
      <CheckGroup field="help_types" legend={to('f.helps')} columns value={helps} onChange={setHelps} error={e.help_types}
        options={tax.help_types.map((h) => [h.code, label(h)])} />
      <fieldset class={'field' + (e.address ? ' field--error' : '')}>
        <legend>{to('f.address')}</legend>
        <FieldError field="address" error={e.address} />
        <TextField field="address.street" label={to('f.street')} autocomplete="address-line1" value={addr.street} onInput={setA('street')} error={e['address.street']} />
        <TextField field="address.house_number" label={to('f.number')} value={addr.house_number} onInput={setA('house_number')} error={e['address.house_number']} />
        <TextField field="address.postcode" label={to('f.postcode6')} autocomplete="postal-code" value={addr.postcode} onInput={setA('postcode')} error={e['address.postcode']} />
        <TextField field="address.city" label={to('f.city')} autocomplete="address-level2" value={addr.city} onInput={setA('city')} error={e['address.city']} />
      </fieldset>
      <fieldset class={'field' + (e.location ? ' field--error' : '')}>
        <legend>{to('f.place')}</legend>
        <div class="where">
          <div>
            {pc4Lookup({ field: 'location', error: e.location, onFound: setWhere })}
            <p class="location-state">{where ? to('place.set') : to('place.none')}</p>
          </div>
          <LayerMap municipality={account.municipality} label={to('map.place')} onPick={setWhere} deps={[where?.lat, where?.lon]}
            draw={(g, m) => {
              if (!where) return false;
              dot(where, '#b3261e', 8).addTo(g);
              m.setView([where.lat, where.lon], 15);
              return true;
            }} />
        </div>
      </fieldset>
      <Availability field="opening_hours" legend={to('f.hours')} hint={to('f.hours.hint')} days={tax.weekdays.map((d) => [d.code, label(d)])}
        cells={cells} onChange={setCells} error={e.opening_hours} other={other} keep={keep} onKeep={setKeep} />
      <CheckGroup field="target_groups" legend={to('f.groups')} columns value={groups} onChange={setGroups} error={e.target_groups}
        options={tax.target_groups.map((g) => [g.code, label(g)])} />
      <fieldset class={'field' + (e.cost ? ' field--error' : '')}>
        <legend>{to('f.cost')}</legend>
        <FieldError field="cost" error={e.cost} />
        <SelectField field="cost.unit" label={to('f.cost.unit')} value={unit} onChange={setUnit} error={e['cost.unit']}
          options={UNITS.map((u) => [u, to(`unit.${u}` as 'unit.free')])} />
        {unit !== 'free' && <TextField field="cost.amount_eur" label={to('f.cost.amount')} inputMode="text" value={amount} onInput={setAmount} error={e['cost.amount_eur']} />}
      </fieldset>
      <fieldset class="field">
        <legend>{to('f.access')}</legend>
        {(['wheelchair', 'step_free', 'accessible_toilet', 'hearing_loop'] as const).map((k) => (
          <div class="choice" key={k}>
            <input type="checkbox" id={`acc-${k}`} checked={acc[k]} onChange={(ev) => setAcc({ ...acc, [k]: (ev.currentTarget as HTMLInputElement).checked })} />
            <label for={`acc-${k}`}>{to(`acc.${k}`)}</label>
          </div>
        ))}
        <TextField field="accessibility.notes" label={to('f.access.notes')} value={acc.notes ?? ''} onInput={(v) => setAcc({ ...acc, notes: v })} error={e['accessibility.notes']} />
      </fieldset>
      <ContactFields c={contact} set={setContact} errors={e} />
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}

// -------------------------------------------------------------- activity

const ACTIVITY_FIELDS = ['owner', 'provision_id', 'initiative_id', 'name', 'description', 'help_types', 'place', 'place.name', 'place.location',
  'schedule', 'schedule.start', 'schedule.rrule', 'schedule.exdates', 'schedule.duration_minutes', 'spots_per_occurrence', 'target_groups', 'age_min', 'age_max'];

function ActivityForm({ account, tax, rec, provs, inits, onSaved, onCancel }: {
  account: Account; tax: Taxonomy; rec: Activity | null; provs: Provision[]; inits: Initiative[]; onSaved: (m: string) => void; onCancel: () => void;
}) {
  const owners: [string, string][] = [...provs.map((p) => [`p:${p.id}`, p.name] as [string, string]), ...inits.map((i) => [`i:${i.id}`, i.organisation] as [string, string])];
  const [owner, setOwner] = useState(rec ? (rec.provision_id ? `p:${rec.provision_id}` : `i:${rec.initiative_id}`) : owners[0]?.[0] ?? '');
  const [name, setName] = useState(rec?.name ?? '');
  const [desc, setDesc] = useState(rec?.description ?? '');
  const [helps, setHelps] = useState<string[]>(rec?.help_types ?? []);
  const ownerProv = provs.find((p) => `p:${p.id}` === owner);
  const [placeName, setPlaceName] = useState(rec?.place.name ?? ownerProv?.name ?? '');
  const [where, setWhere] = useState<LatLon | null>(rec?.place.location ?? ownerProv?.location ?? null);
  const [rec0] = useState<Recurrence>(() => (rec ? parseRRule(rec.schedule) : { freq: 'weekly', day: 'tue', nth: 1, from: '', startTime: '14:00', endTime: '16:00', exdates: [] }));
  const [r, setR] = useState<Recurrence>(rec0);
  const [exdate, setExdate] = useState('');
  const [spots, setSpots] = useState(String(rec?.spots_per_occurrence ?? 10));
  const [groups, setGroups] = useState<string[]>(rec?.target_groups ?? []);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const e = errors.byField;
  const upd = (p: Partial<Recurrence>) => setR({ ...r, ...p });
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    const [kind, id] = owner.split(':');
    const start = firstOccurrence(r);
    const [sh, sm] = r.startTime.split(':').map(Number);
    const [eh, em] = r.endTime.split(':').map(Number);
    const duration = (eh * 60 + em) - (sh * 60 + sm);
    const rrule = buildRRule(r);
    try {
      await save('/api/v1/activities', rec, {
        ...(kind === 'p' ? { provision_id: id } : { initiative_id: id }),
        name: name.trim(), ...(desc.trim() ? { description: desc.trim() } : {}), help_types: helps,
        place: { name: placeName.trim(), location: where },
        schedule: {
          start, timezone: 'Europe/Amsterdam', duration_minutes: Number.isFinite(duration) ? duration : 0,
          ...(rrule ? { rrule, exdates: r.exdates.map((d) => `${d}T${r.startTime}`) } : {}),
        },
        spots_per_occurrence: Number(spots) || 0, target_groups: groups, active: rec?.active ?? true,
      });
      onSaved(to('saved'));
    } catch (err) {
      const fe = formErrors(err, ACTIVITY_FIELDS, { name: to('f.name'), help_types: to('f.helps'), 'place.name': to('f.placename'), 'place.location': to('f.place'), schedule: to('f.when'), spots_per_occurrence: to('f.spots'), provision_id: to('f.owner') });
      setErrors(fe);
      setBusy(false);
    }
  };
  const schedErr = e.schedule ?? e['schedule.start'] ?? e['schedule.rrule'] ?? e['schedule.duration_minutes'] ?? e['schedule.exdates'];
  const dayOpts = tax.weekdays.map((d) => [d.code, label(d)] as [string, string]);
  return (
    <form onSubmit={submit} noValidate aria-busy={busy} data-testid="activity-form">
      <h2>{rec ? to('opt.edit', { name: rec.name }) : to('opt.new.activity')}</h2>
      <ErrorSummary errors={errors} />
      <SelectField field="provision_id" label={to('f.owner')} value={owner} onChange={setOwner} options={owners} error={e.provision_id ?? e.initiative_id} />
      <TextField field="name" label={to('f.actname')} value={name} onInput={setName} error={e.name} />
      <TextArea field="description" label={to('f.description.opt')} value={desc} onInput={setDesc} error={e.description} />
      <CheckGroup field="help_types" legend={to('f.helps')} columns value={helps} onChange={setHelps} error={e.help_types}
        options={tax.help_types.map((h) => [h.code, label(h)])} />
      <fieldset class={'field' + (e.place || e['place.location'] ? ' field--error' : '')}>
        <legend>{to('f.place')}</legend>
        <TextField field="place.name" label={to('f.placename')} value={placeName} onInput={setPlaceName} error={e['place.name']} />
        <div class="where">
          <div>
            {pc4Lookup({ field: 'place.location', error: e['place.location'] ?? e.place, onFound: setWhere })}
            <p class="location-state">{where ? to('place.set') : to('place.none')}</p>
          </div>
          <LayerMap municipality={account.municipality} label={to('map.place')} onPick={setWhere} deps={[where?.lat, where?.lon]}
            draw={(g, m) => {
              if (!where) return false;
              dot(where, '#b3261e', 8).addTo(g);
              m.setView([where.lat, where.lon], 15);
              return true;
            }} />
        </div>
      </fieldset>

      <fieldset class={'field' + (schedErr ? ' field--error' : '')} aria-describedby={describedBy('schedule', true, schedErr)}>
        <legend>{to('f.when')}</legend>
        <Hint field="schedule">{to('f.when.hint')}</Hint>
        <FieldError field="schedule" error={schedErr} />
        <SelectField field="freq" label={to('rec.freq')} value={r.freq} onChange={(v) => upd({ freq: v as Recurrence['freq'] })}
          options={[['once', to('rec.once')], ['weekly', to('rec.weekly')], ['biweekly', to('rec.biweekly')], ['monthly', to('rec.monthly')]]} />
        {r.freq === 'monthly' && (
          <SelectField field="nth" label={to('rec.nth')} value={String(r.nth)} onChange={(v) => upd({ nth: Number(v) })}
            options={[['1', to('rec.nth.1')], ['2', to('rec.nth.2')], ['3', to('rec.nth.3')], ['4', to('rec.nth.4')], ['-1', to('rec.nth.last')]]} />
        )}
        {r.freq !== 'once' && <SelectField field="day" label={to('rec.day')} value={r.day} onChange={(v) => upd({ day: v })} options={dayOpts} />}
        <div class="field">
          <label for="rec-from">{r.freq === 'once' ? to('rec.date') : to('rec.from')}</label>
          <input type="date" id="rec-from" class="input--date" value={r.from} onInput={(ev) => upd({ from: (ev.currentTarget as HTMLInputElement).value })} />
        </div>
        <div class="inline">
          <div class="field">
            <label for="rec-start">{to('rec.start')}</label>
            <input type="time" id="rec-start" value={r.startTime} onInput={(ev) => upd({ startTime: (ev.currentTarget as HTMLInputElement).value })} />
          </div>
          <div class="field">
            <label for="rec-end">{to('rec.end')}</label>
            <input type="time" id="rec-end" value={r.endTime} onInput={(ev) => upd({ endTime: (ev.currentTarget as HTMLInputElement).value })} />
          </div>
        </div>
        {r.freq !== 'once' && (
          <div class="field">
            <label for="rec-ex">{to('rec.ex')}</label>
            <Hint field="rec-ex">{to('rec.ex.hint')}</Hint>
            <div class="inline">
              <input type="date" id="rec-ex" class="input--date" aria-describedby="f-rec-ex-hint" value={exdate} onInput={(ev) => setExdate((ev.currentTarget as HTMLInputElement).value)} />
              <button type="button" class="button button--secondary" disabled={!exdate} onClick={() => {
                if (exdate && !r.exdates.includes(exdate)) upd({ exdates: [...r.exdates, exdate].sort() });
                setExdate('');
              }}>{to('rec.ex.add')}</button>
            </div>
            {r.exdates.length > 0 && (
              <ul class="exdates">
                {r.exdates.map((d) => (
                  <li key={d}>{d} <button type="button" class="link-button" onClick={() => upd({ exdates: r.exdates.filter((x) => x !== d) })}>{to('rec.ex.remove', { date: d })}</button></li>
                ))}
              </ul>
            )}
          </div>
        )}
        <p class="recurrence-summary" role="status" data-testid="recurrence-summary">{describe(r, tax)}</p>
      </fieldset>
      <TextField field="spots_per_occurrence" type="number" inputMode="numeric" label={to('f.spots')} value={spots} onInput={setSpots} error={e.spots_per_occurrence} />
      <CheckGroup field="target_groups" legend={to('f.groups')} columns value={groups} onChange={setGroups} error={e.target_groups}
        options={tax.target_groups.map((g) => [g.code, label(g)])} />
      <FormButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}

// ------------------------------------------------------------- referrals

function Referrals() {
  const [tax, setTax] = useState<Taxonomy | null>(null);
  const [refs, setRefs] = useState<OwnerReferral[] | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [err, setErr] = useState('');
  const [notice, setNotice] = useState('');
  const [declining, setDeclining] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const load = () =>
    Promise.all([loadTaxonomy(), get<OwnerReferral[]>('/api/v1/my/referrals')]).then(([tx, list]) => {
      setTax(tx);
      setRefs(list);
    }).catch((e) => setErr(generalMessage(e)));
  useEffect(() => {
    void load();
    Promise.all([mine<Initiative>('/api/v1/initiatives'), mine<Provision>('/api/v1/provisions'), mine<Activity>('/api/v1/activities')])
      .then(([i, p, a]) => setNames(Object.fromEntries([...i.map((x) => [x.id, x.organisation]), ...p.map((x) => [x.id, x.name]), ...a.map((x) => [x.id, x.name])])))
      .catch(() => undefined);
  }, []);
  if (err) return <Page title={to('refs.title')}><p role="alert">{err}</p></Page>;
  if (!tax || !refs) return <Page title={to('refs.title')}><p class="loading">{t('loading')}</p></Page>;

  const move = async (id: string, body: { to: string; reason?: string }, msg: string) => {
    try {
      await post(`/api/v1/referrals/${id}/transitions`, body);
      setDeclining('');
      setReason('');
      setErrors(noErrors);
      setNotice(msg);
      await load();
    } catch (e) {
      setErrors(formErrors(e, ['reason'], { reason: to('refs.reason') }));
    }
  };
  // Group per option and occurrence; the waiting list keeps its order (oldest first).
  const groups = new Map<string, OwnerReferral[]>();
  for (const r of [...refs].sort((a, b) => a.created_at.localeCompare(b.created_at))) {
    const k = `${r.option_id}|${r.occurrence ?? ''}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const dayName = (d: string) => label(tax.weekdays.find((w) => w.code === d), d);
  return (
    <Page title={to('refs.title')} wide>
      <p>{to('refs.intro')}</p>
      {notice && <Notice text={notice} />}
      {refs.length === 0 && <p>{to('refs.none')}</p>}
      {[...groups.entries()].map(([k, list]) => {
        const [opt, occ] = k.split('|');
        const waiting = list.filter((r) => r.state === 'waitlisted');
        const holding = list.filter((r) => r.state === 'accepted' || r.state === 'started').length;
        const hid = `grp-${opt}-${occ.replace(/\D/g, '')}`;
        return (
          <section key={k} class="referral" aria-labelledby={hid} data-option={opt} data-occurrence={occ}>
            <h2 id={hid}>{names[opt] ?? to(`kind.${list[0].option_kind}` as 'kind.activity')}{occ ? ` · ${formatDateTime(occ)}` : ''}</h2>
            <p>{to('refs.counts', { places: holding, waiting: waiting.length })}</p>
            <ol class="options">
              {list.map((r) => (
                <li key={r.id} class="option" data-referral={r.id}>
                  <p><strong>{label(tax.help_types.find((h) => h.code === r.need), r.need)}</strong>{r.resident_name ? ` · ${r.resident_name}` : ''}</p>
                  <dl>
                    <div><dt>{to('refs.state')}</dt><dd class={'state state--' + r.state}>{to(`state.${r.state}` as 'state.proposed')}{r.state === 'waitlisted' ? ` (${to('refs.place', { n: waiting.indexOf(r) + 1 })})` : ''}</dd></div>
                    <div><dt>{to('refs.where')}</dt><dd>{[r.neighbourhood, r.district].filter(Boolean).join(', ') || '—'}</dd></div>
                    <div><dt>{to('refs.when')}</dt><dd>{r.time_windows.length ? r.time_windows.map((w) => `${dayName(w.day)} ${w.start}–${w.end}`).join('; ') : to('refs.when.any')}</dd></div>
                  </dl>
                  {r.state === 'proposed' && (declining === r.id ? (
                    <form noValidate class="decline-form" onSubmit={(ev) => { ev.preventDefault(); void move(r.id, { to: 'declined', reason: reason.trim() }, to('refs.declined')); }}>
                      <ErrorSummary errors={errors} />
                      <TextArea field="reason" label={to('refs.reason')} value={reason} onInput={setReason} error={errors.byField.reason} />
                      <div class="actions">
                        <button type="submit" class="button">{to('refs.decline.submit')}</button>
                        <button type="button" class="button button--secondary" onClick={() => setDeclining('')}>{to('cancel')}</button>
                      </div>
                    </form>
                  ) : (
                    <div class="actions">
                      <button type="button" class="button" onClick={() => move(r.id, { to: 'accepted' }, to('refs.accepted'))}>{to('refs.accept')}</button>
                      <button type="button" class="button button--secondary" onClick={() => { setErrors(noErrors); setDeclining(r.id); }}>{to('refs.decline')}</button>
                    </div>
                  ))}
                </li>
              ))}
            </ol>
          </section>
        );
      })}
      {errors.summary.length > 0 && !declining && <ErrorSummary errors={errors} />}
    </Page>
  );
}


