// The living demo as a new user of `make demo` meets it: the real binary
// started with -demo GM0344 (a smaller -demo-options 1000 than make
// demo's 3000, to keep the run short) on a fresh store. The password comes
// from the server's log line "demo accounts", as the README tells a user
// to find it; the coordinator and the social worker sign in through the
// portal's form. The dashboard must be full from the first sign-in: key
// figures with real numbers, districts with requests in the table, and a
// map of district polygons in more than one colour class. axe runs on
// each page; the console must stay clean.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness, MUNICIPALITY, accessible, heading, noProblems, screenshot } from './harness.mjs';

const h = new Harness();
const API = '/api/v1/monitoring/indicators';
let demo; // the "demo accounts" log line: coordinator, social_worker, admin, password

/** Signs in through the portal's form, as a user would. */
async function signIn(p, email, password, name) {
  await p.goto(h.base + '/sign-in');
  await heading(p, 'Inloggen');
  await p.fill('#f-email', email);
  await p.fill('#f-password', password);
  await h.budget.take();
  await p.locator('main').getByRole('button', { name: 'Inloggen' }).click();
  await heading(p, `Hallo ${name}`);
}

before(async () => {
  const t0 = Date.now();
  // The demo's accounts are logged at level info (the harness's default is warn).
  await h.start({ args: ['-demo', MUNICIPALITY, '-demo-options', '1000'], env: { DICHTBIJ_LOG_LEVEL: 'info' }, log: 'server-demo.log' });
  const loaded = h.logLine('demo data loaded');
  assert.ok(loaded, 'the server logs "demo data loaded"');
  console.log(`demo: ready after ${((Date.now() - t0) / 1000).toFixed(1)} s; loaded ${loaded.requests} requests, ` +
    `${loaded.referrals} referrals, ${loaded.specialist_referrals} specialist referrals in ${loaded.took}`);
  demo = h.logLine('demo accounts');
  assert.ok(demo, 'the server logs "demo accounts"');
  assert.equal(demo.coordinator, 'demo-coordinator@example.org');
  assert.equal(demo.social_worker, 'demo-worker@example.org');
  assert.equal(demo.admin, 'demo-admin@example.org');
  assert.match(demo.password, /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/, 'the password made at start');
});

after(async () => {
  await h.stop();
});

