// The coordinator's dashboard (issue 7): the municipality's indicators
// from GET /api/v1/monitoring/indicators for a period, per district or
// neighbourhood, as key figures, a choropleth map of one indicator (the
// .geojson of the same query), a table per area, bar charts with their
// tables, the avoided costs calculated line by line, downloads (CSV,
// GeoJSON) and a printable report. The filters live in the URL, so a view
// can be shared. A lazily loaded chunk of its own, with Chart.js.
import './dashboard.css';
import L from 'leaflet';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, loadTaxonomy, type Account, type Taxonomy } from '../lib/api';
import { FieldError, Hint, describedBy, generalMessage, idFor } from '../lib/forms';
import { label, lang, t } from '../lib/i18n';
import { LayerMap } from '../lib/map';
import { Page } from '../lib/page';
import { Link, navigate } from '../lib/router';
import { BarChart } from './charts';
import { hasText, td, type DashKey } from './dashboard-text';
import {
  GROUPS, INDICATORS, MAX_MONTHS, SUPPRESSED, apiQuery, checkPeriod, classBreaks, classColours, classLabel, classOf, defaultPeriod,
  formatEuro, formatNum, formatNumber, formatValue, indicatorDef, monthName, numberOf, pageQuery, paletteOf,
  parseFilters, periodProblem, pick, valueOf, type PeriodProblem, type AreaReport, type CostLine, type Filters, type IndicatorDef, type Indicators, type Level, type Report,
} from './indicators';

const API = '/api/v1/monitoring/indicators';

/** For a few seconds after the server started the indicators answer 503
 * while they load: try again every 3 s, for at most a minute. */
async function whenLoaded<T>(load: () => Promise<T>, stopped: () => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await load();
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 503) || i >= 20 || stopped()) throw e;
      await new Promise((done) => setTimeout(done, 3000));
    }
  }
}
const PATH = '/dashboard';

type AreaFeature = GeoJSON.Feature<GeoJSON.Geometry, Record<string, unknown>>;
type AreaCollection = GeoJSON.FeatureCollection<GeoJSON.Geometry, Record<string, unknown>>;

/** The indicator's name in the current language. */
const indName = (key: string) => td(`ind.${key}` as DashKey);
/** A problem with the period in words. */
function periodText(p: PeriodProblem | null): string | null {
  if (p === 'month') return td('err.month', { example: defaultPeriod(new Date()).from });
  if (p === 'order') return td('err.order');
  if (p === 'long') return td('err.long', { n: MAX_MONTHS });
  return null;
}

/** Its short name, as a table's column header. */
const colName = (key: string) => (hasText(`col.${key}`) ? td(`col.${key}` as DashKey) : indName(key));

