// The API client: same-origin fetch with the session cookie, the CSRF
// token from the dichtbij_csrf cookie on every unsafe request, and
// problem+json errors turned into ApiError.

export interface FieldProblem {
  field: string;
  pointer?: string;
  reason: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  status: number;
  problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  get fieldErrors(): FieldProblem[] {
    return this.problem.errors ?? [];
  }
}

/** A network failure, or an answer that is not the API's. */
export class NetworkError extends Error {}

export const CSRF_COOKIE = 'dichtbij_csrf';
export const CSRF_HEADER = 'X-Csrf-Token';

function cookie(name: string): string {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

export interface Answer<T> {
  data: T;
  status: number;
  etag: string;
}

export interface CallOptions {
  ifMatch?: string;
  contentType?: string;
  /** Treat these statuses as answers, not errors (data is then the problem). */
  accept?: number[];
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Asks for the CSRF cookie: GET /api/v1/session sets it (sign-in and sign-out too). */
export async function refreshCsrf(): Promise<void> {
  await fetch('/api/v1/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
}

async function send(method: string, path: string, body: unknown, opts: CallOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  if (UNSAFE.has(method)) {
    if (!cookie(CSRF_COOKIE)) await refreshCsrf();
    headers[CSRF_HEADER] = cookie(CSRF_COOKIE);
  }
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new NetworkError(String(e));
  }
}

async function parse(res: Response): Promise<unknown> {
  if (res.status === 204) return null;
  // Some answers carry no JSON (202 "Accepted" from SendStatus): no data.
  if (!/json/.test(res.headers.get('Content-Type') ?? '')) return null;
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new NetworkError(`not JSON from ${res.url} (${res.status})`);
  }
}

export async function call<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Answer<T>> {
  let res = await send(method, path, body, opts);
  if (res.status === 403 && UNSAFE.has(method)) {
    // The session changed (sign-in, expiry): fetch a fresh token once.
    const p = (await parse(res.clone())) as Problem | null;
    if (p?.type?.endsWith(':csrf')) {
      await refreshCsrf();
      res = await send(method, path, body, opts);
    }
  }
  const data = await parse(res);
  if (!res.ok && !(opts.accept ?? []).includes(res.status)) {
    throw new ApiError(res.status, (data as Problem) ?? { status: res.status });
  }
  return { data: data as T, status: res.status, etag: res.headers.get('ETag') ?? '' };
}

export const get = <T>(path: string, opts?: CallOptions) => call<T>('GET', path, undefined, opts).then((a) => a.data);
export const post = <T>(path: string, body?: unknown, opts?: CallOptions) => call<T>('POST', path, body ?? {}, opts);
export const put = <T>(path: string, body: unknown, opts?: CallOptions) => call<T>('PUT', path, body, opts);
export const patch = <T>(path: string, body: unknown, opts?: CallOptions) =>
  call<T>('PATCH', path, body, { contentType: 'application/merge-patch+json', ...opts });
export const del = <T>(path: string, body?: unknown, opts?: CallOptions) => call<T>('DELETE', path, body, opts);

// Shapes of the API used by the portal (see /api/openapi.json).

export interface Account {
  id: string;
  email: string;
  role: 'resident' | 'organiser' | 'social_worker' | 'coordinator' | 'admin';
  municipality?: string;
  team?: string;
  name: string;
}

export interface Term {
  code: string;
  label: { nl: string; en: string };
}

export interface Taxonomy {
  help_types: Term[];
  life_domains: Term[];
  target_groups: Term[];
  mobility: Term[];
  urgency: Term[];
  ladder: Term[];
  weekdays: Term[];
}

export interface LatLon {
  lat: number;
  lon: number;
}

export interface Slot {
  day: string;
  start: string;
  end: string;
}

export interface VolunteerFields {
  display_name: string;
  help_types: string[];
  home_location: LatLon | null;
  max_travel_m: number;
  availability: Slot[];
  languages: string[];
  capacity: number;
  status: 'active' | 'paused';
}

export interface Volunteer extends VolunteerFields {
  id: string;
  version: number;
  area?: { municipality_name?: string; district_name?: string; neighbourhood_name?: string };
}

export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

export interface OwnerReferral {
  id: string;
  state: string;
  need: string;
  option_id: string;
  option_kind: string;
  occurrence?: string;
  neighbourhood?: string;
  district?: string;
  time_windows: Slot[];
  resident_name?: string;
  created_at: string;
  updated_at: string;
}

export interface Municipality {
  code: string;
  name: string;
  population: number;
  /** [lon, lat] of a point inside it. */
  centre: [number, number];
}

export interface Postcode {
  postcode: string;
  city: string;
  lat: number;
  lon: number;
  municipality?: string;
  municipality_name?: string;
}

let taxonomy: Promise<Taxonomy> | null = null;

/** The code lists, fetched once. */
export function loadTaxonomy(): Promise<Taxonomy> {
  taxonomy ??= get<Taxonomy>('/api/v1/taxonomy').catch((e) => {
    taxonomy = null;
    throw e;
  });
  return taxonomy;
}

let municipalities: Promise<Municipality[]> | null = null;

/** The municipalities (CBS 2024), fetched once, sorted by name. */
export function loadMunicipalities(): Promise<Municipality[]> {
  municipalities ??= get<Municipality[]>('/api/v1/municipalities')
    .then((list) => list.slice().sort((a, b) => a.name.localeCompare(b.name, 'nl')))
    .catch((e) => {
      municipalities = null;
      throw e;
    });
  return municipalities;
}
