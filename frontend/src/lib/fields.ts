// Which input shows an API error: problem+json names the wrong field by
// its path in the body ("availability[2].end", "home_location.lat"),
// while a form has one input (or group) per top-level field.

/** The element id of the input for a field key. */
export function idFor(field: string): string {
  return 'f-' + field.replace(/[^a-zA-Z0-9_-]+/g, '-').replace(/-+$/, '');
}

/**
 * The field on the form that shows an API error about `field`: the field
 * itself, or else the nearest enclosing one ("availability[2].end" →
 * "availability[2]" → "availability"; "home_location.lat" →
 * "home_location"); undefined when the form has none of them.
 */
export function targetField(field: string, known: readonly string[]): string | undefined {
  let f = field;
  for (;;) {
    if (known.includes(f)) return f;
    const m = /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(f);
    if (!m) return undefined;
    f = m[1];
  }
}