export default function Dashboard({ account, query }: { account: Account; query: URLSearchParams }) {
  const qs = query.toString();
  const filters = useMemo(() => parseFilters(new URLSearchParams(qs), new Date()), [qs]);
  const api = apiQuery(filters);
  const [report, setReport] = useState<Report | null>(null);
  const [geo, setGeo] = useState<AreaCollection | null>(null);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [tax, setTax] = useState<Taxonomy | null>(null);
  const [districts, setDistricts] = useState<[string, string][]>([]);

  useEffect(() => {
    loadTaxonomy().then(setTax).catch(() => undefined);
    if (account.municipality) {
      get<GeoJSON.FeatureCollection>(`/api/v1/municipalities/${encodeURIComponent(account.municipality)}/areas`)
        .then((fc) => setDistricts(fc.features
          .map((f) => f.properties as { kind?: string; code?: string; name?: string } | null)
          .filter((p): p is { kind: string; code: string; name: string } => p?.kind === 'district' && !!p.code)
          .map((p) => [p.code, p.name || p.code] as [string, string])
          .sort((a, b) => a[1].localeCompare(b[1], 'nl'))))
        .catch(() => undefined);
    }
  }, []);

  useEffect(() => {
    let gone = false;
    setBusy(true);
    setError(null);
    const stopped = () => gone;
    Promise.all([whenLoaded(() => get<Report>(`${API}?${api}`), stopped),
      whenLoaded(() => get<AreaCollection>(`${API}.geojson?${api}`), stopped).catch(() => null)])
      .then(([r, g]) => {
        if (gone) return;
        setReport(r);
        setGeo(g);
      })
      .catch((e) => {
        if (gone) return;
        setReport(null);
        setGeo(null);
        const fe = e instanceof ApiError ? e.fieldErrors.find((f) => ['from', 'to', 'level', 'area'].includes(f.field)) : undefined;
        setError({
          field: fe?.field,
          message: fe ? periodText(periodProblem(fe.reason)) ?? fe.reason : e instanceof ApiError && e.status === 404 ? td('err.missing') : generalMessage(e),
        });
      })
      .finally(() => !gone && setBusy(false));
    return () => {
      gone = true;
    };
  }, [api]);

  const show = (f: Filters, replace = false) => navigate(`${PATH}?${pageQuery(f)}`, replace);
  const areaName = filters.area ? districts.find(([c]) => c === filters.area)?.[1] ?? report?.areas.find((a) => a.code === filters.area)?.name ?? filters.area : '';
  const place = report?.municipality.name ?? account.municipality ?? '';

  return (
    <Page title={td('title')} wide>
      <p class="dash-subtitle" data-testid="subtitle">
        {filters.area
          ? td('subtitle.area', { place, area: areaName, from: monthName(filters.from, lang()), to: monthName(filters.to, lang()) })
          : td('subtitle', { place, from: monthName(filters.from, lang()), to: monthName(filters.to, lang()) })}
        {' · '}
        {td('level')} {td(`level.${filters.level}`)}
      </p>
      <p class="no-print">{td('intro')}</p>
      <FilterForm filters={filters} districts={districts} onShow={(f) => show(f)} serverError={error?.field ? error : null} />
      <section class="dash-actions no-print" aria-labelledby="dash-actions-title">
        <h2 id="dash-actions-title" class="visually-hidden">{td('actions')}</h2>
        <ul class="actions">
          <li><a class="button button--secondary" href={`${API}.csv?${api}`} download data-testid="download-csv">{td('download.csv')}</a></li>
          <li><a class="button button--secondary" href={`${API}.geojson?${api}`} download data-testid="download-geojson">{td('download.geojson')}</a></li>
          <li><button type="button" class="button" onClick={() => window.print()} data-testid="print">{td('print')}</button></li>
        </ul>
      </section>
      {error && !error.field && <p role="alert" class="error-summary">{error.message}</p>}
      {busy && !report && <p class="loading">{t('loading')}</p>}
      {report && (
        <div class="dash" aria-busy={busy ? 'true' : 'false'} data-testid="dashboard" data-level={report.level}>
          <KeyFigures r={report} areaName={areaName} />
          <p class="hint">{td('privacy', { min: report.min_count })}</p>
          <MapSection r={report} geo={geo} filters={filters} municipality={account.municipality}
            onIndicator={(indicator) => show({ ...filters, indicator }, true)} />
          <AreaTable r={report} indicator={filters.indicator} areaName={areaName} />
          <section aria-labelledby="dash-charts">
            <h2 id="dash-charts">{td('charts')}</h2>
            <Charts r={report} tax={tax} level={filters.level} />
            <Gaps r={report} />
          </section>
          <Costs r={report} />
          <p class="hint">{td('generated', { when: new Date(report.generated_at).toLocaleString(lang() === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }) })}</p>
        </div>
      )}
    </Page>
  );
}

// -------------------------------------------------------------- filters

