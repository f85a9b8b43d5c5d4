// The portal's shell: header with the menu for the signed-in role, the
// language switch, and the page for the current path.
import './styles.css';
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { del, type Account } from './lib/api';
import { flash } from './lib/flash';
import { lang, setLang, t, useLang, type Key } from './lib/i18n';
import { lazy } from './lib/lazy';
import { Page } from './lib/page';
import { Link, navigate, useLocation } from './lib/router';
import { refreshSession, signedOut, useSession } from './lib/session';
import { ForgotPassword, ResetPassword, SignIn, SignUp } from './pages/auth';

const Resident = lazy(() => import('./pages/resident'));
const Worker = lazy(() => import('./pages/worker'));
const Organiser = lazy(() => import('./pages/organiser'));
const Dashboard = lazy(() => import('./pages/dashboard'));
const Settings = lazy(() => import('./pages/settings'));

type Role = Account['role'];

/** The menu of each role: path and label. */
const menus: Partial<Record<Role, [string, Key][]>> = {
  resident: [['/offer', 'nav.offer'], ['/referrals', 'nav.referrals'], ['/my-data', 'nav.mydata']],
  social_worker: [['/requests', 'nav.requests'], ['/requests/new', 'nav.newrequest'], ['/follow-ups', 'nav.followups'],
    ['/nearby', 'nav.nearby'], ['/my-data', 'nav.mydata']],
  organiser: [['/my-options', 'nav.options'], ['/option-referrals', 'nav.optionrefs'], ['/my-data', 'nav.mydata']],
  coordinator: [['/dashboard', 'nav.dashboard'], ['/settings', 'nav.settings'], ['/my-data', 'nav.mydata']],
};

/** Pages that need a signed-in account, and the roles that may open them. */
const rolePages: Record<string, Role[]> = {
  '/offer': ['resident'],
  '/referrals': ['resident'],
  '/my-data': ['resident', 'organiser', 'social_worker', 'coordinator', 'admin'],
  '/requests': ['social_worker'],
  '/requests/new': ['social_worker'],
  '/follow-ups': ['social_worker'],
  '/nearby': ['social_worker'],
  '/my-options': ['organiser'],
  '/option-referrals': ['organiser'],
  '/dashboard': ['coordinator'],
  '/settings': ['coordinator'],
};

/** What each menu item is for, on the role's home page. */
const menuText: Record<string, Key> = {
  '/offer': 'home.resident.offer', '/referrals': 'home.resident.referrals', '/my-data': 'home.resident.mydata',
  '/requests': 'home.worker.requests', '/requests/new': 'home.worker.new', '/follow-ups': 'home.worker.followups',
  '/nearby': 'home.worker.nearby', '/my-options': 'home.organiser.options', '/option-referrals': 'home.organiser.referrals',
  '/dashboard': 'home.coordinator.dashboard', '/settings': 'home.coordinator.settings',
};

function Welcome() {
  return (
    <Page title={t('home.title')}>
      <p>{t('home.intro')}</p>
      <ul class="actions">
        <li><Link class="button" href="/sign-in">{t('nav.signin')}</Link></li>
        <li><Link class="button button--secondary" href="/sign-up">{t('nav.signup')}</Link></li>
      </ul>
    </Page>
  );
}

