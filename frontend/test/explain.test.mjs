// Unit tests of the search result's "why" line, built in the portal's
// language from the result's fields.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { transformWithOxc } from 'vite';

const dir = mkdtempSync(join(tmpdir(), 'dichtbij-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const src = new URL('../src/pages/explain.ts', import.meta.url);
const { code } = await transformWithOxc(readFileSync(src, 'utf8'), src.pathname);
writeFileSync(join(dir, 'explain.mjs'), code);
const { explain, distanceText, joinAnd } = await import(join(dir, 'explain.mjs'));

const labels = { nl: { groceries: 'Boodschappen', companionship: 'Gezelschap en bezoek', meals: 'Maaltijden' }, en: { groceries: 'Groceries', companionship: 'Companionship', meals: 'Meals' } };
const when = (iso) => `<${iso}>`;
const why = (c, lang) => explain(c, lang, (n) => labels[lang][n] ?? n, when);

test('distance: metres rounded to 10 under 1 km, else km with one decimal, a decimal comma in Dutch', () => {
  assert.equal(distanceText(0, 'nl'), '0 m');
  assert.equal(distanceText(434, 'nl'), '430 m');
  assert.equal(distanceText(994, 'en'), '990 m');
  assert.equal(distanceText(996, 'nl'), '1,0 km');
  assert.equal(distanceText(1234, 'nl'), '1,2 km');
  assert.equal(distanceText(1250, 'en'), '1.3 km');
  assert.equal(distanceText(12049, 'nl'), '12,0 km');
});

test('needs joined with en / and', () => {
  assert.equal(joinAnd([], 'nl'), '');
  assert.equal(joinAnd(['a'], 'nl'), 'a');
  assert.equal(joinAnd(['a', 'b'], 'nl'), 'a en b');
  assert.equal(joinAnd(['a', 'b', 'c'], 'en'), 'a, b and c');
});

test('a volunteer: distance, needs, time together, places', () => {
  const c = { kind: 'volunteer', distance_m: 1234, needs_covered: ['groceries', 'companionship'], overlap_minutes: 180, places_free: 2, capacity: 3 };
  assert.equal(why(c, 'nl'), '1,2 km · boodschappen en gezelschap en bezoek · 180 minuten per week samen beschikbaar · 2 van 3 plaatsen vrij');
  assert.equal(why(c, 'en'), '1.2 km · groceries and companionship · 180 minutes a week available together · 2 of 3 places free');
});

test('an activity: next time and spots; a provision open to all; an initiative serves the address', () => {
  const a = { kind: 'activity', distance_m: 640, needs_covered: ['companionship'], overlap_minutes: 120, next_occurrence: '2026-11-24T13:00:00Z', places_free: 9, capacity: 12 };
  assert.equal(why(a, 'nl'), '640 m · gezelschap en bezoek · volgende keer <2026-11-24T13:00:00Z> · 9 van 12 plekken vrij');
  assert.equal(why(a, 'en'), '640 m · companionship · next time <2026-11-24T13:00:00Z> · 9 of 12 spots free');
  const p = { kind: 'provision', distance_m: 80, needs_covered: ['meals'], overlap_minutes: 0, places_free: 0, capacity: 0 };
  assert.equal(why(p, 'nl'), '80 m · maaltijden · voor iedereen open');
  assert.equal(why(p, 'en'), '80 m · meals · open to all');
  const i = { kind: 'initiative', distance_m: 2000, needs_covered: [], places_free: 0, capacity: 0 };
  assert.equal(why(i, 'nl'), '2,0 km · dit adres ligt in hun werkgebied · voor iedereen open');
  assert.equal(why(i, 'en'), '2.0 km · serves this address · open to all');
});
