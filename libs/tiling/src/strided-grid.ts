/**
 * The fixed-stride sliding-window grid of itk_infer (`slide_inference_3d`) and MONAI
 * (`sliding_window_inference`): windows every `stride` voxels, the last one snapped to the end of the
 * axis. {@link PatchGrid} spreads its windows evenly (nnU-Net), so it cannot express this grid.
 */
import { TilingArgumentError } from './errors';
import type { Padding } from './patch-grid';

function checkAxis(size: number, patch: number, stride: number): void {
  for (const [what, v] of [
    ['volume size', size],
    ['patch size', patch],
    ['stride', stride],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new TilingArgumentError(`${what} must be a positive integer, got ${v}`);
  }
  if (stride > patch) {
    throw new TilingArgumentError(
      `stride ${stride} is larger than the patch ${patch}: voxels between windows would get no prediction; use a stride ≤ the patch size`,
    );
  }
}

/**
 * Window starts along one axis with a fixed stride: n = ceil((D − P) / S) + 1 windows, start i =
 * min(i·S, D − P), so the last window ends exactly at the end of the axis. `size ≤ patch` gives `[0]`
 * (the caller pads the axis to the patch size).
 *
 * Examples (§F of the reference): (200, 128, 64) → [0, 64, 72]; (193, 128, 64) → [0, 64, 65];
 * (7, 3, 1) → [0, 1, 2, 3, 4].
 *
 * @param size - extent of the volume along the axis (voxels)
 * @param patch - extent of the window (voxels)
 * @param stride - distance between window starts (voxels), 1 ≤ stride ≤ patch
 * @returns ascending starts; the first is 0 and, when size > patch, the last is size − patch
 * @throws {@link TilingArgumentError} on non-positive or fractional values, or a stride larger than the patch
 */
export function computeStridedSteps(size: number, patch: number, stride: number): number[] {
  checkAxis(size, patch, stride);
  if (size <= patch) return [0];
  const span = size - patch;
  const n = Math.ceil(span / stride) + 1;
  const steps = new Array<number>(n);
  for (let i = 0; i < n; i++) steps[i] = Math.min(i * stride, span);
  return steps;
}

/** Per-axis window starts of a strided grid, and the padding that axes smaller than the patch need. */
export interface StridedGrid {
  /** Window starts per axis in volume coordinates; negative only on centre-padded axes. */
  readonly positions: number[][];
  /** Padding voxels before the data per axis (0 unless the axis is smaller than the patch). */
  readonly padBefore: number[];
  /** Padding voxels after the data per axis. */
  readonly padAfter: number[];
  /** max(shape, patchSize) per axis: the extent the windows cover. */
  readonly paddedShape: number[];
  /** Total number of windows (the product of the per-axis counts). */
  readonly count: number;
}

/**
 * The strided grid of a whole volume: {@link computeStridedSteps} on every axis. An axis smaller than
 * the patch gets one window; with `'center'` padding (itk_infer, MONAI) ⌊(P − D)/2⌋ voxels go before
 * the data and that window starts at −⌊(P − D)/2⌋, with `'end'` padding it starts at 0. Windows are
 * meant to be visited row-major (axis 0 outermost), as itk_infer does.
 *
 * @param shape - spatial extent of the volume, e.g. (Z, Y, X)
 * @param patchSize - window extent, same axes
 * @param stride - distance between window starts per axis, 1 ≤ stride ≤ patch
 * @param padding - placement of volumes smaller than the patch; default `'center'`
 * @throws {@link TilingArgumentError} on mismatched ranks or invalid sizes
 */
export function stridedGrid(
  shape: readonly number[],
  patchSize: readonly number[],
  stride: readonly number[],
  padding: Padding = 'center',
): StridedGrid {
  if (shape.length === 0 || patchSize.length !== shape.length || stride.length !== shape.length) {
    throw new TilingArgumentError(
      `volume shape [${shape.join(', ')}], patch size [${patchSize.join(', ')}] and stride [${stride.join(', ')}] must have the same, non-zero number of axes`,
    );
  }
  const positions: number[][] = [];
  const padBefore: number[] = [];
  const padAfter: number[] = [];
  const paddedShape: number[] = [];
  let count = 1;
  for (let a = 0; a < shape.length; a++) {
    const d = shape[a]!;
    const p = patchSize[a]!;
    const steps = computeStridedSteps(d, p, stride[a]!);
    const diff = Math.max(0, p - d);
    const before = padding === 'center' ? Math.floor(diff / 2) : 0;
    padBefore.push(before);
    padAfter.push(diff - before);
    paddedShape.push(Math.max(d, p));
    positions.push(before > 0 ? steps.map((s) => s - before) : steps);
    count *= steps.length;
  }
  return { positions, padBefore, padAfter, paddedShape, count };
}
