// The coordinator dashboard end to end, against the real binary on a
// fresh store: a social worker records requests in two districts through
// the API (searches, referrals an organiser accepts, closures with ZRM
// scores), then a coordinator opens the dashboard: key figures as the API
// has them, the choropleth map and its legend per indicator, filters in
// the URL, English, the CSV and GeoJSON downloads, the avoided costs
// before and after the coordinator sets unit prices on the settings page
// (a 422 next to its field first), and the printed report. axe runs
// on every state; the console must stay clean (Chart.js under the CSP).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, FRONTEND, Harness, MUNICIPALITY, accessible, heading, noProblems, screenshot } from './harness.mjs';

const h = new Harness();
let coord; // the coordinator { api, ... }
let page;
const CENTRE = { lat: 52.0907, lon: 5.1214 }; // postcode 3511, Utrecht Binnenstad
const NORTH = { lat: 52.1175, lon: 5.1120 }; // Overvecht: a district with fewer than 5 requests
const API = '/api/v1/monitoring/indicators';

/** The dashboard has drawn the answer of the current URL: data, map base and layers. */
async function drawn(p) {
  await p.locator('[data-testid=dashboard][aria-busy=false]').waitFor({ timeout: 20_000 });
  await p.locator('[data-testid=map] .map[data-ready=true]').waitFor({ timeout: 20_000 });
}
const pct = (x) => `${Math.round(x * 100)}%`;
const shown = (v) => (typeof v === 'number' ? v.toLocaleString('nl-NL') : v);

before(async () => {
  const sizes = JSON.parse(readFileSync(join(FRONTEND, '.build', 'sizes.json'), 'utf8'));
  const d = sizes.dashboard;
  assert.ok(d, 'the build has a dashboard chunk of its own');
  console.log(`bundle dashboard: ${(d.js_gzip_bytes / 1024).toFixed(1)} KB JS gzipped, ${(d.css_gzip_bytes / 1024).toFixed(1)} KB CSS gzipped`);
  assert.ok(d.js_gzip_bytes <= 200 * 1024, `the dashboard is ${d.js_gzip_bytes} bytes gzipped, over 200 KB`);
  assert.ok(!sizes.shell.files.some((f) => f.includes('dashboard')), 'Chart.js and the dashboard stay out of the shell');

  await h.start();
  coord = await h.account('coordinator', 'Cora');
  const sw = await h.account('social_worker', 'Sanne', 'wijkteam-centrum');
  const org = await h.account('organiser', 'Olga');

  // Supply: six provisions in the centre for groceries and company.
  const provisions = [];
  for (let i = 0; i < 6; i++) {
    provisions.push(await org.api.must('POST', '/api/v1/provisions', {
      name: `Buurtpunt ${i + 1}`, help_types: ['groceries', 'companionship'],
      address: { street: 'Teststraat', house_number: String(i + 1), postcode: '3511 AA', city: 'Utrecht' },
      location: { lat: CENTRE.lat + 0.001 * i, lon: CENTRE.lon - 0.001 * i },
      opening_hours: [], target_groups: ['everyone'], cost: { amount_eur: 0, unit: 'free' },
    }));
  }
  const request = (alias, needs, at, domains) => sw.api.must('POST', '/api/v1/requests', {
    resident_alias: alias, needs, location: at,
    constraints: { max_distance_m: 3000, time_windows: [], languages: ['nl'], mobility: 'independent' },
    urgency: 'normal', consents: ['monitoring', 'share_provision'], life_domains: domains,
  });
  // Seven for groceries in the centre: six are searched, referred to a
  // provision that says yes (first contact), and closed as resolved in
  // the neighbourhood with a better finances score.
  for (let i = 0; i < 7; i++) {
    const r = await request(`Groente ${i + 1}`, ['groceries'], CENTRE, [{ domain: 'finances', intake_score: 2, closure_score: 4 }]);
    if (i === 6) continue;
    await sw.api.must('POST', `/api/v1/requests/${r.id}/matches`);
    const ref = await sw.api.must('POST', `/api/v1/requests/${r.id}/referrals`, { need: 'groceries', option_id: provisions[i].id });
    await org.api.must('POST', `/api/v1/referrals/${ref.id}/transitions`, { to: 'accepted' });
    await sw.api.must('POST', `/api/v1/requests/${r.id}/close`, { closure: 'resolved_locally' });
  }
  // Six for a debt buddy, which nobody offers: a gap after the search.
  for (let i = 0; i < 6; i++) {
    const r = await request(`Schuld ${i + 1}`, ['debt_buddy'], CENTRE, [{ domain: 'finances', intake_score: 1 }]);
    await sw.api.must('POST', `/api/v1/requests/${r.id}/matches`);
  }
  // Three in another district: fewer than 5, shown as "<5".
  for (let i = 0; i < 3; i++) await request(`Noord ${i + 1}`, ['companionship'], NORTH, []);

  const { page: p, context } = await h.page();
  await context.addCookies([...coord.api.cookies].map(([name, value]) => ({ name, value, url: h.base })));
  page = p;
});

