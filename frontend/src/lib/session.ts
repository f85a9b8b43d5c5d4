// Who is signed in: GET /api/v1/session answers the account (and sets the
// CSRF cookie), or 401 when nobody is.
import { useEffect, useState } from 'preact/hooks';
import { call, type Account } from './api';

/** undefined while unknown, null when nobody is signed in. */
let current: Account | null | undefined;
const listeners = new Set<(a: Account | null | undefined) => void>();

function set(a: Account | null): void {
  current = a;
  listeners.forEach((f) => f(a));
}

export async function refreshSession(): Promise<Account | null> {
  const ans = await call<Account>('GET', '/api/v1/session', undefined, { accept: [401] });
  set(ans.status === 200 ? ans.data : null);
  return current ?? null;
}

export function signedIn(a: Account): void {
  set(a);
}

export function signedOut(): void {
  set(null);
}

export function useSession(): Account | null | undefined {
  const [a, setA] = useState(current);
  useEffect(() => {
    listeners.add(setA);
    setA(current);
    return () => void listeners.delete(setA);
  }, []);
  return a;
}
