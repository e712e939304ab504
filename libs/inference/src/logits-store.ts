/**
 * The Vesuvius data contract for patch logits, per part:
 * - `logits_part_{id}.zarr` — (N, C, pz, py, px) float16, one chunk per patch, Blosc-zstd 3 + shuffle,
 *   '.'-separated v2 keys; empty (skipped) patches are not stored;
 * - `coordinates_part_{id}.zarr` — (N, 3) int32 patch starts (z, y, x);
 * - attributes `patch_size`, `overlap`, `part_id`, `num_parts`, `original_volume_shape` and the full
 *   run configuration under `voxelflow`.
 * N counts this part's patches in row-major grid order; a patch's slot is its position in that order.
 * A part is complete when its logits attributes say `complete: true` (written last).
 */
import { createHash } from 'node:crypto';
import { openStore } from '@voxelflow/remote-storage';
import { createVolume, float32ToFloat16, openVolume, type Volume, type ZarrCodec, type ZarrVolume } from '@voxelflow/volume-io';
import { OutputConflictError } from './errors';
import type { PatchResult, PatchSink } from './sink';

/** Name of part `id`'s logits store. */
export function logitsPartName(partId: number): string {
  return `logits_part_${partId}.zarr`;
}

/** Name of part `id`'s coordinates store. */
export function coordinatesPartName(partId: number): string {
  return `coordinates_part_${partId}.zarr`;
}

/** The attributes VoxelFlow writes on a logits part (Vesuvius' keys plus `voxelflow`). */
export interface LogitsPartAttributes {
  /** Patch size (Z, Y, X). */
  patch_size: number[];
  /** Overlap fraction of the grid. */
  overlap: number;
  /** This part's id. */
  part_id: number;
  /** Number of parts of the run. */
  num_parts: number;
  /** Spatial shape (Z, Y, X) of the input volume. */
  original_volume_shape: number[];
  /** The run configuration and its hash; a rerun with another hash is refused. */
  voxelflow: {
    /** The run configuration record. */
    config: Record<string, unknown>;
    /** sha256 of the configuration's canonical JSON. */
    config_hash: string;
    /** True once every patch of the part is stored (written last). */
    complete?: boolean;
    /** Patches of the part skipped as empty. */
    skipped_empty?: number;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** sha256 of a configuration record's canonical JSON (keys sorted), hex. */
export function configHash(config: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256').update(JSON.stringify(canon(config))).digest('hex');
}

/** Compressor choices of `--zarr-compressor` (inside Blosc, as Vesuvius), or none. */
export type LogitsCompressor = 'zstd' | 'lz4' | 'zlib' | 'none';

/** The Zarr codec of logits: Blosc with `compressor` at `level` and byte shuffle, or none (level 0 too). */
export function logitsCodec(compressor: LogitsCompressor = 'zstd', level = 3): ZarrCodec {
  return compressor === 'none' || level === 0 ? { name: 'none' } : { name: 'blosc', cname: compressor, clevel: level, shuffle: 'shuffle' };
}

/** Options of {@link LogitsPartWriter.open}. */
export interface LogitsPartOptions {
  /** Folder (path or URL) that receives the part's two stores. */
  outputDir: string;
  /** This part's id. */
  partId: number;
  /** Number of parts of the run. */
  numParts: number;
  /** Global patch indices of this part in row-major order (slot i = indices[i]). */
  indices: Uint32Array;
  /** Starts of those patches, (N, 3) row-major. */
  starts: Int32Array;
  /** Logit channels C. */
  channels: number;
  /** Patch size (Z, Y, X). */
  patchSize: number[];
  /** Overlap fraction of the grid. */
  overlap: number;
  /** Spatial shape (Z, Y, X) of the input volume. */
  volumeShape: number[];
  /** The run configuration record; its hash decides whether an existing part can be resumed. */
  config: Record<string, unknown>;
  /** Compression of the logits. */
  codec: ZarrCodec;
  /** Replace a part made with another configuration (default false: refused). */
  overwrite?: boolean;
  /** Writes in flight at once (backpressure towards slow object stores). */
  maxPendingWrites?: number;
}

/** Writes predicted patches into a part's logits store; resumes an unfinished one. */
export class LogitsPartWriter implements PatchSink {
  /** Uncompressed float16 bytes of logits written by this writer. */
  bytesWritten = 0;
  /** Patches this writer recorded as empty (not stored). */
  skippedEmpty = 0;
  private readonly slotOf = new Map<number, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly f16: Uint16Array;
  private failure: unknown;

  private constructor(
    private readonly o: LogitsPartOptions,
    /** The part's logits array (N, C, pz, py, px). */
    readonly logits: ZarrVolume,
    /** The part's coordinates array (N, 3). */
    readonly coordinates: ZarrVolume,
    private readonly attributes: LogitsPartAttributes,
    /** Whether the part already existed (this run resumes it). */
    readonly resumed: boolean,
  ) {
    o.indices.forEach((g, i) => this.slotOf.set(g, i));
    this.f16 = new Uint16Array(o.channels * o.patchSize.reduce((a, b) => a * b, 1));
  }

  /** Creates (or reopens, for a rerun with the same configuration) the part's two stores. */
  static async open(o: LogitsPartOptions): Promise<LogitsPartWriter> {
    const hash = configHash(o.config);
    const logitsUrl = joinUrl(o.outputDir, logitsPartName(o.partId));
    const coordsUrl = joinUrl(o.outputDir, coordinatesPartName(o.partId));
    const attributes: LogitsPartAttributes = {
      patch_size: o.patchSize,
      overlap: o.overlap,
      part_id: o.partId,
      num_parts: o.numParts,
      original_volume_shape: o.volumeShape,
      voxelflow: { config: o.config, config_hash: hash, complete: false },
    };
    const n = o.indices.length;
    let existing: Volume | undefined;
    try {
      existing = await openVolume(logitsUrl, { format: 'zarr2' });
    } catch {
      existing = undefined;
    }
    const previous = existing?.attributes['voxelflow'] as { config_hash?: string; complete?: boolean } | undefined;
    if (existing && !o.overwrite && previous?.config_hash !== hash) {
      throw new OutputConflictError(
        `${logitsUrl} was made with a different configuration; use another --output-dir, or pass --overwrite to replace it`,
      );
    }
    const resumed = Boolean(existing) && !o.overwrite;
    const logits = await createVolume(logitsUrl, {
      format: 'zarr2',
      shape: [n, o.channels, ...o.patchSize],
      dtype: 'float16',
      chunkShape: [1, o.channels, ...o.patchSize],
      codec: o.codec,
      fillValue: 0,
      dimensionSeparator: '.',
      overwrite: Boolean(o.overwrite),
      // A computed patch is stored even if its logits happen to be all zero: absence means "empty".
      writeEmptyChunks: true,
      attributes: resumed ? existing!.attributes : attributes,
    });
    const coordsChunk = Math.max(1, Math.min(n, 4096));
    const coordinates = await createVolume(coordsUrl, {
      format: 'zarr2',
      shape: [n, 3],
      dtype: 'int32',
      chunkShape: [coordsChunk, 3],
      codec: logitsCodec('zstd', 3),
      fillValue: 0,
      dimensionSeparator: '.',
      overwrite: Boolean(o.overwrite),
      writeEmptyChunks: true,
      attributes: { part_id: o.partId, num_parts: o.numParts, bbox: bboxOf(o.starts, o.patchSize) },
    });
    if (n > 0) await coordinates.write({ start: [0, 0], stop: [n, 3] }, { data: o.starts, shape: [n, 3] });
    return new LogitsPartWriter(o, logits, coordinates, attributes, resumed);
  }

  /** Global indices whose logits are already stored (a resumed run skips them). */
  async completed(): Promise<ReadonlySet<number>> {
    const done = new Set<number>();
    if (!this.resumed) return done;
    this.logits.refreshChunkList();
    const zeros = new Array<number>(1 + this.o.patchSize.length).fill(0);
    for (let i = 0; i < this.o.indices.length; i++) {
      if (await this.logits.hasChunk([i, ...zeros])) done.add(this.o.indices[i]!);
    }
    return done;
  }

  async write(results: readonly PatchResult[]): Promise<void> {
    if (this.failure) throw this.failure;
    const { channels, patchSize } = this.o;
    for (const r of results) {
      if (!r.logits) {
        this.skippedEmpty++;
        continue;
      }
      const slot = this.slotOf.get(r.index);
      if (slot === undefined) throw new RangeError(`patch ${r.index} is not part ${this.o.partId}'s`);
      // Encode now (the caller reuses its buffer), then let the store write run in the background.
      const data = float32ToFloat16(r.logits, new Uint16Array(this.f16.length));
      const box = { start: [slot, 0, 0, 0, 0], stop: [slot + 1, channels, ...patchSize] };
      const p = this.logits
        .write(box, { data, shape: [1, channels, ...patchSize] })
        .then(() => {
          this.bytesWritten += data.byteLength;
        })
        .catch((e: unknown) => {
          this.failure ??= e;
        })
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
      if (this.pending.size >= (this.o.maxPendingWrites ?? 8)) await Promise.race(this.pending);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure;
    const attrs = { ...this.logits.attributes, ...this.attributes };
    attrs.voxelflow = { ...this.attributes.voxelflow, complete: true, skipped_empty: this.skippedEmpty };
    await this.logits.setAttributes(attrs);
  }
}

function bboxOf(starts: Int32Array, patchSize: readonly number[]) {
  const n = starts.length / 3;
  if (n === 0) return null;
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a]!, starts[i * 3 + a]!);
      max[a] = Math.max(max[a]!, starts[i * 3 + a]! + patchSize[a]!);
    }
  }
  return { z_min: min[0], z_max: max[0], y_min: min[1], y_max: max[1], x_min: min[2], x_max: max[2] };
}

