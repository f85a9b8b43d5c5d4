// The portal end to end: headless Debian Chromium against the real
// dichtbij binary on a fresh embedded store. One resident's journey, in
// order: each step starts where the one before left off (signed in, with
// an offer), as a person would. axe-core runs on every page; screenshots
// go to e2e/artifacts/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Harness, MUNICIPALITY, axe, printSizes, screenshot } from './harness.mjs';

const h = new Harness();
let sw; // a social worker's API client
let browserCtx; // the resident's browser context, kept across steps
let page;
const resident = {
  name: 'Anna',
  email: `anna.${Date.now()}@e2e.example.org`,
  password: 'een lange zin als wachtwoord',
};

/** Waits for the page's h1 to read text (the page has rendered). */
async function heading(p, text) {
  await p.locator('h1', { hasText: text }).waitFor({ timeout: 15_000 });
}

/** axe on the current page: zero serious or critical violations. */
async function accessible(p, name) {
  assert.deepEqual(await axe(p, name), [], `axe: serious or critical violations on ${name}`);
}

/** Waits until the focused element has this id, class or tag (focus moves after rendering). */
async function focusOn(p, what) {
  await p.waitForFunction((w) => {
    const a = document.activeElement;
    return !!a && (a.id === w || a.className === w || a.tagName === w);
  }, what, { timeout: 5000 }).catch(async () => {
    const now = await p.evaluate(() => `${document.activeElement?.tagName}#${document.activeElement?.id}.${document.activeElement?.className}`);
    assert.fail(`focus expected on ${what}, is on ${now}`);
  });
}

async function noProblems(p) {
  assert.deepEqual(await p.problems(), [], 'CSP violations, page errors or console errors');
}

async function myVolunteer() {
  const page = await sw.must('GET', '/api/v1/volunteers?limit=100');
  return page.items.find((v) => v.display_name === resident.name);
}

before(async () => {
  printSizes();
  await h.start();
  sw = (await h.account('social_worker', 'Sanne', 'wijkteam-oost')).api;
  ({ context: browserCtx, page } = await h.page());
});

after(async () => {
  await h.stop();
});

