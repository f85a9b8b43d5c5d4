import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { takeFlash } from './flash';
import { t, type Key } from './i18n';
import { Notice } from './forms';

let firstPage = true;

/**
 * A page: its title in the tab and in the one h1, which takes the focus
 * after a navigation inside the app (so screen readers announce the new
 * page), and a message carried over from the page before.
 */
export function Page({ title, children, wide }: { title: string; children: ComponentChildren; wide?: boolean }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  const [msg] = useState<Key | ''>(() => takeFlash() as Key | '');
  useEffect(() => {
    document.title = `${title} – dichtbij`;
  }, [title]);
  useEffect(() => {
    if (firstPage) firstPage = false;
    else h1.current?.focus();
  }, []);
  return (
    <div class={wide ? 'page page--wide' : 'page'}>
      <h1 tabIndex={-1} ref={h1}>
        {title}
      </h1>
      {msg && <Notice text={t(msg)} />}
      {children}
    </div>
  );
}