after(async () => {
  await h.stop();
});

describe('coordinator dashboard', () => {
  let report;

  test('opens from the menu; the key figures are the API\'s numbers', async () => {
    const p = page;
    await p.goto(h.base + '/');
    await heading(p, 'Hallo Cora');
    await p.locator('nav').getByRole('link', { name: 'Cijfers' }).click();
    await heading(p, 'Cijfers van uw gemeente');
    await drawn(p);
    report = await coord.api.must('GET', API);
    const t = report.total;
    assert.equal(t.demand.requests, 16, 'all requests of the period count: they consented');
    const tile = (id) => p.locator(`[data-testid=tile-${id}] .tile__value`).textContent();
    assert.equal(await tile('requests'), String(shown(t.demand.requests)));
    assert.equal(await tile('zero-line'), typeof t.results.zero_line_share === 'number' ? pct(t.results.zero_line_share) : '–');
    assert.equal(await tile('gap'), String(shown(t.gaps.requests_with_gap)));
    assert.equal(await tile('options'), String(shown(t.supply.options)));
    const median = t.timeliness.first_contact.median_days;
    assert.equal(await tile('first-contact'), median === null ? '–' : `${median.toLocaleString('nl-NL', { maximumFractionDigits: 1 })} ${median === 1 ? 'dag' : 'dagen'}`);
    assert.equal(await tile('avoided'), 'Niet ingesteld');
    assert.match(await p.locator('[data-testid=subtitle]').textContent(), new RegExp(`^Utrecht, \\w+ \\d{4} tot en met \\w+ \\d{4} · Cijfers per wijk$`));

    // The table per district: one row per area of the API, the "<5" district among them.
    const rows = p.locator('[data-testid=area-table] tbody tr');
    assert.equal(await rows.count(), report.areas.length);
    const north = report.areas.find((a) => a.indicators.demand.requests === '<5');
    assert.ok(north, 'a district with "<5" requests');
    assert.equal((await p.locator(`[data-area="${north.code}"] td`).first().textContent()), '<5');

    // Four charts, each with its table.
    for (const id of ['supply', 'results', 'speed', 'outcomes']) {
      await p.locator(`[data-testid=chart-${id}]`).waitFor();
    }
    assert.equal(await p.locator('[data-testid=chart-supply] canvas').count(), 1);
    const supplyTable = await p.locator('[data-testid=chart-supply-table]').textContent();
    assert.match(supplyTable, /Boodschappen/);
    assert.match(supplyTable, /Schuldhulpmaatje/);
    assert.match(await p.locator('[data-testid=chart-results-table]').textContent(), /Opgelost in de buurt6/);
    await accessible(p, 'dashboard');
    await screenshot(p, 'dashboard');
    await noProblems(p);
  });

  test('the map colours each district by the chosen indicator, with a legend; "<5" is its own class', async () => {
    const p = page;
    const map = p.locator('[data-testid=map]');
    const geo = await coord.api.must('GET', `${API}.geojson`);
    assert.equal(geo.type, 'FeatureCollection');
    assert.equal(Number(await map.getAttribute('data-areas')), geo.features.length);
    assert.equal(await map.getAttribute('data-indicator'), 'demand.requests');
    const before = await map.getAttribute('data-classes');
    const north = report.areas.find((a) => a.indicators.demand.requests === '<5');
    assert.match(before, new RegExp(`${north.code}:-1(,|$)`), 'the "<5" district is drawn as suppressed');
    const legend = p.locator('[data-testid=legend]');
    assert.match(await legend.textContent(), /Hulpvragen/);
    assert.match(await legend.textContent(), /Te weinig gegevens \(<5 of –\)/);
    const legendBefore = await legend.locator('.legend__list').textContent();

    await p.selectOption('#f-indicator', 'results.zero_line_share');
    await p.waitForFunction(() => document.querySelector('[data-testid=legend]')?.getAttribute('data-indicator') === 'results.zero_line_share');
    assert.match(p.url(), /indicator=results\.zero_line_share/);
    assert.equal(await map.getAttribute('data-indicator'), 'results.zero_line_share');
    const legendAfter = await legend.locator('.legend__list').textContent();
    assert.notEqual(legendAfter, legendBefore);
    assert.match(legendAfter, /80 – 100%/, 'shares in fifths');
    assert.match(await legend.textContent(), /Hoger is beter/);
    const centre = report.areas.find((a) => a.indicators.demand.requests === 16 - 3);
    assert.ok(centre, 'the centre district has 13 requests');
    assert.match(await map.getAttribute('data-classes'), new RegExp(`${centre.code}:4(,|$)`), 'every closed request resolved locally: the darkest class');
    await p.locator('[data-testid=area-table] td.is-shown').first().waitFor();

    await p.selectOption('#f-indicator', 'gaps.requests_with_gap');
    await p.waitForFunction(() => document.querySelector('[data-testid=map]')?.getAttribute('data-indicator') === 'gaps.requests_with_gap');
    assert.match(await legend.textContent(), /Lager is beter/);
    // Hovering an area (the middle of the map is in the city) names it and its value.
    const area = p.locator('[data-testid=map] .map');
    await area.scrollIntoViewIfNeeded();
    const box = await area.boundingBox();
    // Leaflet's canvas takes one hover every 32 ms: come to rest, then move a pixel.
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    await p.waitForTimeout(100);
    await p.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2 + 1);
    const tip = p.locator('.leaflet-tooltip');
    await tip.waitFor();
    const names = report.areas.map((a) => a.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    assert.match(await tip.textContent(), new RegExp(`^(${names})Hulpvragen zonder hulp dichtbij: (\\d+|<5)$`));
    await accessible(p, 'dashboard, map of gaps');
    await screenshot(p, 'dashboard-map-gaps');
    await noProblems(p);
  });

  test('the filters are kept in the URL: neighbourhoods of one district, shared by a link', async () => {
    const p = page;
    const centre = report.areas.find((a) => a.indicators.demand.requests === 13);
    // A period that ends before it starts is refused next to the field.
    await p.fill('#f-from', '2026-05');
    await p.fill('#f-to', '2026-01');
    await p.getByRole('button', { name: 'Toon de cijfers' }).click();
    await p.locator('#f-to-error').waitFor();
    assert.equal(await p.getAttribute('#f-to', 'aria-invalid'), 'true');
    await accessible(p, 'dashboard filters with an error');

    await p.fill('#f-from', report.from);
    await p.fill('#f-to', report.to);
    await p.check('#f-level-neighbourhood');
    await p.selectOption('#f-area', centre.code);
    await p.getByRole('button', { name: 'Toon de cijfers' }).click();
    await p.waitForURL(/level=neighbourhood/);
    const url = new URL(p.url());
    assert.equal(url.searchParams.get('area'), centre.code);
    assert.equal(url.searchParams.get('from'), report.from);
    await p.locator('[data-testid=dashboard][data-level=neighbourhood]').waitFor();
    await drawn(p);
    await p.locator('h2', { hasText: 'Cijfers per buurt' }).waitFor();
    const hoods = await coord.api.must('GET', `${API}?${new URLSearchParams({ from: report.from, to: report.to, level: 'neighbourhood', area: centre.code })}`);
    assert.equal(await p.locator('[data-testid=area-table] tbody tr').count(), hoods.areas.length);
    assert.equal(await p.locator('[data-testid=tile-requests] .tile__value').textContent(), '13');
    assert.match(await p.locator('[data-testid=subtitle]').textContent(), new RegExp(`^Utrecht, ${centre.name}, `));
    await p.getByText('Daarom is elke buurt een rondje').waitFor();

    // The same link in a new tab shows the same view.
    const { page: q, context } = await h.page();
    await context.addCookies([...coord.api.cookies].map(([name, value]) => ({ name, value, url: h.base })));
    await q.goto(p.url());
    await heading(q, 'Cijfers van uw gemeente');
    await drawn(q);
    assert.equal(await q.isChecked('#f-level-neighbourhood'), true);
    assert.equal(await q.inputValue('#f-area'), centre.code);
    assert.equal(await q.inputValue('#f-indicator'), 'gaps.requests_with_gap');
    await accessible(q, 'dashboard per neighbourhood');
    await screenshot(q, 'dashboard-neighbourhoods');
    await noProblems(q);
    await context.close();
    await noProblems(p);

    // Back to the whole municipality per district.
    await p.goto(h.base + '/dashboard');
    await drawn(p);
  });

  test('in English: labels, indicator names, help types and life domains', async () => {
    const p = page;
    await p.getByRole('button', { name: 'Switch to English' }).click();
    await heading(p, 'Figures for your municipality');
    await p.locator('[data-testid=tiles]').getByText('Requests', { exact: true }).waitFor();
    assert.match(await p.locator('[data-testid=chart-supply-table]').textContent(), /Groceries/);
    assert.match(await p.locator('[data-testid=chart-outcomes-table]').textContent(), /Finances/);
    assert.match(await p.locator('[data-testid=legend]').textContent(), /Legend/);
    assert.match(await p.locator('[data-testid=costs]').textContent(), /Not configured/);
    assert.doesNotMatch(await p.locator('main').textContent(), /Hulpvragen|Kerncijfers|Niet ingesteld/);
    await accessible(p, 'dashboard in English');
    await screenshot(p, 'dashboard-en');
    await p.getByRole('button', { name: 'Nederlands' }).click();
    await heading(p, 'Cijfers van uw gemeente');
    await noProblems(p);
  });

  test('the CSV and GeoJSON links download the same query with their content types', async () => {
    const p = page;
    for (const [id, type, check] of [
      ['download-csv', /^text\/csv/, (body) => assert.match(body, /^municipality,from,to,level,area_code,area_name,indicator,value\r?\n/)],
      ['download-geojson', /^application\/(geo\+)?json/, (body) => assert.equal(JSON.parse(body).type, 'FeatureCollection')],
    ]) {
      const link = p.locator(`[data-testid=${id}]`);
      const href = await link.getAttribute('href');
      assert.match(href, /\?from=\d{4}-\d{2}&to=\d{4}-\d{2}&level=district$/);
      const [download] = await Promise.all([p.waitForEvent('download'), link.click()]);
      const file = join(ARTIFACTS, `dashboard-${download.suggestedFilename()}`);
      await download.saveAs(file);
      check(readFileSync(file, 'utf8'));
      const res = await p.request.get(h.base + href);
      assert.equal(res.status(), 200);
      assert.match(res.headers()['content-type'], type, `${id}: ${res.headers()['content-type']}`);
    }
    await noProblems(p);
  });

  test('the costs say "not configured" and link to the settings page', async () => {
    const p = page;
    const costs = p.locator('[data-testid=costs]');
    await costs.locator('[data-testid=costs-notconfigured]').getByText('instellingen van de gemeente').waitFor();
    assert.equal(await costs.getAttribute('data-configured'), 'false');
    assert.equal(await costs.locator('[data-item=zero_line_resolutions] [data-testid=calc]').textContent(),
      '6 × 1 specialistisch traject × prijs per eenheid = niet uit te rekenen');
    assert.equal(await costs.locator('[data-testid=costs-total]').textContent(), 'Niet ingesteld');
    // The coordinator's menu has the settings after the dashboard.
    const menu = await p.locator('.site-header nav a').allTextContents();
    assert.deepEqual(menu.slice(1, 3), ['Cijfers', 'Instellingen'], menu.join(' | '));

    await costs.locator('[data-testid=costs-notconfigured]').getByRole('link', { name: 'Stel de prijzen in' }).click();
    await heading(p, 'Instellingen van uw gemeente');
    assert.equal(new URL(p.url()).pathname, '/settings');
    await p.locator('[data-testid=settings-form]').waitFor();
    assert.equal(await p.inputValue('#f-contact_target_days'), '7', 'nothing stored: the default target');
    assert.equal(await p.inputValue('#f-unit_prices-specialist_trajectory_eur'), '');
    assert.match(await p.locator('[data-testid=settings-state]').textContent(), /nog niets opgeslagen/);
    assert.match(await p.locator('main').textContent(), /voor Utrecht/);
    // Each line of the estimate explains how the dashboard uses its boxes.
    assert.match(await p.locator('[data-testid=settings-line1]').textContent(), /× 1 specialistisch traject × de prijs van een traject/);
    assert.match(await p.locator('[data-testid=settings-line2]').textContent(), /× aantal uren per verwijzing × de prijs van een uur/);
    assert.match(await p.locator('[data-testid=settings-line3]').textContent(), /× aantal ritten per verwijzing × de prijs van een rit/);
    assert.equal(await p.getAttribute('#f-unit_prices-support_hour_eur', 'step'), '0.01');
    await accessible(p, 'settings');

    // English, and back.
    await p.getByRole('button', { name: 'Switch to English' }).click();
    await heading(p, "Your municipality's settings");
    await p.getByLabel('Price of one hour of support, in euros').waitFor();
    assert.doesNotMatch(await p.locator('main').textContent(), /Instellingen|specialistisch|Prijs van/);
    await p.getByRole('button', { name: 'Nederlands' }).click();
    await heading(p, 'Instellingen van uw gemeente');
    await noProblems(p);
  });

  test('the settings page shows the server\'s 4xx next to the field, then saves the prices', async () => {
    const p = page;
    const path = `/api/v1/municipalities/${MUNICIPALITY}/settings`;
    const save = async () => {
      const [res] = await Promise.all([
        p.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'PUT'),
        p.getByRole('button', { name: 'Instellingen opslaan' }).click(),
      ]);
      return res;
    };
    await p.fill('#f-contact_target_days', '0');
    await p.fill('#f-unit_prices-specialist_trajectory_eur', '4500');
    await p.fill('#f-unit_prices-support_hours_per_referral', '10');
    await p.fill('#f-unit_prices-support_hour_eur', '62.5');
    await p.fill('#f-unit_prices-rides_per_transport_referral', '4');
    await p.fill('#f-unit_prices-transport_ride_eur', '2500');
    await p.fill('#f-unit_prices-source', 'Begroting 2026');
    assert.match(await p.locator('[data-testid=read-support_hour_eur]').textContent(), /^= €\s62,50$/, 'the amount as read');
    assert.match(await p.locator('[data-testid=read-specialist_trajectory_eur]').textContent(), /^= €\s4\.500,00$/);

    let res = await save();
    assert.equal(res.status(), 422);
    assert.equal(res.request().headers()['if-match'], '"0"', 'If-Match: the version read (0: nothing stored yet)');
    const problem = await res.json();
    assert.deepEqual(problem.errors.map((e) => e.field).sort(), ['contact_target_days', 'unit_prices.transport_ride_eur']);
    const err = p.locator('#f-contact_target_days-error');
    await err.waitFor();
    assert.match(await err.textContent(), /Vul een heel getal in van 1 tot en met 90\.$/);
    assert.equal(await p.getAttribute('#f-contact_target_days', 'aria-invalid'), 'true');
    assert.match(await p.getAttribute('#f-contact_target_days', 'aria-describedby'), /f-contact_target_days-error/);
    assert.match(await p.locator('#f-unit_prices-transport_ride_eur-error').textContent(), /Vul een bedrag in van 0 tot en met 1\.000 euro\.$/);
    const summary = p.locator('.error-summary');
    assert.equal(await summary.evaluate((el) => el === document.activeElement), true, 'the summary takes the focus');
    assert.match(await summary.textContent(), /Dagen tot eerste contact: Vul een heel getal in/);
    await summary.getByRole('link', { name: /Prijs van een rit vervoer/ }).click();
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'f-unit_prices-transport_ride_eur', 'the summary links to the field');
    assert.equal(await p.locator('[data-testid=settings-saved]').textContent(), '');
    await accessible(p, 'settings with errors');
    await screenshot(p, 'settings-errors');

    await p.fill('#f-contact_target_days', '10');
    await p.fill('#f-unit_prices-transport_ride_eur', '25');
    res = await save();
    assert.equal(res.status(), 200);
    await p.locator('[data-testid=settings-saved]').getByText('De instellingen zijn opgeslagen').waitFor();
    assert.equal(await p.locator('.field-error').count(), 0, 'the errors are gone');
    assert.equal(await p.locator('.error-summary').count(), 0);
    assert.match(await p.locator('[data-testid=settings-state]').textContent(), /^Voor het laatst opgeslagen op \d+ \w+ \d{4}\.$/);
    const stored = await coord.api.must('GET', path);
    assert.equal(stored.version, 1);
    assert.equal(stored.contact_target_days, 10);
    assert.deepEqual(stored.unit_prices, {
      specialist_trajectory_eur: 4500, support_hour_eur: 62.5, transport_ride_eur: 25,
      support_hours_per_referral: 10, rides_per_transport_referral: 4, source: 'Begroting 2026',
    });
    assert.equal(await p.inputValue('#f-unit_prices-support_hour_eur'), '62.5');
    await accessible(p, 'settings saved');
    await screenshot(p, 'settings');
    await noProblems(p);
  });

  test('the avoided costs are calculated line by line once unit prices are set', async () => {
    const p = page;
    await p.getByRole('link', { name: 'Bekijk de vermeden kosten op het dashboard' }).click();
    await heading(p, 'Cijfers van uw gemeente');
    await drawn(p);
    const costs = p.locator('[data-testid=costs]');
    assert.equal(await costs.getAttribute('data-configured'), 'true');
    assert.equal(await costs.locator('[data-testid=costs-notconfigured]').count(), 0);
    const api = (await coord.api.must('GET', API)).total.avoided_costs;
    assert.equal(api.configured, true);
    const zero = api.lines.find((l) => l.item === 'zero_line_resolutions');
    const row = costs.locator('[data-item=zero_line_resolutions]');
    const calc = await row.locator('[data-testid=calc]').textContent();
    assert.match(calc, /^\d+ × 1 specialistisch traject × €\s4\.500 = €\s[\d.]+$/);
    assert.ok(calc.startsWith(`${zero.count} × `), calc);
    assert.match(await row.textContent(), /telt als één specialistisch traject/);
    assert.match(await costs.locator('[data-item=informal_support]').textContent(), /10 uur ondersteuning/);
    assert.match(await costs.locator('[data-item=informal_support]').textContent(), /€\s62,50/);
    assert.equal(await costs.locator('[data-testid=costs-source]').textContent(), 'Waar de prijzen vandaan komen: Begroting 2026');
    const euros = (n) => n.toLocaleString('nl-NL', { style: 'currency', currency: 'EUR', maximumFractionDigits: n % 1 ? 2 : 0, minimumFractionDigits: n % 1 ? 2 : 0 });
    assert.ok(api.total_eur > 0, 'an amount is calculated');
    assert.equal(await costs.locator('[data-testid=costs-total]').textContent(), euros(api.total_eur));
    assert.equal(await p.locator('[data-testid=tile-avoided] .tile__value').textContent(), euros(api.total_eur));
    assert.equal(await p.locator('[data-testid=tile-first-contact] .tile__sub').textContent(), 'Doel: binnen 10 dagen', 'the target saved on the settings page');
    await costs.getByRole('link', { name: 'Prijzen aanpassen bij de instellingen' }).waitFor();
    await accessible(p, 'dashboard with avoided costs');
    await noProblems(p);
  });

  test('prints as a report: no menu, filters or map controls; key figures, tables and costs', async () => {
    const p = page;
    await p.evaluate(() => {
      window.__printed = 0;
      window.print = () => { window.__printed++; };
    });
    await p.locator('[data-testid=print]').click();
    assert.equal(await p.evaluate(() => window.__printed), 1, 'the Print button calls window.print()');

    await p.emulateMedia({ media: 'print' });
    assert.equal(await p.locator('.site-header nav').isVisible(), false, 'the menu is hidden');
    assert.equal(await p.locator('[data-testid=filters]').isVisible(), false, 'the filters are hidden');
    assert.equal(await p.locator('[data-testid=download-csv]').isVisible(), false);
    assert.equal(await p.locator('#f-indicator').isVisible(), false);
    assert.equal(await p.locator('.leaflet-control-zoom').isVisible(), false, 'the map controls are hidden');
    for (const sel of ['[data-testid=tiles]', '[data-testid=area-table]', '[data-testid=costs-table]', '[data-testid=chart-results-table]']) {
      assert.equal(await p.locator(sel).isVisible(), true, `${sel} is printed`);
    }
    await screenshot(p, 'dashboard-print');
    writeFileSync(join(ARTIFACTS, 'dashboard-report.pdf'), await p.pdf({ format: 'A4', printBackground: true }));
    await p.emulateMedia({ media: 'screen' });
    assert.equal(await p.locator('.site-header nav').isVisible(), true);
    await noProblems(p);
  });
});
