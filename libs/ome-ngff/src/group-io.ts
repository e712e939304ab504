import type { Store } from '@voxelflow/remote-storage';
import { isObject } from './attributes';
import { NgffFormatError } from './errors';

/** `path` below the store root joined with a metadata file name ('' means the root). */
export function joinKey(path: string, name: string): string {
  const p = path.replace(/^\/+|\/+$/g, '');
  return p === '' ? name : `${p}/${name}`;
}

/** Where a group lives, for messages. */
export function describe(store: Store, path: string): string {
  const p = path.replace(/^\/+|\/+$/g, '');
  return p === '' ? store.url : `${store.url.replace(/\/+$/, '')}/${p}`;
}

/** Parses a JSON object stored under `key`, or undefined when the key is absent. */
export async function readJsonObject(store: Store, key: string, where: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new NgffFormatError(where, `${key} is not valid JSON (${(e as Error).message}); re-write it`);
  }
  if (!isObject(value)) throw new NgffFormatError(where, `${key} must hold a JSON object`);
  return value;
}

/** Stores `value` as indented JSON under `key` (atomically, through the store). */
export async function writeJson(store: Store, key: string, value: unknown): Promise<void> {
  await store.set(key, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
}

/** A group's attributes and Zarr format, read from `zarr.json` (v3) or `.zattrs`/`.zgroup` (v2). */
export interface GroupAttributes {
  zarrFormat: 2 | 3;
  attributes: Record<string, unknown>;
}

/** Reads a group's attributes, or undefined when there is no group (nor attributes) at `path`. */
export async function readGroupAttributes(store: Store, path: string): Promise<GroupAttributes | undefined> {
  const where = describe(store, path);
  const v3 = await readJsonObject(store, joinKey(path, 'zarr.json'), where);
  if (v3) {
    if (v3.node_type !== 'group') {
      throw new NgffFormatError(where, `zarr.json describes a ${String(v3.node_type)}, not a group`);
    }
    return { zarrFormat: 3, attributes: isObject(v3.attributes) ? v3.attributes : {} };
  }
  const [zattrs, zgroup] = await Promise.all([
    readJsonObject(store, joinKey(path, '.zattrs'), where),
    store.head(joinKey(path, '.zgroup')),
  ]);
  if (!zattrs && !zgroup) return undefined;
  return { zarrFormat: 2, attributes: zattrs ?? {} };
}
