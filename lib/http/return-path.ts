/**
 * Where to send a person after sign-in (ASVS 4.0 V5.1.5: redirects only to allowed destinations).
 * Only a same-origin relative path is kept. Browsers "repair" URLs before following them (they drop
 * tabs and newlines, read `\` as `/`, and resolve `//host` as another site), so anything a browser
 * could turn into another origin is refused as a whole rather than cleaned: control characters,
 * backslashes, a leading `//`, and the same in percent-encoded form. What passes is returned
 * normalised by the URL parser (path, query and fragment), never an absolute URL.
 */
const MAX_LENGTH = 2048;

/** The path and query of the page being rendered, as proxy.ts saw the request (it overwrites any such header the client sent). */
export const REQUESTED_PATH_HEADER = 'x-foresight-requested-path';
const PROBE = 'http://return-path.invalid';

/** C0 and C1 control characters, DEL, and backslash. */
function hasForbiddenCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x5c) return true;
  }
  return false;
}

function decodeFully(value: string): string | null {
  // Decode repeatedly (double encoding: %252F%252F) until stable; malformed escapes are refused.
  let current = value;
  for (let i = 0; i < 5; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return null;
}

/** The path to return to, or `fallback` when `raw` is missing or not a safe same-origin path. */
export function safeReturnPath(raw: unknown, fallback = '/'): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return fallback;
  const decoded = decodeFully(value);
  if (decoded === null) return fallback;
  for (const form of [value, decoded]) {
    if (!form.startsWith('/') || form.startsWith('//') || hasForbiddenCharacter(form)) return fallback;
  }
  let url: URL;
  try {
    url = new URL(value, PROBE);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
}
