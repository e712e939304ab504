import type { GridRange } from './patch-grid';
import { TilingArgumentError } from './errors';
import type { NumericArray } from './numeric-array';

function checkRanks(start: readonly number[], patchSize: readonly number[], chunkShape: readonly number[], volumeShape: readonly number[]): void {
  const n = volumeShape.length;
  if (start.length !== n || patchSize.length !== n || chunkShape.length !== n) {
    throw new TilingArgumentError(
      `start [${start.join(', ')}], patch [${patchSize.join(', ')}], chunk [${chunkShape.join(', ')}] and volume [${volumeShape.join(', ')}] must have the same number of axes`,
    );
  }
  for (let a = 0; a < n; a++) {
    if (!(chunkShape[a]! >= 1)) throw new TilingArgumentError(`chunk shape [${chunkShape.join(', ')}] must be positive`);
  }
}

/**
 * The input chunks a patch reads, as half-open per-axis ranges of chunk-grid indices.
 *
 * The patch box is clipped to the volume first (padding reads no chunk).
 *
 * @param start - patch start in volume coordinates (may be negative on padded axes)
 * @param patchSize - patch extent
 * @param chunkShape - the input array's chunk shape
 * @param volumeShape - the input array's shape
 * @returns chunk index ranges, or null if the patch lies entirely outside the volume
 */
export function chunkRangeTouched(
  start: readonly number[],
  patchSize: readonly number[],
  chunkShape: readonly number[],
  volumeShape: readonly number[],
): GridRange | null {
  checkRanks(start, patchSize, chunkShape, volumeShape);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let a = 0; a < volumeShape.length; a++) {
    const s = Math.max(0, start[a]!);
    const e = Math.min(volumeShape[a]!, start[a]! + patchSize[a]!);
    if (s >= e) return null;
    lo.push(Math.floor(s / chunkShape[a]!));
    hi.push(Math.floor((e - 1) / chunkShape[a]!) + 1);
  }
  return { lo, hi };
}

/**
 * Every input chunk a patch reads, as chunk-grid indices in row-major order.
 *
 * Used for skip-empty: when none of them is stored (Zarr omits all-fill chunks), the patch is empty
 * without reading any data.
 *
 * @param start - patch start in volume coordinates (may be negative on padded axes)
 * @param patchSize - patch extent
 * @param chunkShape - the input array's chunk shape
 * @param volumeShape - the input array's shape
 * @returns chunk indices (empty if the patch lies outside the volume)
 */
export function chunksTouched(
  start: readonly number[],
  patchSize: readonly number[],
  chunkShape: readonly number[],
  volumeShape: readonly number[],
): number[][] {
  const r = chunkRangeTouched(start, patchSize, chunkShape, volumeShape);
  if (r === null) return [];
  const out: number[][] = [];
  const c = [...r.lo];
  const nd = c.length;
  for (;;) {
    out.push([...c]);
    let a = nd - 1;
    for (; a >= 0; a--) {
      if (++c[a]! < r.hi[a]!) break;
      c[a] = r.lo[a]!;
    }
    if (a < 0) return out;
  }
}

/**
 * Whether a buffer holds one value only (min == max) — villa's rule for an empty patch, applied to the
 * unpadded patch data. With `channels > 1` the buffer is `[C, …]` and it counts as homogeneous when
 * every channel is constant on its own.
 *
 * @param data - the values (an empty buffer counts as homogeneous)
 * @param channels - number of leading channels to test separately (default 1)
 * @throws {@link TilingArgumentError} if the length is not a multiple of `channels`
 */
export function isHomogeneous(data: NumericArray, channels = 1): boolean {
  if (!Number.isInteger(channels) || channels < 1 || data.length % channels !== 0) {
    throw new TilingArgumentError(`buffer of ${data.length} values cannot be split into ${channels} channels`);
  }
  const per = data.length / channels;
  for (let c = 0; c < channels; c++) {
    const base = c * per;
    const first = data[base];
    for (let i = base + 1; i < base + per; i++) {
      // `!==` on the first value also catches NaN, which is never homogeneous with anything.
      if (data[i] !== first) return false;
    }
  }
  return true;
}
