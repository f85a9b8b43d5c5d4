// Unit tests of the pure helpers, transpiled from TypeScript with Vite's
// own transformer (no extra test tooling).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { transformWithOxc } from 'vite';

const dir = mkdtempSync(join(tmpdir(), 'dichtbij-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function load(rel) {
  const src = new URL(`../src/${rel}`, import.meta.url);
  const { code } = await transformWithOxc(readFileSync(src, 'utf8'), src.pathname);
  const out = join(dir, rel.replaceAll('/', '_').replace(/\.tsx?$/, '.mjs'));
  writeFileSync(out, code);
  return import(out);
}

const { idFor, targetField } = await load('lib/fields.ts');

test('an API error goes to its field, or the nearest enclosing field on the form', () => {
  const known = ['display_name', 'home_location', 'availability', 'help_types'];
  assert.equal(targetField('display_name', known), 'display_name');
  assert.equal(targetField('home_location.lat', known), 'home_location');
  assert.equal(targetField('availability[2].end', known), 'availability');
  assert.equal(targetField('availability[2]', known), 'availability');
  assert.equal(targetField('help_types[0]', known), 'help_types');
  assert.equal(targetField('availability[2].end', [...known, 'availability[2]']), 'availability[2]');
  assert.equal(targetField('capacity', known), undefined);
  assert.equal(targetField('constraints.time_windows[1].start', known), undefined);
  assert.equal(targetField('X-Csrf-Token', known), undefined);
});

test('input ids are valid and distinct for distinct fields', () => {
  assert.equal(idFor('home_location'), 'f-home_location');
  assert.equal(idFor('availability[2].end'), 'f-availability-2-end');
  assert.equal(idFor('availability[2]'), 'f-availability-2');
  const ids = ['a.b', 'a[1]', 'a[1].b', 'a_b'].map(idFor);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^f-[A-Za-z0-9_-]+$/);
});
