// A one-time message carried to the next page (e.g. "You are signed in").
let pending = '';

export function flash(msg: string): void {
  pending = msg;
}

export function takeFlash(): string {
  const m = pending;
  pending = '';
  return m;
}