function FilterForm({ filters, districts, onShow, serverError }: {
  filters: Filters; districts: [string, string][]; onShow: (f: Filters) => void; serverError: { field?: string; message: string } | null;
}) {
  const [from, setFrom] = useState(filters.from);
  const [to, setTo] = useState(filters.to);
  const [level, setLevel] = useState<Level>(filters.level);
  const [area, setArea] = useState(filters.area);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    setFrom(filters.from);
    setTo(filters.to);
    setLevel(filters.level);
    setArea(filters.area);
  }, [filters.from, filters.to, filters.level, filters.area]);
  const example = defaultPeriod(new Date()).from;
  const shown = { ...errors };
  if (serverError?.field && !shown[serverError.field]) shown[serverError.field] = serverError.message;

  const submit = (e: Event) => {
    e.preventDefault();
    const bad = checkPeriod(from, to);
    const msgs: Record<string, string> = {};
    for (const [f, why] of Object.entries(bad)) msgs[f] = periodText(why)!;
    setErrors(msgs);
    if (Object.keys(msgs).length) {
      document.getElementById(idFor(Object.keys(msgs)[0]))?.focus();
      return;
    }
    onShow({ ...filters, from, to, level, area });
  };
  const reset = () => {
    setErrors({});
    onShow({ ...filters, ...defaultPeriod(new Date()) });
  };
  const month = (field: 'from' | 'to', value: string, set: (v: string) => void) => (
    <div class={'field' + (shown[field] ? ' field--error' : '')}>
      <label for={idFor(field)}>{td(field)}</label>
      <Hint field={field}>{td('month.hint', { example })}</Hint>
      <FieldError field={field} error={shown[field]} />
      <input type="month" id={idFor(field)} name={field} value={value} class="input--month" pattern="\d{4}-\d{2}"
        aria-invalid={shown[field] ? 'true' : undefined} aria-describedby={describedBy(field, true, shown[field])}
        onInput={(e) => set((e.currentTarget as HTMLInputElement).value)} />
    </div>
  );
  return (
    <form class="dash-filters no-print" onSubmit={submit} aria-labelledby="dash-filters-title" data-testid="filters" noValidate>
      <h2 id="dash-filters-title">{td('filters')}</h2>
      <div class="dash-filters__row">
        <fieldset class="field dash-period">
          <legend>{td('period')}</legend>
          <div class="dash-filters__months">
            {month('from', from, setFrom)}
            {month('to', to, setTo)}
          </div>
        </fieldset>
        <fieldset class="field">
          <legend>{td('level')}</legend>
          <div class="choices">
            {(['district', 'neighbourhood'] as Level[]).map((l, i) => {
              const id = i === 0 ? idFor('level') : `${idFor('level')}-${l}`;
              return (
                <div class="choice" key={l}>
                  <input type="radio" id={id} name="level" value={l} checked={level === l} onChange={() => setLevel(l)} />
                  <label for={id}>{td(`level.${l}.choice`)}</label>
                </div>
              );
            })}
          </div>
        </fieldset>
        <div class={'field' + (shown.area ? ' field--error' : '')}>
          <label for={idFor('area')}>{td('area')}</label>
          <FieldError field="area" error={shown.area} />
          <select id={idFor('area')} value={area} onChange={(e) => setArea((e.currentTarget as HTMLSelectElement).value)}
            aria-invalid={shown.area ? 'true' : undefined} aria-describedby={describedBy('area', false, shown.area)}>
            <option value="">{td('area.all')}</option>
            {districts.map(([code, name]) => <option key={code} value={code}>{name}</option>)}
          </select>
        </div>
      </div>
      <div class="inline">
        <button type="submit" class="button">{td('show')}</button>
        <button type="button" class="link-button" onClick={reset}>{td('reset')}</button>
      </div>
    </form>
  );
}

// -------------------------------------------------------------- key figures

