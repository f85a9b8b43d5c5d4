import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';

/** A component whose code is fetched when first shown (one chunk per role). */
export function lazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [C, setC] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (C) return;
      pending ??= load().then((m) => (loaded = m.default));
      pending.then((c) => setC(() => c)).catch(() => {
        pending = null;
        setFailed(true);
      });
    }, []);
    if (failed) return <p role="alert">{t('error.network')}</p>;
    if (!C) return <p class="loading">{t('loading')}</p>;
    return <C {...props} />;
  };
}
