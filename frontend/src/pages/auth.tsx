// Sign-in, sign-up, and the two password-reset pages.
import { useEffect, useState } from 'preact/hooks';
import { loadMunicipalities, post, type Account, type Municipality } from '../lib/api';
import { flash } from '../lib/flash';
import { ErrorSummary, FieldError, formErrors, idFor, describedBy, Notice, TextField, noErrors, type FormErrors } from '../lib/forms';
import { t } from '../lib/i18n';
import { Page } from '../lib/page';
import { Link, navigate } from '../lib/router';
import { refreshSession, signedIn } from '../lib/session';

/** Where to go after signing in: a local path only. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignIn({ next, needed }: { next: string | null; needed?: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const fields = ['email', 'password'] as const;
  const labels = { email: t('signin.email'), password: t('signin.password') };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const { data } = await post<Account>('/api/v1/session', { email: email.trim(), password });
      signedIn(data);
      await refreshSession(); // a new session: a new CSRF token for it
      flash('signin.done');
      navigate(safeNext(next));
    } catch (err) {
      setErrors(formErrors(err, fields, labels));
      setBusy(false);
    }
  };

  return (
    <Page title={t('signin.title')}>
      {needed && <Notice kind="info" text={t('signin.required')} />}
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <ErrorSummary errors={errors} />
        <TextField field="email" label={labels.email} type="email" autocomplete="username" inputMode="email"
          value={email} onInput={setEmail} error={errors.byField.email} />
        <TextField field="password" label={labels.password} type="password" autocomplete="current-password"
          value={password} onInput={setPassword} error={errors.byField.password} />
        <button type="submit" class="button" disabled={busy}>{t('signin.submit')}</button>
      </form>
      <p><Link href="/forgot-password">{t('signin.forgot')}</Link></p>
      <p>{t('signin.noaccount')} <Link href="/sign-up">{t('nav.signup')}</Link></p>
    </Page>
  );
}

export function SignUp() {
  const [v, setV] = useState({ name: '', email: '', password: '', municipality: '', role: 'resident' });
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const fields = ['name', 'email', 'password', 'municipality', 'role'] as const;
  const labels = {
    name: t('signup.name'), email: t('signup.email'), password: t('signup.password'),
    municipality: t('signup.municipality'), role: t('signup.role'),
  };
  const upd = (k: keyof typeof v) => (x: string) => setV({ ...v, [k]: x });
  const [municipalities, setMunicipalities] = useState<Municipality[]>([]);
  useEffect(() => {
    loadMunicipalities().then(setMunicipalities).catch((err) => setErrors(formErrors(err, fields, labels)));
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const body = { ...v, name: v.name.trim(), email: v.email.trim() };
      await post<Account>('/api/v1/signup', body);
      const { data } = await post<Account>('/api/v1/session', { email: body.email, password: v.password });
      signedIn(data);
      await refreshSession();
      flash('signup.done');
      navigate(data.role === 'resident' ? '/offer' : '/');
    } catch (err) {
      setErrors(formErrors(err, fields, labels));
      setBusy(false);
    }
  };

  const mErr = errors.byField.municipality;
  const rErr = errors.byField.role;
  return (
    <Page title={t('signup.title')}>
      <p>{t('signup.intro')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <ErrorSummary errors={errors} />
        <fieldset class={'field' + (rErr ? ' field--error' : '')} id={idFor('role')} tabIndex={-1}
          aria-describedby={describedBy('role', false, rErr)}>
          <legend>{labels.role}</legend>
          <FieldError field="role" error={rErr} />
          {(['resident', 'organiser'] as const).map((r) => (
            <div class="choice" key={r}>
              <input type="radio" name="role" id={`role-${r}`} value={r} checked={v.role === r}
                onChange={() => upd('role')(r)} />
              <label for={`role-${r}`}>{t(`signup.role.${r}`)}</label>
            </div>
          ))}
        </fieldset>
        <TextField field="name" label={labels.name} hint={t('signup.name.hint')} autocomplete="given-name"
          value={v.name} onInput={upd('name')} error={errors.byField.name} />
        <TextField field="email" label={labels.email} type="email" autocomplete="email" inputMode="email"
          value={v.email} onInput={upd('email')} error={errors.byField.email} />
        <TextField field="password" label={labels.password} type="password" autocomplete="new-password"
          hint={t('signup.password.hint')} value={v.password} onInput={upd('password')} error={errors.byField.password} />
        <div class={'field' + (mErr ? ' field--error' : '')}>
          <label for={idFor('municipality')}>{labels.municipality}</label>
          <FieldError field="municipality" error={mErr} />
          <select id={idFor('municipality')} name="municipality" value={v.municipality}
            aria-invalid={mErr ? 'true' : undefined} aria-describedby={describedBy('municipality', false, mErr)}
            onChange={(e) => upd('municipality')((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('signup.municipality.choose')}</option>
            {municipalities.map((m) => (
              <option key={m.code} value={m.code}>{m.name}</option>
            ))}
          </select>
        </div>
        <button type="submit" class="button" disabled={busy}>{t('signup.submit')}</button>
      </form>
      <p><Link href="/sign-in">{t('home.signin')}</Link></p>
    </Page>
  );
}

export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await post('/api/v1/password-reset', { email: email.trim() });
      setDone(true);
    } catch (err) {
      setErrors(formErrors(err, ['email'], { email: t('forgot.email') }));
    }
    setBusy(false);
  };

  return (
    <Page title={t('forgot.title')}>
      {done ? (
        <Notice text={t('forgot.done')} />
      ) : (
        <>
          <p>{t('forgot.intro')}</p>
          <form onSubmit={submit} noValidate aria-busy={busy}>
            <ErrorSummary errors={errors} />
            <TextField field="email" label={t('forgot.email')} type="email" autocomplete="email" inputMode="email"
              value={email} onInput={setEmail} error={errors.byField.email} />
            <button type="submit" class="button" disabled={busy}>{t('forgot.submit')}</button>
          </form>
        </>
      )}
      <p><Link href="/sign-in">{t('nav.signin')}</Link></p>
    </Page>
  );
}

/** The page the reset link in the mail opens: /reset?token=… */
export function ResetPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await post('/api/v1/password-reset/confirm', { token, password });
      flash('reset.done');
      navigate('/sign-in');
    } catch (err) {
      setErrors(formErrors(err, ['password'], { password: t('reset.password'), token: 'Link' }));
      setBusy(false);
    }
  };

  if (!token) {
    return (
      <Page title={t('reset.title')}>
        <p role="alert">{t('reset.notoken')}</p>
        <p><Link href="/forgot-password">{t('forgot.title')}</Link></p>
      </Page>
    );
  }
  return (
    <Page title={t('reset.title')}>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <ErrorSummary errors={errors} />
        <TextField field="password" label={t('reset.password')} hint={t('reset.password.hint')} type="password"
          autocomplete="new-password" value={password} onInput={setPassword} error={errors.byField.password} />
        <button type="submit" class="button" disabled={busy}>{t('reset.submit')}</button>
      </form>
      <p><Link href="/forgot-password">{t('forgot.title')}</Link></p>
    </Page>
  );
}
