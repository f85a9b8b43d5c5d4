// The e2e harness: the real dichtbij binary on a free loopback port with
// a fresh embedded store, an API client with a cookie jar for setting up
// accounts and records, Debian's Chromium through playwright-core, and
// axe-core on every page.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(here, 'artifacts');
export const FRONTEND = join(here, '..');
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM = '/usr/bin/chromium';
export const MUNICIPALITY = 'GM0344'; // Utrecht

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Sign-in, sign-up and reset share one limit per client address (10 a
 * minute, server/auth.go). Every such request of a test, from the API
 * client or from the browser, first takes a slot here; when the last
 * minute is full, it waits instead of failing with 429.
 */
export class LoginBudget {
  constructor(max = 9, windowMs = 61_000) {
    this.max = max;
    this.windowMs = windowMs;
    this.hits = [];
  }
  async take(n = 1) {
    for (let i = 0; i < n; i++) {
      for (;;) {
        const now = Date.now();
        this.hits = this.hits.filter((t) => now - t < this.windowMs);
        if (this.hits.length < this.max) break;
        const wait = this.windowMs - (now - this.hits[0]) + 50;
        console.log(`waiting ${Math.ceil(wait / 1000)} s for the sign-in rate limit`);
        await new Promise((r) => setTimeout(r, wait));
      }
      this.hits.push(Date.now());
    }
  }
}

/** A JSON API client with its own cookie jar (session and CSRF cookies). */
export class Client {
  constructor(base, budget) {
    this.base = base;
    this.budget = budget;
    this.cookies = new Map();
  }
  static limited = new Set(['POST /api/v1/session', 'POST /api/v1/signup', 'POST /api/v1/password-reset', 'POST /api/v1/password-reset/confirm']);