describe('the living demo', () => {
  test('the demo coordinator signs in and sees a full dashboard', async () => {
    const { page: p, context } = await h.page();
    await signIn(p, demo.coordinator, demo.password, 'Demo coördinator');

    // The indicators load in the background after the start and answer
    // 503 with Retry-After until then: wait as a client would. (The
    // browser's own context, so its session; no console error.)
    const t0 = Date.now();
    let unavailable = 0;
    let report;
    for (;;) {
      const res = await p.request.get(h.base + API);
      if (res.status() === 200) {
        report = await res.json();
        break;
      }
      assert.equal(res.status(), 503, `${API}: ${res.status()} ${await res.text()}`);
      assert.ok(Date.now() - t0 < 60_000, 'the indicators were not loaded within 60 s');
      unavailable++;
      const wait = Number(res.headers()['retry-after']);
      assert.ok(wait > 0, 'a 503 says when to retry');
      await p.waitForTimeout(Math.min(wait, 2) * 1000);
    }
    console.log(`demo: indicators answered after ${unavailable} × 503 (${((Date.now() - t0) / 1000).toFixed(1)} s after the sign-in)`);

    const geoRes = p.waitForResponse((r) => new URL(r.url()).pathname === `${API}.geojson`);
    await p.locator('nav').getByRole('link', { name: 'Cijfers' }).click();
    await heading(p, 'Cijfers van uw gemeente');
    await p.locator('[data-testid=dashboard][aria-busy=false]').waitFor({ timeout: 30_000 });
    await p.locator('[data-testid=map] .map[data-ready=true]').waitFor({ timeout: 30_000 });
    assert.match(await p.locator('[data-testid=subtitle]').textContent(), /^Utrecht, /);

    // Key figures: requests in the hundreds, a zero-line share, a median in days.
    const tile = (id) => p.locator(`[data-testid=tile-${id}] .tile__value`).textContent();
    const requests = await tile('requests');
    const zeroLine = await tile('zero-line');
    const median = await tile('first-contact');
    assert.match(requests, /^\d{3}$/, `requests in the hundreds: ${requests}`);
    assert.equal(Number(requests), report.total.demand.requests);
    assert.match(zeroLine, /^\d{1,3}%$/, `a zero-line share: ${zeroLine}`);
    assert.ok(typeof report.total.results.zero_line_share === 'number' && report.total.results.zero_line_share > 0);
    assert.equal(zeroLine, `${Math.round(report.total.results.zero_line_share * 100)}%`);
    assert.match(median, /^\d+(,\d)? dag(en)?$/, `a median number of days: ${median}`);
    assert.equal(typeof report.total.timeliness.first_contact.median_days, 'number');

    // The table per district: more than 5 districts with a count of requests (not "<5" or "–").
    const rows = p.locator('[data-testid=area-table] tbody tr');
    assert.equal(await rows.count(), report.areas.length);
    const counts = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent ?? ''));
    const withRequests = counts.filter((c) => /^\d+$/.test(c.replace(/\./g, '')) && Number(c.replace(/\./g, '')) > 0);
    assert.ok(withRequests.length > 5, `districts with requests: ${counts.join(', ')}`);
    assert.equal(withRequests.length, report.areas.filter((a) => typeof a.indicators.demand.requests === 'number' && a.indicators.demand.requests > 0).length);

    // The map: the districts as polygons, in more than one colour class.
    const geo = await (await geoRes).json();
    const polygons = geo.features.filter((f) => /^(Multi)?Polygon$/.test(f.geometry?.type ?? ''));
    assert.ok(polygons.length > 5, `district polygons: ${polygons.length} of ${geo.features.length}`);
    const map = p.locator('[data-testid=map]');
    assert.equal(await map.getAttribute('data-indicator'), 'demand.requests');
    assert.equal(Number(await map.getAttribute('data-areas')), geo.features.length);
    const classes = (await map.getAttribute('data-classes')).split(',').map((s) => Number(s.split(':')[1]));
    const coloured = new Set(classes.filter((c) => c >= 0));
    assert.ok(coloured.size > 1, `colour classes: ${[...coloured].join(', ')}`);
    assert.ok(await p.locator('[data-testid=map] .leaflet-overlay-pane canvas, [data-testid=map] .leaflet-overlay-pane path').count() > 0,
      'Leaflet drew the layer');
    console.log(`demo dashboard: ${requests} requests, zero-line share ${zeroLine}, median first contact ${median}, ` +
      `${withRequests.length} of ${counts.length} districts with requests (${counts.join(' ')}), ${coloured.size} colour classes on the map`);

    await screenshot(p, 'demo-dashboard');
    await accessible(p, 'demo dashboard');
    await noProblems(p);
    await context.close();
  });

  test('the demo social worker signs in and sees the team\'s requests', async () => {
    const { page: p, context } = await h.page();
    await signIn(p, demo.social_worker, demo.password, 'Demo sociaal werker');
    await p.locator('nav').getByRole('link', { name: 'Hulpvragen', exact: true }).click();
    await heading(p, 'Hulpvragen van mijn team');
    const rows = p.locator('[data-testid=requests] tbody tr');
    await rows.first().waitFor({ timeout: 15_000 });
    const n = await rows.count();
    assert.ok(n > 0, 'the list is not empty');
    assert.equal(await p.getByText('Uw team heeft nog geen hulpvragen.').count(), 0);
    console.log(`demo worker: ${n} requests on the first page`);
    await screenshot(p, 'demo-worker-requests');
    await accessible(p, 'demo requests list');
    await noProblems(p);
    await context.close();
  });
});