function KeyFigures({ r, areaName }: { r: Report; areaName: string }) {
  const x = r.total;
  const L = lang();
  const avoided = x.avoided_costs;
  const tiles: { id: string; value: string; raw: unknown; label: string; sub?: string }[] = [
    { id: 'requests', value: formatValue(x.demand.requests, 'count', L), raw: x.demand.requests, label: td('tile.requests') },
    {
      id: 'zero-line', value: formatValue(x.results.zero_line_share, 'share', L), raw: x.results.zero_line_share, label: td('tile.zero_line'),
      sub: td('tile.of', { n: formatValue(x.results.closed, 'count', L) }),
    },
    {
      id: 'gap', value: formatValue(x.gaps.requests_with_gap, 'count', L), raw: x.gaps.requests_with_gap, label: td('tile.gap'),
      sub: valueOf(x.gaps.share).kind === 'num' ? td('tile.share', { share: formatValue(x.gaps.share, 'share', L) }) : undefined,
    },
    {
      id: 'first-contact', value: formatValue(x.timeliness.first_contact.median_days, 'days', L), raw: x.timeliness.first_contact.median_days,
      label: td('tile.first_contact'), sub: td('tile.first_contact.target', { days: r.target_days }),
    },
    {
      id: 'avoided', value: avoided.configured && avoided.total_eur != null ? formatEuro(avoided.total_eur, L) : td('tile.avoided.none'),
      raw: avoided.total_eur, label: td('tile.avoided'),
    },
    { id: 'options', value: formatValue(x.supply.options, 'count', L), raw: x.supply.options, label: td('tile.options') },
  ];
  return (
    <section aria-labelledby="dash-key">
      <h2 id="dash-key">{areaName ? td('key.area', { area: areaName }) : td('key.whole')}</h2>
      <ul class="tiles" data-testid="tiles">
        {tiles.map((tile) => (
          <li key={tile.id} class="tile" data-testid={`tile-${tile.id}`} data-value={tile.raw == null ? '' : String(tile.raw)}>
            <span class="tile__value">{tile.value}</span>
            <span class="tile__label">{tile.label}</span>
            {tile.sub && <span class="tile__sub">{tile.sub}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

// -------------------------------------------------------------- the map

/** A diagonal hatch for areas with too few records (a canvas pattern; Leaflet's canvas renderer takes it as fillStyle). */
let hatch: CanvasPattern | null | undefined;
function hatchFill(): string {
  if (hatch === undefined) {
    const c = document.createElement('canvas');
    c.width = c.height = 8;
    const g = c.getContext('2d');
    if (g) {
      g.fillStyle = '#e4e4e4';
      g.fillRect(0, 0, 8, 8);
      g.strokeStyle = '#6b6b6b';
      g.lineWidth = 1.5;
      g.beginPath();
      g.moveTo(0, 8);
      g.lineTo(8, 0);
      g.moveTo(-2, 2);
      g.lineTo(2, -2);
      g.moveTo(6, 10);
      g.lineTo(10, 6);
      g.stroke();
    }
    hatch = g?.createPattern(c, 'repeat') ?? null;
  }
  return (hatch ?? SUPPRESSED) as unknown as string;
}

interface Shade {
  code: string;
  name: string;
  raw: unknown;
  cls: number; // -1: suppressed or none
  colour: string;
}

function shades(geo: AreaCollection | null, r: Report, d: IndicatorDef): { bounds: number[]; colours: string[]; areas: Shade[] } {
  const byCode = new Map<string, AreaReport>(r.areas.map((a) => [a.code, a]));
  const feats = (geo?.features ?? []) as AreaFeature[];
  const raw = feats.map((f) => {
    const p = f.properties ?? {};
    const code = String(p.code ?? '');
    return { code, name: String(p.name ?? byCode.get(code)?.name ?? code), raw: d.key in p ? p[d.key] : pick(byCode.get(code)?.indicators, d.key) };
  });
  const nums = raw.map((a) => numberOf(a.raw)).filter((n): n is number => n !== null);
  const bounds = classBreaks(nums, d.unit);
  const colours = classColours(paletteOf(d), bounds.length - 1);
  return {
    bounds, colours,
    areas: raw.map((a) => {
      const n = numberOf(a.raw);
      const cls = n === null ? -1 : classOf(n, bounds);
      return { ...a, cls, colour: cls < 0 ? SUPPRESSED : colours[cls] };
    }),
  };
}

function MapSection({ r, geo, filters, municipality, onIndicator }: {
  r: Report; geo: AreaCollection | null; filters: Filters; municipality?: string; onIndicator: (k: string) => void;
}) {
  const d = indicatorDef(filters.indicator);
  const L_ = lang();
  const s = useMemo(() => shades(geo, r, d), [geo, r, d.key]);
  const level = r.level === 'neighbourhood' ? 'neighbourhood' : 'district';
  const name = indName(d.key);
  const legendNote = d.better === 'high' ? td('legend.good.high') : d.better === 'low' ? td('legend.good.low') : td('legend.neutral');
  const signature = s.areas.map((a) => `${a.code}:${a.cls}`).join(',');

  const draw = (g: L.LayerGroup, m: L.Map) => {
    if (!geo || !geo.features.length) return false;
    const byCode = new Map(s.areas.map((a) => [a.code, a]));
    const tip = (f: AreaFeature) => {
      const a = byCode.get(String(f.properties?.code ?? ''));
      const el = document.createElement('div');
      const b = document.createElement('strong');
      b.textContent = a?.name ?? '';
      el.append(b, document.createElement('br'), `${name}: ${formatValue(a?.raw, d.unit, L_)}`);
      return el;
    };
    const layer = L.geoJSON(geo as GeoJSON.FeatureCollection, {
      style: (f) => {
        const a = byCode.get(String((f as AreaFeature | undefined)?.properties?.code ?? ''));
        const none = !a || a.cls < 0;
        return { color: '#1b1b1b', weight: 1, fillOpacity: none ? 0.9 : 0.85, fillColor: none ? hatchFill() : a.colour };
      },
      pointToLayer: (f, ll) => {
        const a = byCode.get(String((f as AreaFeature).properties?.code ?? ''));
        const none = !a || a.cls < 0;
        return L.circleMarker(ll, { radius: 9, color: '#1b1b1b', weight: 1.5, fillOpacity: 0.95, fillColor: none ? hatchFill() : a.colour });
      },
      onEachFeature: (f, l) => {
        l.bindTooltip(tip(f as AreaFeature), { sticky: true, direction: 'top' });
      },
    }).addTo(g);
    const b = layer.getBounds();
    if (!b.isValid()) return false;
    m.fitBounds(b, { padding: [16, 16], maxZoom: 15 });
    return true;
  };

  const options = GROUPS.map((grp) => [grp, INDICATORS.filter((x) => x.group === grp)] as const);
  return (
    <section aria-labelledby="dash-map" class="dash-map">
      <h2 id="dash-map">{td('map.title')}</h2>
      <div class="field no-print">
        <label for={idFor('indicator')}>{td('map.indicator')}</label>
        <select id={idFor('indicator')} value={d.key} data-testid="indicator"
          onChange={(e) => onIndicator((e.currentTarget as HTMLSelectElement).value)}>
          {options.map(([grp, list]) => (
            <optgroup key={grp} label={td(`group.${grp}` as DashKey)}>
              {list.map((x) => <option key={x.key} value={x.key}>{indName(x.key)}</option>)}
            </optgroup>
          ))}
        </select>
      </div>
      <p class="print-only">{td('map.showing', { indicator: name })}</p>
      <div class="dash-map__grid">
        <div data-testid="map" data-indicator={d.key} data-areas={s.areas.length} data-classes={signature}>
          <LayerMap municipality={municipality} tall label={td('map.label', { indicator: name, level: td(`level.${level}`) })}
            draw={draw} deps={[geo, signature, d.key, L_]} />
          {level === 'neighbourhood' && <p class="hint">{td('map.points')}</p>}
        </div>
        <div class="legend" data-testid="legend" data-indicator={d.key}>
          <h3>{td('legend')}</h3>
          <p class="legend__name">{name}</p>
          {s.colours.length ? (
            <ul class="legend__list">
              {s.colours.map((c, i) => (
                <li key={i} data-class={i}>
                  <span class="legend__swatch" style={{ backgroundColor: c }} aria-hidden="true" />
                  {classLabel(s.bounds, i, d.unit, L_)}
                </li>
              ))}
              <li data-class="-1">
                <span class="legend__swatch legend__swatch--suppressed" aria-hidden="true" />
                {td('legend.suppressed', { min: r.min_count })}
              </li>
            </ul>
          ) : (
            <>
              <p>{td('legend.nodata')}</p>
              <ul class="legend__list">
                <li data-class="-1">
                  <span class="legend__swatch legend__swatch--suppressed" aria-hidden="true" />
                  {td('legend.suppressed', { min: r.min_count })}
                </li>
              </ul>
            </>
          )}
          <p class="hint">{legendNote}</p>
        </div>
      </div>
    </section>
  );
}

// -------------------------------------------------------------- the table per area

const TABLE_COLUMNS: string[] = [
  'demand.requests', 'gaps.requests_with_gap', 'results.zero_line_share',
  'timeliness.first_contact.median_days', 'timeliness.first_contact.p90_days', 'supply.options', 'outcomes.mean_change', 'avoided_costs.total_eur',
];

function AreaTable({ r, indicator, areaName }: { r: Report; indicator: string; areaName: string }) {
  const cols = TABLE_COLUMNS.includes(indicator) ? TABLE_COLUMNS : [...TABLE_COLUMNS, indicator];
  const defs = cols.map(indicatorDef);
  const L_ = lang();
  const level = r.level === 'neighbourhood' ? 'neighbourhood' : 'district';
  const cell = (ind: Indicators, d: IndicatorDef) => {
    const v = pick(ind, d.key);
    const x = valueOf(v);
    return (
      <td class={'num' + (x.kind !== 'num' ? ' num--few' : '') + (d.key === indicator ? ' is-shown' : '')} key={d.key}>
        {formatValue(v, d.unit, L_, true)}
      </td>
    );
  };
  return (
    <section aria-labelledby="dash-table">
      <h2 id="dash-table">{td(`table.${level}`)}</h2>
      {r.areas.length ? (
        <div class="grid-scroll" tabIndex={0} role="group" aria-labelledby="dash-table">
          <table class="table table--areas" data-testid="area-table">
            <thead>
              <tr>
                <th scope="col">{td('table.area')}</th>
                {defs.map((d) => <th scope="col" class="num" key={d.key}>{colName(d.key)}</th>)}
              </tr>
            </thead>
            <tbody>
              {r.areas.map((a) => (
                <tr key={a.code} data-area={a.code}>
                  <th scope="row">{a.name}</th>
                  {defs.map((d) => cell(a.indicators, d))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{areaName ? td('table.total.area', { area: areaName }) : td('table.total')}</th>
                {defs.map((d) => cell(r.total, d))}
              </tr>
            </tfoot>
          </table>
        </div>
      ) : (
        <p>{td('table.none')}</p>
      )}
    </section>
  );
}

// -------------------------------------------------------------- charts

const DEMAND = '#e6550d';
const SUPPLY = '#08519c';
const MEDIAN = '#3182bd';
const P90 = '#a63603';

function Charts({ r, tax, level }: { r: Report; tax: Taxonomy | null; level: Level }) {
  const L_ = lang();
  const x = r.total;
  const count = (n: number) => formatNumber(n, L_);
  const alt = (title: string) => td('chart.alt', { title });

  // Demand and supply per help type: every type either has, in the taxonomy's order (unknown codes after).
  const some = (v: unknown) => valueOf(v).kind === 'suppressed' || (numberOf(v) ?? 0) !== 0;
  const types = orderCodes([...Object.entries(x.demand.by_need ?? {}), ...Object.entries(x.supply.by_help_type ?? {})]
    .filter(([, v]) => some(v)).map(([c]) => c), tax?.help_types);
  const typeLabel = (c: string) => label(tax?.help_types.find((h) => h.code === c), c);
  const supplyTitle = td('chart.supply');

  const results = ['resolved_locally', 'referred_to_specialist', 'safety_overrides', 'withdrawn'] as const;
  const resultsTitle = td('chart.results');

  const speedAreas = r.areas.filter((a) => numberOf(a.indicators.timeliness.first_contact.median_days) !== null
    || numberOf(a.indicators.timeliness.first_contact.p90_days) !== null);
  const speedTitle = td('chart.speed', { level: td(`level.${level}`) });
  const days = (n: number) => formatNum(n, 'days', L_, true);

  const domains = orderCodes(Object.entries(x.outcomes.by_domain ?? {})
    .filter(([, v]) => some(v?.requests) || numberOf(v?.mean_change) !== null).map(([c]) => c), tax?.life_domains);
  const domainLabel = (c: string) => label(tax?.life_domains.find((h) => h.code === c), c);
  const outcomesTitle = td('chart.outcomes');

  return (
    <div class="charts">
      <BarChart id="supply" title={supplyTitle} hint={td('chart.supply.hint')} category={td('chart.helptype')} horizontal
        labels={types.map(typeLabel)} format={count} alt={alt(supplyTitle)} empty={td('chart.empty')}
        series={[
          { label: td('chart.supply.demand'), colour: DEMAND, values: types.map((c) => numberOf(x.demand.by_need?.[c])), texts: types.map((c) => formatValue(x.demand.by_need?.[c] ?? 0, 'count', L_)) },
          { label: td('chart.supply.supply'), colour: SUPPLY, values: types.map((c) => numberOf(x.supply.by_help_type?.[c])), texts: types.map((c) => formatValue(x.supply.by_help_type?.[c] ?? 0, 'count', L_)) },
        ]} />
      <BarChart id="results" title={resultsTitle} hint={td('chart.results.hint', { n: formatValue(x.results.closed, 'count', L_) })}
        category={td('chart.results.kind')} horizontal labels={results.map((k) => td(`res.${k}`))} format={count} alt={alt(resultsTitle)} empty={td('chart.empty')}
        series={[{ label: td('chart.results.count'), colour: SUPPLY, values: results.map((k) => numberOf(x.results[k])), texts: results.map((k) => formatValue(x.results[k], 'count', L_)) }]} />
      <BarChart id="speed" title={speedTitle} hint={td('chart.speed.hint', { days: r.target_days })} category={td('table.area')}
        horizontal labels={speedAreas.map((a) => a.name)} format={days} axis={td('axis.days')} alt={alt(speedTitle)} empty={td('chart.empty')}
        series={[
          { label: td('chart.speed.median'), colour: MEDIAN, values: speedAreas.map((a) => numberOf(a.indicators.timeliness.first_contact.median_days)), texts: speedAreas.map((a) => formatValue(a.indicators.timeliness.first_contact.median_days, 'days', L_, true)) },
          { label: td('chart.speed.p90'), colour: P90, values: speedAreas.map((a) => numberOf(a.indicators.timeliness.first_contact.p90_days)), texts: speedAreas.map((a) => formatValue(a.indicators.timeliness.first_contact.p90_days, 'days', L_, true)) },
        ]} />
      <BarChart id="outcomes" title={outcomesTitle} hint={td('chart.outcomes.hint')} category={td('chart.domain')} horizontal
        labels={domains.map(domainLabel)} format={(n) => formatNum(n, 'mean', L_)} alt={alt(outcomesTitle)} empty={td('chart.empty')}
        series={[{ label: td('chart.outcomes.change'), colour: MEDIAN, values: domains.map((c) => numberOf(x.outcomes.by_domain[c]?.mean_change)), texts: domains.map((c) => formatValue(x.outcomes.by_domain[c]?.mean_change, 'mean', L_)) }]}
        extra={[{ label: td('chart.outcomes.requests'), texts: domains.map((c) => formatValue(x.outcomes.by_domain[c]?.requests, 'count', L_)) }]} />
    </div>
  );
}

/** Codes in the order of a code list, unknown ones after, each once. */
function orderCodes(codes: string[], terms: { code: string }[] | undefined): string[] {
  const set = new Set(codes);
  const known = (terms ?? []).map((t) => t.code).filter((c) => set.has(c));
  return [...known, ...[...set].filter((c) => !known.includes(c)).sort()];
}

function Gaps({ r }: { r: Report }) {
  const order = ['none_of_type', 'none_in_reach', 'all_full', 'no_time_overlap', 'not_suitable'];
  const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
  const reasons = Object.entries(r.total.gaps.by_reason ?? {}).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  if (!reasons.length) return null;
  const L_ = lang();
  return (
    <div class="chart">
      <h3 id="dash-gaps">{td('gaps')}</h3>
      <table class="table table--compact" aria-labelledby="dash-gaps" data-testid="gaps-table">
        <thead>
          <tr><th scope="col">{td('gaps.reason')}</th><th scope="col" class="num">{td('gaps.count')}</th></tr>
        </thead>
        <tbody>
          {reasons.map(([code, n]) => (
            <tr key={code}>
              <th scope="row">{hasText(`gap.${code}`) ? td(`gap.${code}` as DashKey) : code}</th>
              <td class="num">{formatValue(n, 'count', L_)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// -------------------------------------------------------------- avoided costs

function unitText(unit: string, qty: number | null): string {
  const k = `unit.${unit}${qty !== null && qty !== 1 ? '.n' : ''}`;
  return hasText(k) ? td(k as DashKey) : unit.replaceAll('_', ' ');
}

function itemText(item: string): string {
  const k = `item.${item}`;
  return hasText(k) ? td(k as DashKey) : item.replaceAll('_', ' ');
}

function Costs({ r }: { r: Report }) {
  const c = r.total.avoided_costs;
  const L_ = lang();
  const none = td('costs.notconfigured');
  const hasPrice = (l: CostLine) => c.configured && l.unit_price_eur != null;
  const hasQty = (l: CostLine) => !!l.quantity_per_count;
  // The cells: a missing price or quantity says "not configured"; the line under the item reads as a sum.
  const price = (l: CostLine) => (hasPrice(l) ? formatEuro(l.unit_price_eur!, L_) : none);
  const amount = (l: CostLine) => (l.amount_eur != null ? formatEuro(l.amount_eur, L_) : c.configured ? '–' : none);
  const qty = (l: CostLine) => (hasQty(l) ? `${formatNumber(l.quantity_per_count!, L_, 2)} ${unitText(l.unit, l.quantity_per_count)}` : c.configured ? `0 ${unitText(l.unit, 0)}` : none);
  const calc = (l: CostLine) => td('costs.line', {
    count: formatValue(l.count, 'count', L_),
    qty: hasQty(l) || c.configured ? qty(l) : td('costs.qty.missing', { unit: unitText(l.unit, 2) }),
    price: hasPrice(l) ? price(l) : td('costs.price.missing'),
    amount: l.amount_eur != null ? amount(l) : hasPrice(l) && valueOf(l.count).kind !== 'suppressed' ? '–' : td('costs.amount.missing'),
  });
  // The server's basis is English; the portal says it in its own words for the items it knows.
  const basis = (l: CostLine) => {
    const k = `basis.${l.item}`;
    if (hasText(k)) return <span>{td(k as DashKey)}</span>;
    if (L_ === 'nl' && l.basis) return <span><span class="visually-hidden">{td('basis.en')} </span><span lang="en">{l.basis}</span></span>;
    return <span>{l.basis}</span>;
  };
  return (
    <section aria-labelledby="dash-costs" class="dash-costs" data-testid="costs" data-configured={String(c.configured)}>
      <h2 id="dash-costs">{td('costs')}</h2>
      <p>{td('costs.intro')}</p>
      {!c.configured && (
        <div class="notice notice--info" data-testid="costs-notconfigured">
          <p><strong>{td('costs.notconfigured')}.</strong> {td('costs.notconfigured.text')}</p>
          <p>{td('costs.settings')}</p>
          <p class="no-print"><Link href="/settings" class="button button--secondary">{td('costs.settings.link')}</Link></p>
        </div>
      )}
      {c.lines.length ? (
        <div class="grid-scroll" tabIndex={0} role="group" aria-labelledby="dash-costs">
          <table class="table table--costs" data-testid="costs-table">
            <thead>
              <tr>
                <th scope="col">{td('costs.item')}</th>
                <th scope="col" class="num">{td('costs.count')}</th>
                <th scope="col" class="num"><span aria-hidden="true">× </span>{td('costs.qty')}</th>
                <th scope="col" class="num"><span aria-hidden="true">× </span>{td('costs.price')}</th>
                <th scope="col" class="num"><span aria-hidden="true">= </span>{td('costs.amount')}</th>
                <th scope="col">{td('costs.basis')}</th>
              </tr>
            </thead>
            <tbody>
              {c.lines.map((l) => (
                <tr key={l.item} data-item={l.item}>
                  <th scope="row">
                    {itemText(l.item)}
                    <span class="calc" data-testid="calc">{calc(l)}</span>
                  </th>
                  <td class="num">{formatValue(l.count, 'count', L_)}</td>
                  <td class="num">{qty(l)}</td>
                  <td class="num">{price(l)}</td>
                  <td class="num">{amount(l)}</td>
                  <td>{basis(l)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={4}>{td('costs.total')}</th>
                <td class="num" data-testid="costs-total">{c.configured && c.total_eur != null ? formatEuro(c.total_eur, L_) : none}</td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      ) : (
        <p>{td('costs.none')}</p>
      )}
      {c.excludes_suppressed && <p class="hint">{td('costs.excludes', { min: r.min_count })}</p>}
      {c.configured && r.unit_prices?.source && <p class="hint" data-testid="costs-source">{td('costs.source', { source: r.unit_prices.source })}</p>}
      {c.configured && <p class="no-print"><Link href="/settings">{td('costs.settings.change')}</Link></p>}
    </section>
  );
}