function RoleHome({ account }: { account: Account }) {
  const menu = menus[account.role];
  return (
    <Page title={t('home.hello', { name: account.name })}>
      {menu ? (
        <>
          <p>{t('home.resident')}</p>
          <ul class="cards">
            {menu.map(([href, key]) => (
              <li key={href}>
                <Link href={href}>{t(key)}</Link>
                <p>{t(menuText[href])}</p>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          <p>{t('home.other', { role: t(`role.${account.role}` as Key) })}</p>
          <p><Link href="/my-data">{t('nav.mydata')}</Link></p>
        </>
      )}
    </Page>
  );
}

function NotFound() {
  return (
    <Page title={t('notfound.title')}>
      <p>{t('error.notfound')}</p>
      <p><Link href="/">{t('notfound.back')}</Link></p>
    </Page>
  );
}

function Header({ account }: { account: Account | null | undefined }) {
  const signOut = async () => {
    try {
      await del('/api/v1/session');
    } catch {
      /* the session may be gone already */
    }
    flash('signout.done');
    navigate('/sign-in');
    signedOut();
    await refreshSession().catch(() => undefined); // a CSRF token for the anonymous session
  };
  const menu = account ? menus[account.role] ?? [] : [];
  return (
    <header class="site-header">
      <div class="site-header__bar">
        <Link href="/" class="brand">
          {t('app.name')} <span class="brand__tagline">{t('app.tagline')}</span>
        </Link>
        <button type="button" class="link-button" lang={lang() === 'nl' ? 'en' : 'nl'}
          aria-label={t('lang.switch.label')} onClick={() => setLang(lang() === 'nl' ? 'en' : 'nl')}>
          {t('lang.switch')}
        </button>
      </div>
      <nav aria-label={t('nav.label')}>
        <ul>
          {account ? (
            <>
              <li><Link href="/">{t('nav.home')}</Link></li>
              {menu.map(([href, key]) => (
                <li key={href}><Link href={href}>{t(key)}</Link></li>
              ))}
              {!menu.length && <li><Link href="/my-data">{t('nav.mydata')}</Link></li>}
              <li><button type="button" class="link-button" onClick={signOut}>{t('nav.signout')}</button></li>
            </>
          ) : account === null ? (
            <>
              <li><Link href="/sign-in">{t('nav.signin')}</Link></li>
              <li><Link href="/sign-up">{t('nav.signup')}</Link></li>
            </>
          ) : null}
        </ul>
      </nav>
    </header>
  );
}

function Content({ account, path, query }: { account: Account | null | undefined; path: string; query: URLSearchParams }) {
  if (account === undefined) return <p class="loading">{t('loading')}</p>;
  switch (path) {
    case '/':
      return account ? <RoleHome account={account} /> : <Welcome />;
    case '/sign-in':
      return <SignIn next={query.get('next')} />;
    case '/sign-up':
      return <SignUp />;
    case '/forgot-password':
      return <ForgotPassword />;
    case '/reset':
      return <ResetPassword token={query.get('token') ?? ''} />;
  }
  const caseId = /^\/requests\/([0-9a-f]{24})$/.exec(path)?.[1];
  const roles = caseId ? ['social_worker'] : rolePages[path];
  if (!roles) return <NotFound />;
  if (!account) return <SignIn next={path} needed />;
  if (!roles.includes(account.role)) return <NotFound />;
  if (account.role === 'social_worker' && path !== '/my-data') {
    const page = caseId ? 'case' : path === '/requests/new' ? 'new' : (path.slice(1) as 'requests' | 'follow-ups' | 'nearby');
    return <Worker page={page} account={account} id={caseId} />;
  }
  if (path === '/dashboard') return <Dashboard account={account} query={query} />;
  if (path === '/settings') return <Settings account={account} />;
  if (account.role === 'organiser' && path !== '/my-data') {
    return <Organiser page={path === '/my-options' ? 'options' : 'referrals'} account={account} />;
  }
  const page = path.slice(1) as 'offer' | 'referrals' | 'my-data';
  return <Resident page={page} account={account} />;
}

function App() {
  useLang();
  const account = useSession();
  const { path, query } = useLocation();
  useEffect(() => {
    document.documentElement.lang = lang();
    refreshSession().catch(() => signedOut());
  }, []);
  return (
    <>
      <a class="skip-link" href="#main">{t('skip')}</a>
      <Header account={account} />
      <main id="main" tabIndex={-1}>
        {/* keyed by path: each page is mounted anew, so it takes the focus and its message */}
        <Content key={path} account={account} path={path} query={query} />
      </main>
      <footer class="site-footer">
        <p>dichtbij · {t('app.tagline')}</p>
      </footer>
    </>
  );
}

const root = document.getElementById('app')!;
root.replaceChildren();
render(<App />, root);
