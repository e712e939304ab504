import type { Store } from '@voxelflow/remote-storage';
import { NGFF_ATTRIBUTE_KEYS, fromNgffAttributes, toNgffAttributes } from './attributes';
import { NgffFormatError, NgffValidationError } from './errors';
import { describe, joinKey, readGroupAttributes, writeJson } from './group-io';
import type { NgffContent, NgffVersion } from './types';
import { validateLabelAttributes, validateMultiscales } from './validate';

/** Options of {@link writeNgffAttributes}. */
export interface WriteNgffOptions {
  /**
   * Application attributes to store beside the NGFF keys (run configuration…). Merged over the
   * group's existing application attributes, which are kept.
   */
  otherAttributes?: Record<string, unknown>;
  /** Replace the group's NGFF content instead of merging into it (default false: keys not given are kept). */
  replace?: boolean;
  /** Refuse to write metadata with errors (default true). */
  validate?: boolean;
}

/**
 * Writes NGFF metadata as a group at `path` below the store root: for 0.4 a Zarr v2 group
 * (`.zattrs`, then `.zgroup` with zarr_format 2), for 0.5 a Zarr v3 `zarr.json` (node_type group,
 * attributes.ome). Content keys given replace the stored ones; others are kept unless `replace`.
 * Throws `NgffValidationError` (and writes nothing) when the result breaks the specification.
 * Returns the attributes written.
 */
export async function writeNgffAttributes(
  store: Store,
  path: string,
  content: NgffContent,
  version: NgffVersion,
  options: WriteNgffOptions = {},
): Promise<Record<string, unknown>> {
  const where = describe(store, path);
  const existing = await readGroupAttributes(store, path);
  const wantFormat = version === '0.4' ? 2 : 3;
  if (existing && existing.zarrFormat !== wantFormat) {
    throw new NgffFormatError(
      where,
      `the group is Zarr v${existing.zarrFormat} but NGFF ${version} needs Zarr v${wantFormat}; write NGFF ${existing.zarrFormat === 2 ? '0.4' : '0.5'} or delete the group first`,
    );
  }
  const application: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(existing?.attributes ?? {})) {
    if (!NGFF_ATTRIBUTE_KEYS.includes(k)) application[k] = v;
  }
  Object.assign(application, options.otherAttributes ?? {});
  const previous = existing && !options.replace ? fromNgffAttributes(existing.attributes).content : {};
  const merged: NgffContent = { ...previous };
  for (const [k, v] of Object.entries(content) as [keyof NgffContent, unknown][]) {
    if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  }
  const attributes = { ...application, ...toNgffAttributes(merged, version) };

  if (options.validate ?? true) {
    const problems = merged.multiscales
      ? validateMultiscales(attributes, version)
      : merged.imageLabel
        ? validateLabelAttributes(attributes, version)
        : validateMultiscales(attributes, version).filter((p) => !/multiscales$/.test(p.path));
    if (problems.some((p) => p.severity === 'error')) throw new NgffValidationError(where, problems);
  }

  if (version === '0.4') {
    await writeJson(store, joinKey(path, '.zattrs'), attributes);
    // .zgroup last: the group is visible to readers only once its attributes are in place.
    await writeJson(store, joinKey(path, '.zgroup'), { zarr_format: 2 });
  } else {
    await writeJson(store, joinKey(path, 'zarr.json'), { zarr_format: 3, node_type: 'group', attributes });
  }
  return attributes;
}
