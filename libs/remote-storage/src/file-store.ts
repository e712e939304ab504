/**
 * A Store over a local directory (a plain path or a `file://` URL). Writes go to a temp file in the
 * destination directory and are renamed into place, so a reader never sees a half-written file and a
 * crash leaves at most a hidden temp file, never a partial object under the final name.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRange, checkRange } from './byte-range';
import { AccessDeniedError, InvalidKeyError, StoreError } from './errors';
import { checkKey, checkPrefix, compareKeys } from './keys';
import type { ByteRange, ObjectInfo, Store } from './store';

/** Temp files are `.<name>.<random>~vftmp`; `list` hides them. */
const TEMP_SUFFIX = '~vftmp';

/** True for names of the temp files `FileStore.set` writes before renaming. */
export function isFileStoreTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

/** Turns a local path or `file://` URL into an absolute path. */
export function localPathFromUrl(pathOrUrl: string): string {
  return pathOrUrl.startsWith('file:') ? fileURLToPath(pathOrUrl) : resolve(pathOrUrl);
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Reads `range` of the file at `path` (clamped to the file); `undefined` when there is no such file.
 * Shared by FileStore and the hub store, whose cached files are local.
 */
export async function readLocalFile(path: string, range?: ByteRange): Promise<Uint8Array | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    const [start, end] = resolveRange(range, info.size);
    const out = new Uint8Array(end - start);
    let done = 0;
    while (done < out.length) {
      const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
      if (bytesRead === 0) break; // truncated underneath us: return what exists
      done += bytesRead;
    }
    return done === out.length ? out : out.subarray(0, done);
  } catch (err) {
    if (errnoCode(err) === 'EISDIR') return undefined;
    throw err;
  } finally {
    await handle.close();
  }
}

/** Store over a local directory. See the module comment for the atomic-write scheme. */
export class FileStore implements Store {
  /** Absolute path of the root directory (it need not exist until the first `set`). */
  readonly root: string;
  readonly url: string;
  readonly readOnly = false;

  /** @param pathOrUrl a directory path (relative paths resolve against the cwd) or a `file://` URL. */
  constructor(pathOrUrl: string) {
    this.root = localPathFromUrl(pathOrUrl);
    this.url = this.root;
  }

  /** The absolute local path of `key` (validated to stay inside the root). */
  pathOf(key: string): string {
    checkKey(key, this.url);
    const full = resolve(this.root, ...key.split('/'));
    const rel = relative(this.root, full);
    // Lexical check on top of checkKey: belt and braces against platform path quirks.
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new InvalidKeyError(key, this.url, 'it resolves outside the store root');
    }
    return full;
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key);
    checkRange(range, `${this.url} key ${key}`);
    try {
      return await readLocalFile(path, range);
    } catch (err) {
      throw this.wrap(err, key, 'read');
    }
  }

  async set(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    const name = path.slice(dir.length + 1);
    const temp = `${dir}${sep}.${name}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(temp, bytes);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw this.wrap(err, key, 'write');
    }
  }

  async list(prefix?: string): Promise<string[]> {
    const dirPrefix = checkPrefix(prefix, this.url);
    const start = dirPrefix === '' ? this.root : resolve(this.root, ...dirPrefix.slice(0, -1).split('/'));
    const keys: string[] = [];
    await this.walk(start, dirPrefix, keys);
    return keys.sort(compareKeys);
  }

  private async walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return;
      throw this.wrap(err, keyPrefix, 'list');
    }
    for (const entry of entries) {
      if (isFileStoreTempName(entry.name)) continue;
      const full = `${dir}${sep}${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir) await this.walk(full, `${keyPrefix}${entry.name}/`, out);
      else if (isFile) out.push(`${keyPrefix}${entry.name}`);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return;
      throw this.wrap(err, key, 'delete');
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      return { size: info.size, etag: `${Math.round(info.mtimeMs * 1000).toString(16)}-${info.size.toString(16)}` };
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
      throw this.wrap(err, key, 'stat');
    }
  }

  private wrap(err: unknown, key: string, operation: string): Error {
    const code = errnoCode(err);
    const where = `${this.root}${sep}${key.split('/').join(sep)}`;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      return new AccessDeniedError(where, this.url, `cannot ${operation} (${code}); check file permissions`, {
        key,
        cause: err,
      });
    }
    const detail = err instanceof Error ? err.message : String(err);
    return new StoreError(`cannot ${operation} ${where}: ${detail}`, { url: this.url, key, cause: err });
  }
}
