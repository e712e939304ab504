import type { Store } from '@voxelflow/remote-storage';
import { fromNgffAttributes } from './attributes';
import { NgffNotFoundError } from './errors';
import { describe, readGroupAttributes } from './group-io';
import type { Multiscale, NgffContent, NgffVersion } from './types';

/** NGFF metadata of one group as stored. */
export interface NgffGroup {
  /** Declared NGFF version ('0.4' for 0.4-style attributes without a version); undefined when the group has no NGFF metadata. */
  version: NgffVersion | undefined;
  /** Zarr format of the group: 2 (`.zattrs`) or 3 (`zarr.json`). */
  zarrFormat: 2 | 3;
  /** The group's attributes exactly as stored (NGFF and application keys). */
  attributes: Record<string, unknown>;
  /** The NGFF content, independent of version. */
  content: NgffContent;
  /** Shorthand for `content.multiscales ?? []`. */
  multiscales: Multiscale[];
}

/**
 * Reads the group at `path` below the store root (Zarr v3 `zarr.json` first, then v2 `.zattrs`)
 * and its NGFF content. Does not validate; call `validateMultiscales` for that.
 * Throws `NgffNotFoundError` when there is no group there.
 */
export async function readNgff(store: Store, path = ''): Promise<NgffGroup> {
  const group = await readGroupAttributes(store, path);
  if (!group) throw new NgffNotFoundError(describe(store, path));
  const { version, content } = fromNgffAttributes(group.attributes);
  return { version, zarrFormat: group.zarrFormat, attributes: group.attributes, content, multiscales: content.multiscales ?? [] };
}
