// Unit tests of the recurrence builder: plain choices to an RFC 5545
// RRULE with a local start, and back.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { transformWithOxc } from 'vite';

const dir = mkdtempSync(join(tmpdir(), 'dichtbij-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const src = new URL('../src/pages/recurrence.ts', import.meta.url);
const { code } = await transformWithOxc(readFileSync(src, 'utf8'), src.pathname);
writeFileSync(join(dir, 'recurrence.mjs'), code);
const { buildRRule, firstOccurrence, parseRRule, describeRecurrence } = await import(join(dir, 'recurrence.mjs'));

const base = { freq: 'weekly', day: 'tue', nth: 1, from: '2026-11-19', startTime: '14:00', endTime: '16:00', exdates: [] };

test('plain choices become an RRULE', () => {
  assert.equal(buildRRule({ ...base, freq: 'once' }), '');
  assert.equal(buildRRule(base), 'FREQ=WEEKLY;BYDAY=TU');
  assert.equal(buildRRule({ ...base, freq: 'biweekly' }), 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU');
  assert.equal(buildRRule({ ...base, freq: 'monthly', nth: 2, day: 'fri' }), 'FREQ=MONTHLY;BYDAY=2FR');
  assert.equal(buildRRule({ ...base, freq: 'monthly', nth: -1 }), 'FREQ=MONTHLY;BYDAY=-1TU');
});

test('the start is the first occurrence on or after the chosen date', () => {
  // 19 November 2026 is a Thursday; the next Tuesday is the 24th.
  assert.equal(firstOccurrence(base), '2026-11-24T14:00');
  assert.equal(firstOccurrence({ ...base, from: '2026-11-24' }), '2026-11-24T14:00');
  assert.equal(firstOccurrence({ ...base, freq: 'once' }), '2026-11-19T14:00');
  // The second Friday of November 2026 is the 13th: past the 19th, so December's, the 11th.
  assert.equal(firstOccurrence({ ...base, freq: 'monthly', nth: 2, day: 'fri' }), '2026-12-11T14:00');
  // The last Tuesday of November 2026 is the 24th.
  assert.equal(firstOccurrence({ ...base, freq: 'monthly', nth: -1 }), '2026-11-24T14:00');
});

test('a stored schedule reads back into the same choices', () => {
  for (const r of [{ ...base, freq: 'biweekly' }, { ...base, freq: 'monthly', nth: -1, day: 'wed' }, { ...base, exdates: ['2026-12-22'] }]) {
    const start = firstOccurrence(r);
    const back = parseRRule({ start, duration_minutes: 120, rrule: buildRRule(r), exdates: r.exdates.map((d) => `${d}T14:00`) });
    assert.equal(back.freq, r.freq);
    assert.equal(back.day, r.day);
    assert.equal(back.nth, r.nth);
    assert.equal(back.endTime, '16:00');
    assert.deepEqual(back.exdates, r.exdates);
    assert.equal(buildRRule(back), buildRRule(r));
  }
});

test('the choices in words', () => {
  assert.equal(describeRecurrence({ ...base, freq: 'biweekly' }, 'Dinsdag', 'nl'), 'Om de week op dinsdag, 14:00–16:00, vanaf 24 november 2026.');
  assert.equal(describeRecurrence({ ...base, freq: 'biweekly', exdates: ['2026-12-22'] }, 'Tuesday', 'en'),
    'Every other Tuesday, 14:00–16:00, from 24 November 2026; not on 2026-12-22.');
});
