/**
 * Keys are relative, '/'-separated paths below a store's root: no leading '/', no '.', '..' or empty
 * segments, no backslashes or NUL. Checking them in one place is what keeps every store inside its root.
 */
import { InvalidKeyError } from './errors';

/** Why `key` is not a valid store key, or `undefined` when it is. */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string') return 'it is not a string';
  if (key.length === 0) return 'it is empty';
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) return 'it is an absolute path';
  if (key.includes('\\')) return 'it contains a backslash';
  if (key.includes('\0')) return 'it contains a NUL character';
  for (const segment of key.split('/')) {
    if (segment === '..') return "it contains a '..' segment that would escape the store root";
    if (segment === '.') return "it contains a '.' segment";
    if (segment === '') return 'it contains an empty segment (double or trailing slash)';
  }
  return undefined;
}

/** Throws {@link InvalidKeyError} unless `key` is a valid key; returns it unchanged. */
export function checkKey(key: string, storeUrl: string): string {
  const problem = keyProblem(key);
  if (problem !== undefined) throw new InvalidKeyError(key, storeUrl, problem);
  return key;
}

/**
 * Normalises a `list` prefix to a directory prefix: `''` (everything) or `'a/b/'`. A trailing slash is
 * allowed; otherwise the same rules as keys apply.
 */
export function checkPrefix(prefix: string | undefined, storeUrl: string): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const problem = keyProblem(trimmed);
  if (problem !== undefined) throw new InvalidKeyError(prefix, storeUrl, problem);
  return `${trimmed}/`;
}

/**
 * Joins key parts with '/', dropping empty parts and stray slashes at the joins:
 * `joinKey('a/', '/b', 'c.json')` → `'a/b/c.json'`. It does not validate; stores do.
 */
export function joinKey(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p.length > 0)
    .join('/');
}

/** The part of `key` before its last '/', or `''` for top-level keys. */
export function parentKey(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? '' : key.slice(0, i);
}

/** The part of `key` after its last '/'. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** Code-unit order, which matches S3's byte order for ASCII keys; used by every `list`. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
