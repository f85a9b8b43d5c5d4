// Form errors: the API's problem+json names each wrong field
// (errors[].field, e.g. "availability[2].end" or "home_location.lat"); the
// message is shown next to the input for that field, and every error is
// listed in a summary at the top of the form, which takes the focus.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, NetworkError } from './api';
import { idFor, targetField } from './fields';
import { t, type Key } from './i18n';

export { idFor, targetField };

export interface SummaryItem {
  /** The field key the message belongs to, if a field on the form shows it. */
  field?: string;
  message: string;
}

export interface FormErrors {
  byField: Record<string, string>;
  summary: SummaryItem[];
  /** Changes with every new set of errors, so the summary takes the focus again. */
  seq: number;
}

export const noErrors: FormErrors = { byField: {}, summary: [], seq: 0 };
let seq = 0;

/** The server's English reason, in plain words of the current language when we know it. */
export function reasonText(field: string, reason: string): string {
  const r = reason.toLowerCase();
  const known: [RegExp, Key][] = [
    [/^is required/, 'reason.required'],
    [/^is taken$/, 'reason.taken'],
    [/does not match the e-mail address/, 'reason.wrongpassword'],
    [/outside/, 'reason.outside'],
    [/is unknown, used or expired/, 'reason.token'],
  ];
  for (const [re, key] of known) if (re.test(r)) return t(key);
  if (field === 'password' && /shorter|longer|repeats/.test(r)) return t('reason.password');
  if (field === 'email' && /not an e-mail|no domain/.test(r)) return t('reason.email');
  return reason;
}

/** Turns an error from the API into form errors. */
export function formErrors(err: unknown, known: readonly string[], labels: Record<string, string> = {}): FormErrors {
  const out: FormErrors = { byField: {}, summary: [], seq: ++seq };
  if (err instanceof ApiError) {
    for (const fe of err.fieldErrors) {
      const target = targetField(fe.field, known);
      const msg = reasonText(fe.field, fe.reason);
      if (target) {
        out.byField[target] = out.byField[target] ? `${out.byField[target]} ${msg}` : msg;
        out.summary.push({ field: target, message: `${labels[target] ?? fe.field}: ${msg}` });
      } else {
        out.summary.push({ message: `${labels[fe.field] ?? fe.field}: ${msg}` });
      }
    }
    if (out.summary.length === 0) out.summary.push({ message: generalMessage(err) });
    return out;
  }
  out.summary.push({ message: generalMessage(err) });
  return out;
}

/** A message for an error that names no field. */
export function generalMessage(err: unknown): string {
  if (err instanceof NetworkError || !(err instanceof ApiError)) return t('error.network');
  const type = err.problem.type ?? '';
  if (err.status === 429 && type.endsWith(':locked')) return t('error.locked', { min: 15 });
  if (err.status === 429) return t('error.ratelimited');
  if (err.status === 403) return t('error.forbidden');
  if (err.status === 404) return t('error.notfound');
  if (err.status === 409 || err.status === 412) return t('error.conflict');
  if (err.status >= 500) return t('error.server');
  return err.problem.detail || err.problem.title || t('error.server');
}

/** The summary at the top of a form; it takes the focus when errors arrive. */
export function ErrorSummary({ errors }: { errors: FormErrors }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.summary.length) ref.current?.focus();
  }, [errors.seq]);
  if (!errors.summary.length) return null;
  const jump = (field: string) => (e: MouseEvent) => {
    const el = document.getElementById(idFor(field));
    if (el) {
      e.preventDefault();
      el.focus();
    }
  };
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t('error.summary')}</h2>
      <ul>
        {errors.summary.map((s, i) => (
          <li key={i}>
            {s.field ? (
              <a href={'#' + idFor(s.field)} onClick={jump(s.field)}>
                {s.message}
              </a>
            ) : (
              s.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** aria-describedby for an input with an optional hint and error. */
export function describedBy(field: string, hint: boolean, error: string | undefined): string | undefined {
  const ids = [hint ? idFor(field) + '-hint' : '', error ? idFor(field) + '-error' : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function Hint({ field, children }: { field: string; children: ComponentChildren }) {
  return (
    <p class="hint" id={idFor(field) + '-hint'}>
      {children}
    </p>
  );
}

export function FieldError({ field, error }: { field: string; error?: string }) {
  if (!error) return null;
  return (
    <p class="field-error" id={idFor(field) + '-error'} data-field={field}>
      <span class="visually-hidden">{t('error.summary.one')} </span>
      {error}
    </p>
  );
}

interface TextFieldProps {
  field: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  error?: string;
  hint?: string;
  type?: 'text' | 'email' | 'password' | 'number';
  autocomplete?: string;
  inputMode?: 'numeric' | 'email' | 'text';
}

/** A labelled text input with its hint and error. */
export function TextField(p: TextFieldProps) {
  return (
    <div class={'field' + (p.error ? ' field--error' : '')}>
      <label for={idFor(p.field)}>{p.label}</label>
      {p.hint && <Hint field={p.field}>{p.hint}</Hint>}
      <FieldError field={p.field} error={p.error} />
      <input
        id={idFor(p.field)}
        name={p.field}
        type={(p.type ?? 'text') as 'text'}
        value={p.value}
        autocomplete={p.autocomplete}
        inputMode={p.inputMode}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy(p.field, !!p.hint, p.error)}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </div>
  );
}

/** A status line for screen readers and sighted users alike. */
export function Notice({ text, kind = 'ok' }: { text: string; kind?: 'ok' | 'info' }) {
  return (
    <p class={'notice notice--' + kind} role="status">
      {text}
    </p>
  );
}