  async req(method, path, body, headers = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (body !== undefined) h['Content-Type'] ??= 'application/json';
    if (!['GET', 'HEAD'].includes(method) && !('X-Csrf-Token' in h)) {
      if (!this.cookies.has('dichtbij_csrf')) await this.req('GET', '/api/v1/session');
      h['X-Csrf-Token'] = this.cookies.get('dichtbij_csrf') ?? '';
    }
    if (this.cookies.size) h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (Client.limited.has(`${method} ${path}`)) await this.budget.take();
    const res = await fetch(this.base + path, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      const k = kv.slice(0, i).trim();
      const v = kv.slice(i + 1).trim();
      if (!v || /max-age=(0|-)|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    const text = await res.text();
    let data = text;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, data, headers: res.headers };
  }

  /** Like req, but fails unless the status is one of ok. */
  async must(method, path, body, ok = [200, 201, 202, 204]) {
    const r = await this.req(method, path, body);
    if (!ok.includes(r.status)) {
      throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.data)}`);
    }
    return r.data;
  }

  async signIn(email, password) {
    const acc = await this.must('POST', '/api/v1/session', { email, password });
    await this.req('GET', '/api/v1/session'); // a CSRF token for the new session
    return acc;
  }
}

/** The running server, its admin and a browser. */
export class Harness {
  /**
   * Starts the binary on a fresh store. args are extra flags (e.g.
   * ['-demo', 'GM0344']), env extra or overriding variables, log the
   * file in e2e/artifacts the server's output goes to; the output is also
   * kept in this.output (see logLine).
   */
  async start({ args = [], env: extra = {}, log: logName = 'server.log' } = {}) {
    const bin = process.env.DICHTBIJ_BIN;
    if (!bin || !existsSync(bin)) throw new Error('DICHTBIJ_BIN must name the built dichtbij binary (make e2e builds it)');
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    if (!existsSync(join(FRONTEND, 'dist', 'index.html'))) throw new Error('frontend/dist is not built: npm run build');
    mkdirSync(ARTIFACTS, { recursive: true });
    this.dataDir = mkdtempSync(join(tmpdir(), 'dichtbij-e2e-'));
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.budget = new LoginBudget();
    const env = {
      ...process.env,
      DICHTBIJ_ADDR: `127.0.0.1:${this.port}`,
      DICHTBIJ_DATA_DIR: this.dataDir,
      DICHTBIJ_BASE_URL: this.base,
      DICHTBIJ_LOG_LEVEL: 'warn',
      ...extra,
    };
    delete env.MONGODB_URI;
    this.admin = { email: 'beheer@e2e.example.org', password: 'een lang beheerderswachtwoord' };
    const made = spawnSync(bin, ['create-admin', '-email', this.admin.email, '-municipality', MUNICIPALITY],
      { env: { ...env, DICHTBIJ_ADMIN_PASSWORD: this.admin.password }, encoding: 'utf8', timeout: 120_000 });
    if (made.status !== 0) throw new Error(`create-admin failed: ${made.stderr || made.stdout}`);

    const log = createWriteStream(join(ARTIFACTS, logName));
    this.output = '';
    this.proc = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const out of [this.proc.stdout, this.proc.stderr]) {
      out.setEncoding('utf8');
      out.on('data', (chunk) => { this.output += chunk; });
      out.pipe(log);
    }
    this.exited = new Promise((r) => this.proc.once('exit', r));
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        const r = await fetch(this.base + '/readyz');
        if (r.ok) break;
      } catch {
        /* not listening yet */
      }
      if (this.proc.exitCode !== null) throw new Error(`dichtbij exited with ${this.proc.exitCode}; see ${ARTIFACTS}/server.log`);
      if (Date.now() > deadline) throw new Error('dichtbij did not become ready in 120 s');
      await new Promise((r) => setTimeout(r, 200));
    }

    this.adminApi = new Client(this.base, this.budget);
    await this.adminApi.signIn(this.admin.email, this.admin.password);

    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'],
    });
  }

  async stop() {
    await this.browser?.close().catch(() => undefined);
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(t);
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /**
   * The attributes of the server's first log line with this msg (slog's
   * text or JSON format), or null.
   */
  logLine(msg) {
    for (const line of this.output.split('\n')) {
      if (line.startsWith('{')) {
        try {
          const rec = JSON.parse(line);
          if (rec.msg === msg) return rec;
        } catch {
          /* not a JSON line */
        }
        continue;
      }
      const rec = {};
      for (const m of line.matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
        let v = m[2];
        if (v.startsWith('"')) {
          try {
            v = JSON.parse(v);
          } catch {
            v = v.slice(1, -1); // a Go escape JSON does not know
          }
        }
        rec[m[1]] = v;
      }
      if (rec.msg === msg) return rec;
    }
    return null;
  }

  /** A new account made by the admin, and an API client signed in as it. */
  async account(role, name, team) {
    const email = `${role}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@e2e.example.org`;
    const password = `wachtwoord van ${name} ${Date.now()}`;
    if (team) {
      // A team must exist before an account names it (PUT /api/v1/teams/{code}).
      await this.adminApi.must('PUT', `/api/v1/teams/${team}`, { name: `Sociaal team ${team}`, districts: [] }, [200, 201, 204]);
    }
    await this.adminApi.must('POST', '/api/v1/accounts', { email, password, name, role, ...(team ? { team } : {}) });
    const api = new Client(this.base, this.budget);
    await api.signIn(email, password);
    return { email, password, name, api };
  }

  /**
   * A browser context and page at the given viewport, which records CSP
   * violations and page errors. Console errors count too, except the
   * failed loads the app expects and handles: 401 of GET /api/v1/session
   * when signed out, and the 403, 409 and 422 answers the tests provoke.
   */
  async page({ width = 1280, height = 900 } = {}) {
    const context = await this.browser.newContext({ viewport: { width, height }, acceptDownloads: true, locale: 'nl-NL' });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|403|409|422) /.test(m.text())) {
        problems.push(`console error: ${m.text()}`);
      }
    });
    await context.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__csp.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
      });
    });
    page.problems = async () => {
      const csp = await page.evaluate(() => window.__csp ?? []).catch(() => []);
      return [...problems, ...csp.map((c) => `CSP violation: ${c}`)];
    };
    return { context, page };
  }
}

/**
 * Runs axe-core on the page and returns its serious and critical
 * violations (moderate and minor ones are printed, not failed). axe is
 * evaluated through the DevTools protocol, so the page's CSP stays on.
 */
export async function axe(page, name) {
  await page.evaluate(AXE_SOURCE);
  const res = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }),
  );
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = res.violations.filter((v) => !bad.includes(v));
  console.log(`axe ${name}: ${res.passes.length} rules pass, ${bad.length} serious/critical, ${minor.length} moderate/minor` +
    (minor.length ? ` (${minor.map((v) => v.id).join(', ')})` : ''));
  return bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The gzipped JavaScript per page entry, as the build measured it. */
export function printSizes() {
  const f = join(FRONTEND, '.build', 'sizes.json');
  if (!existsSync(f)) {
    console.log('bundle sizes: .build/sizes.json missing (run npm run build)');
    return;
  }
  const sizes = JSON.parse(readFileSync(f, 'utf8'));
  for (const [name, s] of Object.entries(sizes)) {
    console.log(`bundle ${name}: ${(s.js_gzip_bytes / 1024).toFixed(1)} KB JS gzipped, ${(s.css_gzip_bytes / 1024).toFixed(1)} KB CSS gzipped`);
  }
}

/** Waits for the page's h1 with this text. */
export async function heading(p, text) {
  await p.locator('h1', { hasText: text }).waitFor({ timeout: 15_000 });
}

/** Fails on serious or critical axe violations. */
export async function accessible(p, name) {
  assert.deepEqual(await axe(p, name), [], `axe: serious or critical violations on ${name}`);
}

/** Fails on CSP violations, page errors or console errors so far. */
export async function noProblems(p) {
  assert.deepEqual(await p.problems(), [], 'CSP violations, page errors or console errors');
}
