// Unit tests of the coordinator dashboard's pure helpers: values with
// "<5" and null kept apart, choropleth classes, formatting in both
// languages, and the filters <-> the URL query.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { transformWithOxc } from 'vite';

const dir = mkdtempSync(join(tmpdir(), 'dichtbij-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const src = new URL('../src/pages/indicators.ts', import.meta.url);
const { code } = await transformWithOxc(readFileSync(src, 'utf8'), src.pathname);
writeFileSync(join(dir, 'indicators.mjs'), code);
const m = await import(join(dir, 'indicators.mjs'));

test('values: numbers, "<5" suppressed, null and missing none', () => {
  assert.deepEqual(m.valueOf(12), { kind: 'num', n: 12 });
  assert.deepEqual(m.valueOf(0), { kind: 'num', n: 0 });
  assert.deepEqual(m.valueOf('<5'), { kind: 'suppressed', text: '<5' });
  assert.deepEqual(m.valueOf(null), { kind: 'none' });
  assert.deepEqual(m.valueOf(undefined), { kind: 'none' });
  assert.equal(m.numberOf('<5'), null);
  assert.equal(m.numberOf(0.42), 0.42);
});

test('flatten and pick use the API\'s dotted keys; lists are left out', () => {
  const ind = { timeliness: { first_contact: { median_days: 3.5 } }, avoided_costs: { lines: [{ item: 'x' }], total_eur: 10 } };
  assert.deepEqual(m.flatten(ind), { 'timeliness.first_contact.median_days': 3.5, 'avoided_costs.total_eur': 10 });
  assert.equal(m.pick(ind, 'timeliness.first_contact.median_days'), 3.5);
  assert.equal(m.pick(ind, 'timeliness.match.median_days'), undefined);
});

test('classes: shares in fixed fifths, counts in at most five round classes from 0', () => {
  assert.deepEqual(m.classBreaks([0.1, 0.9], 'share'), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(m.classBreaks([5, 12, 25], 'count'), [0, 5, 10, 15, 20, 25]);
  assert.deepEqual(m.classBreaks([7], 'count'), [0, 2, 4, 6, 8]);
  assert.deepEqual(m.classBreaks([0, 0], 'count'), [0, 1]);
  assert.deepEqual(m.classBreaks([], 'count'), []);
  assert.deepEqual(m.classBreaks([1.5, 9.2], 'days'), [0, 2, 4, 6, 8, 10]);
  const neg = m.classBreaks([-0.5, 1.2], 'mean');
  assert.ok(neg[0] <= -0.5 && neg.at(-1) >= 1.2 && neg.length <= 7, String(neg));
  for (const vals of [[5, 6, 7, 1000], [3.3], [0.01, 0.02], [12345, 99999]]) {
    const b = m.classBreaks(vals, 'eur');
    assert.ok(b.length - 1 <= 5 && b[0] <= Math.min(0, ...vals) && b.at(-1) >= Math.max(...vals), `${vals}: ${b}`);
  }
  const b = [0, 5, 10, 15];
  assert.equal(m.classOf(0, b), 0);
  assert.equal(m.classOf(5, b), 1);
  assert.equal(m.classOf(15, b), 2, 'the highest class includes its upper bound');
  assert.equal(m.classOf(3, []), -1);
  assert.deepEqual(m.classColours(m.PALETTES.blue, 5), m.PALETTES.blue);
  assert.deepEqual(m.classColours(m.PALETTES.blue, 3), [m.PALETTES.blue[0], m.PALETTES.blue[2], m.PALETTES.blue[4]]);
  assert.equal(m.classColours(m.PALETTES.blue, 1).length, 1);
  assert.equal(m.paletteOf(m.indicatorDef('gaps.share')), m.PALETTES.orange, 'higher is worse: orange');
  assert.equal(m.paletteOf(m.indicatorDef('results.zero_line_share')), m.PALETTES.blue);
});

test('formatting: decimal comma and dagen in Dutch, "<5" and "–" as they are', () => {
  assert.equal(m.formatValue(0.7, 'share', 'nl'), '70%');
  assert.equal(m.formatValue(3.5, 'days', 'nl'), '3,5 dagen');
  assert.equal(m.formatValue(1, 'days', 'en'), '1 day');
  assert.equal(m.formatValue(3.5, 'days', 'nl', true), '3,5', 'short: the column names the unit');
  assert.equal(m.formatValue(1234, 'count', 'nl'), '1.234');
  assert.equal(m.formatValue('<5', 'count', 'nl'), '<5');
  assert.equal(m.formatValue(null, 'share', 'en'), '–');
  assert.equal(m.formatValue(0.8, 'mean', 'en'), '+0.8');
  assert.match(m.formatValue(45000, 'eur', 'nl'), /^€\s45\.000$/);
  assert.match(m.formatValue(45000, 'eur', 'en'), /^€45,000$/);
  assert.equal(m.classLabel([0, 0.2, 0.4], 1, 'share', 'nl'), '20 – 40%');
  assert.equal(m.monthName('2025-12', 'nl'), 'december 2025');
  assert.equal(m.monthName('2025-12', 'en'), 'December 2025');
});

test('filters: the last 12 months by default, the URL\'s choices kept, bad ones dropped', () => {
  const now = new Date('2026-11-22T21:40:00Z');
  assert.equal(m.thisMonth(new Date('2026-11-30T23:30:00Z')), '2026-12', 'Dutch time');
  assert.deepEqual(m.defaultPeriod(now), { from: '2025-12', to: '2026-11' });
  assert.equal(m.addMonths('2026-01', -1), '2025-12');
  assert.equal(m.addMonths('2025-12', 1), '2026-01');
  const f = m.parseFilters(new URLSearchParams('from=2026-01&to=2026-06&level=neighbourhood&area=WK034401&indicator=gaps.share'), now);
  assert.deepEqual(f, { from: '2026-01', to: '2026-06', level: 'neighbourhood', area: 'WK034401', indicator: 'gaps.share' });
  assert.equal(m.apiQuery(f), 'from=2026-01&to=2026-06&level=neighbourhood&area=WK034401');
  assert.equal(m.pageQuery(f), 'from=2026-01&to=2026-06&level=neighbourhood&area=WK034401&indicator=gaps.share');
  const bad = m.parseFilters(new URLSearchParams('from=2026-13&level=x&area=BU1&indicator=nope'), now);
  assert.deepEqual(bad, { from: '2025-12', to: '2026-11', level: 'district', area: '', indicator: 'demand.requests' });
  assert.deepEqual(m.checkPeriod('2026-05', '2026-01'), { to: 'order' });
  assert.deepEqual(m.checkPeriod('2026', '2026-01'), { from: 'month' });
  assert.deepEqual(m.checkPeriod('2026-01', '2026-01'), {});
  assert.deepEqual(m.checkPeriod('2023-01', '2025-12'), {}, '36 months');
  assert.deepEqual(m.checkPeriod('2023-01', '2026-01'), { from: 'long' });
  assert.equal(m.periodProblem('the period may span at most 36 months'), 'long');
  assert.equal(m.periodProblem('must not be after to'), 'order');
  assert.equal(m.periodProblem('must be a month YYYY-MM, e.g. 2026-03'), 'month');
  assert.equal(m.periodProblem('something else'), null);
});

test('every indicator of the map is a flat key of the contract', () => {
  const keys = new Set(m.INDICATORS.map((d) => d.key));
  assert.equal(keys.size, m.INDICATORS.length);
  for (const d of m.INDICATORS) assert.ok(m.GROUPS.includes(d.group), d.key);
  assert.ok(keys.has(m.DEFAULT_INDICATOR));
});
