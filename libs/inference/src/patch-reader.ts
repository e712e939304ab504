/**
 * Reads one patch from a volume into a model input buffer: the box is clipped to the volume, converted
 * to float32, checked for NaN/Inf, tested for homogeneity (skip-empty), normalized per channel over the
 * voxels that exist, and placed into the zero-padded patch — so padding is 0 in normalized space, as
 * nnU-Net does, and never enters the statistics.
 */
import { NonFiniteInputError, findNonFinite, normalizeInPlace, type NormalizationParams } from '@voxelflow/normalization';
import { chunksTouched, copyBox, isHomogeneous } from '@voxelflow/tiling';
import { float16ToFloat32, type Volume } from '@voxelflow/volume-io';

/** Options of {@link PatchReader}. */
export interface PatchReaderOptions {
  /** The input volume. */
  volume: Volume;
  /** Spatial shape (Z, Y, X) of the volume. */
  spatialShape: readonly number[];
  /** Input channels: 1 for (Z, Y, X) volumes, C for (C, Z, Y, X). */
  channels: number;
  /** Patch size (Z, Y, X). */
  patchSize: readonly number[];
  /** The resolved normalization applied to each patch. */
  normalization: NormalizationParams;
  /** Report homogeneous patches as empty (Vesuvius' skip-empty rule: min == max). */
  skipEmpty: boolean;
}

const FLOAT_DTYPES = new Set(['float16', 'float32', 'float64']);

/** Reads normalized, zero-padded patches from a volume (see the module comment). */
export class PatchReader {
  private readonly patchVoxels: number;
  private readonly channelPrefix: boolean;
  /** Float32 scratch buffers of one patch, reused across reads (reads of one batch run concurrently). */
  private readonly pool: Float32Array[] = [];

  constructor(private readonly o: PatchReaderOptions) {
    this.patchVoxels = o.patchSize.reduce((a, b) => a * b, 1);
    this.channelPrefix = o.volume.shape.length === o.spatialShape.length + 1;
  }

  /**
   * True when every input chunk the patch touches is absent from the store: the patch is fill value
   * throughout and needs no read. Only meaningful when skip-empty is on.
   */
  async isKnownEmpty(start: readonly number[]): Promise<boolean> {
    if (!this.o.skipEmpty) return false;
    const chunkShape = this.o.volume.chunkShape.slice(this.channelPrefix ? 1 : 0);
    const chunks = chunksTouched(start, this.o.patchSize, chunkShape, this.o.spatialShape);
    for (const c of chunks) {
      const coords = this.channelPrefix ? [0, ...c] : c;
      if (await this.o.volume.hasChunk(coords)) return false;
    }
    return true;
  }

  /** Fills `dst` ([C, ...patch]) with the normalized, padded patch at `start`; false when empty. */
  async read(start: readonly number[], dst: Float32Array): Promise<boolean> {
    const { spatialShape, patchSize, channels } = this.o;
    const lo = start.map((s) => Math.max(0, s));
    const hi = start.map((s, a) => Math.min(spatialShape[a]!, s + patchSize[a]!));
    const size = hi.map((h, a) => h - lo[a]!);
    const box = this.channelPrefix ? { start: [0, ...lo], stop: [channels, ...hi] } : { start: lo, stop: hi };
    const nd = await this.o.volume.read(box);
    const n = nd.data.length;
    const buf = this.take(n);
    try {
      const values = buf.subarray(0, n);
      if (this.o.volume.dtype === 'float16') float16ToFloat32(nd.data as Uint16Array, values);
      else values.set(nd.data as ArrayLike<number>);
      if (FLOAT_DTYPES.has(this.o.volume.dtype)) {
        const bad = findNonFinite(values);
        if (bad >= 0) {
          throw new NonFiniteInputError(
            `${this.o.volume.url} holds ${values[bad]} in the patch at z,y,x ${start.join(',')}; replace NaN/Inf in the input (e.g. with 0) before inference`,
          );
        }
      }
      // Vesuvius' rule: empty when the first ≤ 3 channels are each constant.
      const checked = Math.min(3, channels);
      if (this.o.skipEmpty && isHomogeneous(values.subarray(0, (n / channels) * checked), checked)) return false;
      normalizeInPlace(values, this.o.normalization, { channels });
      const full = size.every((s, a) => s === patchSize[a]);
      if (full) {
        dst.set(values);
      } else {
        dst.fill(0);
        const offset = lo.map((l, a) => l - start[a]!);
        copyBox(values, [channels, ...size], [0, 0, 0, 0], dst, [channels, ...patchSize], [0, ...offset], [channels, ...size]);
      }
      return true;
    } finally {
      this.pool.push(buf);
    }
  }

  private take(n: number): Float32Array {
    const buf = this.pool.pop();
    if (buf && buf.length >= n) return buf;
    return new Float32Array(Math.max(n, this.patchVoxels * this.o.channels));
  }
}
