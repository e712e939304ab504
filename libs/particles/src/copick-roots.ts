/**
 * copick roots: turning the config's fsspec-style root URLs into Store URLs, and listing the entries
 * of a folder in a root (runs, voxel spacings, picks, segmentations) without walking everything below.
 */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStore, urlScheme, type Store } from '@voxelflow/remote-storage';
import { CopickConfigError } from './errors';

const REMOTE_SCHEMES = new Set(['s3', 'http', 'https', 'hf']);

/** The folder that holds the config at `configPath` (a path or URL), as a path or URL. */
export function configFolder(configPath: string): string {
  const scheme = urlScheme(configPath);
  if (scheme === '') return resolve(configPath, '..');
  if (scheme === 'file') return resolve(fileURLToPath(configPath), '..');
  const i = configPath.replace(/\/+$/, '').lastIndexOf('/');
  return configPath.slice(0, i);
}

/**
 * The Store URL of a copick root: `local:///abs` → `/abs`; `local://./rel` and plain relative paths
 * are resolved against the config's folder (copick itself resolves them against the working directory,
 * which makes a project depend on where it is opened from); `file://`, `s3://`, `http(s)://`, `hf://`
 * pass through. Other fsspec schemes (ssh, smb…) are refused with a {@link CopickConfigError}.
 */
export function resolveCopickRoot(root: string, configPath: string): string {
  const base = configFolder(configPath);
  const trimmed = root.length > 1 ? root.replace(/\/+$/, '') : root;
  const scheme = urlScheme(trimmed);
  const relativeTo = (p: string): string => {
    if (urlScheme(base) === '') return isAbsolute(p) ? p : resolve(base, p);
    if (p.startsWith('/')) return p;
    return `${base}/${p.replace(/^\.\//, '')}`;
  };
  if (scheme === 'local') return relativeTo(trimmed.slice('local://'.length) || '.');
  if (scheme === '') return relativeTo(trimmed);
  if (scheme === 'file') return fileURLToPath(trimmed);
  if (REMOTE_SCHEMES.has(scheme)) return trimmed;
  throw new CopickConfigError(
    `copick config ${configPath}: root ${root} uses the '${scheme}://' scheme, which VoxelFlow cannot open; use local://, a path, s3://, http(s):// or hf://`,
    configPath,
  );
}

/** Joins a store URL (path or URL) and a key. */
export function joinUrl(base: string, key: string): string {
  if (key === '') return base;
  return urlScheme(base) === '' ? join(base, ...key.split('/')) : `${base.replace(/\/+$/, '')}/${key}`;
}

/**
 * Names of the entries directly inside `prefix` (a folder key, no trailing slash) of `store`, sorted,
 * hidden names ('.x') skipped. Local stores read the one directory; other stores list keys below the
 * prefix and keep their first segment. `dirsOnly` keeps folders (and, locally, symlinks to folders).
 */
export async function listFolder(store: Store, prefix: string, dirsOnly = false): Promise<string[]> {
  if (store instanceof FileStore) {
    const dir = prefix === '' ? store.root : store.pathOf(prefix);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw err;
    }
    const names: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) isDir = (await stat(join(dir, e.name)).catch(() => undefined))?.isDirectory() ?? false;
      if (!dirsOnly || isDir) names.push(e.name);
    }
    return names.sort();
  }
  const keys = await store.list(prefix === '' ? undefined : `${prefix}/`);
  const start = prefix === '' ? 0 : prefix.length + 1;
  const names = new Set<string>();
  for (const k of keys) {
    const rest = k.slice(start);
    const slash = rest.indexOf('/');
    if (dirsOnly && slash < 0) continue;
    const name = slash < 0 ? rest : rest.slice(0, slash);
    if (name.length > 0 && !name.startsWith('.')) names.add(name);
  }
  return [...names].sort();
}

/** True when a Zarr array or group (v2 or v3) exists at folder key `prefix`. */
export async function zarrExists(store: Store, prefix: string): Promise<boolean> {
  for (const meta of ['zarr.json', '.zattrs', '.zgroup', '.zarray']) {
    if ((await store.head(`${prefix}/${meta}`)) !== undefined) return true;
  }
  return false;
}