/** Joins a directory URL or path and a name. */
export function joinUrl(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/**
 * Part ids found in a predict output directory (`logits_part_{id}.zarr` with its coordinates beside
 * it). Reads `num_parts` from any part's attributes and probes each id, so a directory holding
 * millions of chunk files is never listed; falls back to a listing when part 0 is absent.
 */
export async function listLogitsParts(outputDir: string): Promise<number[]> {
  const store = await openStore(outputDir);
  const exists = async (id: number) =>
    (await store.head(`${logitsPartName(id)}/.zarray`)) !== undefined &&
    (await store.head(`${coordinatesPartName(id)}/.zarray`)) !== undefined;
  const zattrs = await store.get(`${logitsPartName(0)}/.zattrs`);
  if (zattrs) {
    const numParts = Number((JSON.parse(new TextDecoder().decode(zattrs)) as { num_parts?: number }).num_parts ?? 1);
    const ids: number[] = [];
    for (let id = 0; id < numParts; id++) if (await exists(id)) ids.push(id);
    return ids;
  }
  const ids = new Set<number>();
  for (const k of await store.list('')) {
    const m = /^logits_part_(\d+)\.zarr\/\.zarray$/.exec(k);
    if (m) ids.add(Number(m[1]));
  }
  const out: number[] = [];
  for (const id of [...ids].sort((a, b) => a - b)) if (await exists(id)) out.push(id);
  return out;
}