describe('the portal', () => {
  test('is the built bundle, served with a strict CSP and nothing inline', async () => {
    const res = await fetch(h.base + '/');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const html = await res.text();
    assert.match(html, /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/, 'not the Vite build');
    assert.doesNotMatch(html, /<style|\sstyle=|<script(?![^>]*\ssrc=)[^>]*>/i, 'inline script or style in index.html');
    // A deep link gets the portal too (the SPA fallback), not a 404.
    const deep = await fetch(h.base + '/referrals');
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /\/assets\/index-/);

    await page.goto(h.base + '/');
    await heading(page, 'Welkom bij dichtbij');
    await accessible(page, 'welcome');
    await screenshot(page, 'welcome');
    await page.goto(h.base + '/no-such-page');
    await heading(page, 'Pagina niet gevonden');
    await accessible(page, 'not-found');
    await noProblems(page);
  });

  test('a field error from the API is shown next to its field, and the summary takes the focus', async () => {
    await page.goto(h.base + '/sign-up');
    await heading(page, 'Account maken');
    await page.locator('#f-municipality option[value="GM0344"]').waitFor({ state: 'attached' });
    await accessible(page, 'sign-up');
    await screenshot(page, 'sign-up');
    await page.fill('#f-name', 'Kort');
    await page.fill('#f-email', 'kort@e2e.example.org');
    await page.fill('#f-password', 'kort'); // the server wants 10 bytes or more
    await page.selectOption('#f-municipality', MUNICIPALITY);
    await h.budget.take();
    await page.click('button[type=submit]');
    const err = page.locator('#f-password-error');
    await err.waitFor();
    assert.match(await err.textContent(), /10 tot 128 tekens/);
    // next to its field: in the same field block as the password input
    assert.equal(await page.locator('.field--error').filter({ has: page.locator('#f-password') })
      .filter({ has: err }).count(), 1);
    assert.equal(await page.getAttribute('#f-password', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#f-password', 'aria-describedby'), /f-password-error/);
    // fields without an error are not marked
    assert.equal(await page.getAttribute('#f-email', 'aria-invalid'), null);
    await focusOn(page, 'error-summary');
    // the summary links to the field
    await page.click('.error-summary a');
    await focusOn(page, 'f-password');
    await accessible(page, 'sign-up with an error');
    await screenshot(page, 'sign-up-error');
    await noProblems(page);
  });

  test('a resident signs up, signs out, signs in with the keyboard; CSRF guards every write', async () => {
    await page.goto(h.base + '/sign-up');
    await page.locator('#f-municipality option[value="GM0344"]').waitFor({ state: 'attached' });
    await page.check('#role-resident');
    await page.fill('#f-name', resident.name);
    await page.fill('#f-email', resident.email);
    await page.fill('#f-password', resident.password);
    await page.selectOption('#f-municipality', MUNICIPALITY);
    await h.budget.take(2); // sign-up, then sign-in
    await page.click('button[type=submit]');
    await page.waitForURL('**/offer');
    await heading(page, 'Mijn hulpaanbod');
    await page.getByText('Uw account is gemaakt').waitFor();

    // The session is real, and a write without the CSRF token is refused.
    const who = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.json()));
    assert.equal(who.email, resident.email);
    assert.equal(who.role, 'resident');
    assert.equal(who.municipality, MUNICIPALITY);
    const forged = await page.evaluate(() =>
      fetch('/api/v1/me/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"x","scopes":["self"]}' })
        .then(async (r) => ({ status: r.status, body: await r.json() })));
    assert.equal(forged.status, 403);
    assert.match(forged.body.type, /csrf/);

    // Sign out from the menu.
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await page.waitForURL('**/sign-in');
    await page.getByText('U bent uitgelogd').waitFor();
    const gone = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status));
    assert.equal(gone, 401);
    // A resident's page now asks to sign in first.
    await page.goto(h.base + '/referrals');
    await page.getByText('Log eerst in').waitFor();
    await accessible(page, 'sign-in');
    await screenshot(page, 'sign-in');

    // Sign in with the keyboard only: skip link, Tab, type, Enter.
    await page.goto(h.base + '/sign-in');
    await heading(page, 'Inloggen');
    await page.keyboard.press('Tab');
    await focusOn(page, 'skip-link');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await focusOn(page, 'f-email');
    await page.keyboard.type(resident.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(resident.password);
    await h.budget.take();
    await page.keyboard.press('Enter');
    await heading(page, `Hallo ${resident.name}`);
    await page.getByText('U bent ingelogd').waitFor();
    // the new page's heading has the focus, for screen readers
    await focusOn(page, 'H1');
    await accessible(page, 'resident home');
    await screenshot(page, 'resident-home');
    await noProblems(page);
  });

  test('the resident offers help: help types, postcode, travel circle, week grid; pauses and resumes', async () => {
    await page.getByRole('link', { name: 'Mijn hulpaanbod' }).first().click();
    await heading(page, 'Mijn hulpaanbod');
    await page.locator('.leaflet-overlay-pane path').first().waitFor(); // the municipality's outline
    await accessible(page, 'offer (new)');

    // Saving without a home shows the error next to the postcode field.
    await page.check('#f-help_types'); // the first help type: groceries
    await page.click('button[type=submit]');
    const homeErr = page.locator('#f-home_location-error');
    await homeErr.waitFor();
    assert.match(await homeErr.textContent(), /Vul dit in/);
    assert.equal(await page.getAttribute('#f-home_location', 'aria-invalid'), 'true');
    assert.equal(await myVolunteer(), undefined, 'nothing is stored after a refused save');

    await page.check('label:has-text("Gezelschap en bezoek")');
    // A click on the map chooses a place and draws the travel circle ...
    await page.locator('.map').click(); // in its centre, scrolled into view
    await page.getByText('Uw plek is gekozen').waitFor();
    await page.locator('.leaflet-overlay-pane path[stroke="#0b5394"]').waitFor();
    // ... and a postcode moves it there.
    await page.fill('#f-home_location', '3511');
    await page.getByRole('button', { name: 'Zoek postcode' }).click();
    await page.getByText('Gevonden: Utrecht').waitFor();
    await page.getByText('Uw plek is gekozen').waitFor();
    await page.selectOption('#f-max_travel_m', '3000');
    await page.check('#avail-tue-morning');
    await page.check('#avail-thu-afternoon');
    await page.check('label:has-text("Engels")');
    await page.fill('#f-capacity', '2');
    // The circle of 3 km is drawn around the home.
    const paths = await page.locator('.leaflet-overlay-pane path').count();
    assert.ok(paths >= 3, `outline, districts and circle expected, got ${paths} paths`);
    await page.click('button[type=submit]');
    await page.getByText('Uw hulpaanbod is opgeslagen').waitFor();
    await screenshot(page, 'offer');

    const v = await myVolunteer();
    assert.ok(v, 'the offer is stored');
    assert.deepEqual([...v.help_types].sort(), ['companionship', 'groceries']);
    assert.equal(v.max_travel_m, 3000);
    assert.equal(v.capacity, 2);
    assert.deepEqual([...v.languages].sort(), ['en', 'nl']);
    assert.deepEqual(v.availability, [
      { day: 'tue', start: '09:00', end: '12:00' },
      { day: 'thu', start: '13:00', end: '17:00' },
    ]);
    assert.equal(v.status, 'active');
    assert.equal(v.area.municipality_code, MUNICIPALITY);
    assert.ok(Math.abs(v.home_location.lat - 52.09) < 0.05 && Math.abs(v.home_location.lon - 5.12) < 0.05,
      `home near postcode 3511, got ${JSON.stringify(v.home_location)}`);

    // After a reload the form shows what is stored, and an edit replaces it.
    await page.reload();
    await heading(page, 'Mijn hulpaanbod');
    await page.locator('#avail-thu-afternoon').waitFor();
    assert.equal(await page.isChecked('#avail-tue-morning'), true);
    assert.equal(await page.inputValue('#f-max_travel_m'), '3000');
    await page.check('#avail-sat-morning');
    await page.click('button[type=submit]');
    await page.getByText('Uw hulpaanbod is opgeslagen').waitFor();
    assert.equal((await myVolunteer()).availability.length, 3);

    await page.getByRole('button', { name: 'Pauze nemen' }).click();
    await page.getByText('Uw hulpaanbod staat nu op pauze').waitFor();
    assert.equal((await myVolunteer()).status, 'paused');
    await accessible(page, 'offer (paused)');
    await page.getByRole('button', { name: 'Weer beschikbaar zijn' }).click();
    await page.getByText('Uw hulpaanbod staat weer aan').waitFor();
    assert.equal((await myVolunteer()).status, 'active');
    await accessible(page, 'offer');
    await noProblems(page);

    // On a phone the page is one column and nothing scrolls sideways.
    const phone = await h.browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await browserCtx.storageState() });
    const pp = await phone.newPage();
    await pp.goto(h.base + '/offer');
    await heading(pp, 'Mijn hulpaanbod');
    await pp.locator('.leaflet-overlay-pane path').first().waitFor();
    const overflow = await pp.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the phone page scrolls sideways by ${overflow}px`);
    await screenshot(pp, 'offer-phone');
    await phone.close();
  });

  test('the resident sees a referral with only what they need, accepts one and declines one with a reason', async () => {
    const v = await myVolunteer();
    const req = await sw.must('POST', '/api/v1/requests', {
      resident_alias: 'Mevrouw Jansen',
      needs: ['groceries', 'companionship'],
      location: { lat: 52.0907, lon: 5.1214 },
      constraints: { max_distance_m: 3000, time_windows: [{ day: 'tue', start: '09:00', end: '12:00' }], mobility: 'independent' },
      own_strength: 'Dochter woont ver weg; buurvrouw helpt soms.',
      urgency: 'normal',
      consents: ['share_volunteer'],
    });
    const search = await sw.must('POST', `/api/v1/requests/${req.id}/matches`);
    const found = search.needs.find((n) => n.need === 'groceries').options.map((o) => o.option_id);
    assert.ok(found.includes(v.id), 'the search finds the new offer');
    const accept = await sw.must('POST', `/api/v1/requests/${req.id}/referrals`, { need: 'groceries', option_id: v.id });
    const decline = await sw.must('POST', `/api/v1/requests/${req.id}/referrals`, { need: 'companionship', option_id: v.id });

    await page.getByRole('link', { name: 'Hulpvragen voor mij' }).first().click();
    await heading(page, 'Hulpvragen voor mij');
    const card = page.locator(`[data-referral="${accept.id}"]`);
    await card.waitFor();
    const text = await card.textContent();
    assert.match(text, /Boodschappen/);
    assert.match(text, /dinsdag 09:00–12:00/);
    assert.match(text, /Wacht op uw antwoord/);
    assert.doesNotMatch(text, /Jansen/, 'the name is shown only after acceptance');
    assert.doesNotMatch(await page.content(), /Dochter woont ver weg/, 'the worker\'s notes never reach the helper');
    await accessible(page, 'referrals');
    await screenshot(page, 'referrals');

    await card.getByRole('button', { name: 'Ja, ik help' }).click();
    await page.getByText('U heeft ja gezegd. Het sociaal team').waitFor();
    await card.getByText('Mevrouw Jansen').waitFor();
    const refs = await sw.must('GET', `/api/v1/requests/${req.id}/referrals`);
    const list = Array.isArray(refs) ? refs : refs.items;
    assert.equal(list.find((r) => r.id === accept.id).state, 'accepted');

    // Declining needs a reason; the error is shown next to the reason field.
    const other = page.locator(`[data-referral="${decline.id}"]`);
    await other.getByRole('button', { name: 'Nee, ik kan niet' }).click();
    await focusOn(page, 'f-reason');
    await other.getByRole('button', { name: 'Nee zeggen' }).click();
    await other.locator('#f-reason-error').waitFor();
    assert.equal(await page.getAttribute('#f-reason', 'aria-invalid'), 'true');
    await accessible(page, 'referrals (decline with an error)');
    await page.fill('#f-reason', 'Op dinsdag heb ik al een andere hulpvraag.');
    await other.getByRole('button', { name: 'Nee zeggen' }).click();
    await page.getByText('U heeft nee gezegd. Dank u').waitFor();
    const after = await sw.must('GET', `/api/v1/requests/${req.id}/referrals`);
    const declined = (Array.isArray(after) ? after : after.items).find((r) => r.id === decline.id);
    assert.equal(declined.state, 'declined');
    assert.equal(declined.reason, 'Op dinsdag heb ik al een andere hulpvraag.');
    await noProblems(page);
  });

  test('the language switch turns the portal English, is remembered, and switches back', async () => {
    await page.goto(h.base + '/referrals');
    await heading(page, 'Hulpvragen voor mij');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await heading(page, 'Requests for me');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByText('Groceries').first().waitFor(); // taxonomy labels too
    await page.reload();
    await heading(page, 'Requests for me');
    await page.getByRole('link', { name: 'My offer of help' }).first().click();
    await heading(page, 'My offer of help');
    await page.getByText('How far will you travel?').waitFor();
    await accessible(page, 'offer (English)');
    await screenshot(page, 'offer-en');
    await page.getByRole('button', { name: 'Wissel naar Nederlands' }).click();
    await heading(page, 'Mijn hulpaanbod');
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    await noProblems(page);
  });

  test('forgotten password: the link from the outbox sets a new one', async () => {
    const anon = await h.page();
    const p = anon.page;
    await p.goto(h.base + '/forgot-password');
    await heading(p, 'Wachtwoord vergeten');
    await accessible(p, 'forgot-password');
    await p.fill('#f-email', resident.email);
    await h.budget.take();
    await p.click('button[type=submit]');
    await p.getByText('Als er een account is met dit e-mailadres').waitFor();
    await screenshot(p, 'forgot-password');

    let link;
    for (let i = 0; i < 50 && !link; i++) {
      const box = await h.adminApi.must('GET', '/api/v1/outbox');
      const msgs = Array.isArray(box) ? box : box.items;
      link = msgs.filter((m) => m.to === resident.email).map((m) => /https?:\/\/\S+\/reset\?token=[\w-]+/.exec(m.body)?.[0]).find(Boolean);
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(link, 'a reset link in the outbox');
    const url = new URL(link);
    await p.goto(h.base + url.pathname + url.search);
    await heading(p, 'Nieuw wachtwoord kiezen');
    await accessible(p, 'reset');
    resident.password = 'een nieuwe lange zin als wachtwoord';
    await p.fill('#f-password', resident.password);
    await h.budget.take();
    await p.click('button[type=submit]');
    await p.waitForURL('**/sign-in');
    await p.getByText('Uw nieuwe wachtwoord is opgeslagen').waitFor();
    await p.fill('#f-email', resident.email);
    await p.fill('#f-password', resident.password);
    await h.budget.take();
    await p.click('button[type=submit]');
    await heading(p, `Hallo ${resident.name}`);
    await noProblems(p);
    // The reset ended every older session, so the resident goes on here.
    assert.equal(await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status)), 401);
    await browserCtx.close();
    ({ context: browserCtx, page } = anon);
  });

  test('my data: download as JSON, and erase with confirmation', async () => {
    await page.getByRole('link', { name: 'Mijn gegevens' }).first().click();
    await heading(page, 'Mijn gegevens');
    await accessible(page, 'my-data');
    await screenshot(page, 'my-data');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download mijn gegevens' }).click(),
    ]);
    const data = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(data.account.email, resident.email);
    assert.equal(data.volunteer_offers.length, 1);
    assert.equal(data.referrals.length, 2);

    // Without the tick nothing happens; with it and the password, all is erased.
    await page.fill('#f-password', resident.password);
    await page.getByRole('button', { name: 'Wis alles' }).click();
    await page.locator('#f-confirm-error').waitFor();
    assert.ok(await myVolunteer(), 'not erased without confirmation');
    await page.check('#f-confirm');
    await page.getByRole('button', { name: 'Wis alles' }).click();
    await heading(page, 'Welkom bij dichtbij');
    await page.getByText('Uw account en gegevens zijn gewist').waitFor();
    assert.equal(await myVolunteer(), undefined, 'the offer is erased');
    assert.equal(await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status)), 401);
    await noProblems(page);
  });
});
