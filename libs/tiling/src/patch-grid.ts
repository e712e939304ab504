import type { Box } from './box';
import { computeStepsForStepFraction, stepFractionFromOverlap, STEP_RULES, type StepRule } from './compute-steps';
import { TilingArgumentError } from './errors';
import { PatchList } from './patch-list';

/**
 * Where a volume smaller than the patch sits inside the padded patch, per axis.
 *
 * - `'center'` — nnU-Net's `pad_nd_image`, MONAI and itk_infer: ⌊(P − D)/2⌋ before, the rest after.
 *   The patch start on that axis is then negative (−⌊(P − D)/2⌋).
 * - `'end'` — all padding after the data; every start is ≥ 0.
 */
export type Padding = 'center' | 'end';

/**
 * Order in which a {@link PatchList} visits its patches.
 *
 * - `'zyx'` — row-major over the grid (axis 0 outermost), the order nnU-Net and villa enumerate.
 * - `'morton'` — Z-order over the input-chunk index of each patch start (axis 0 most significant),
 *   ties in row-major order, so consecutive patches reuse the same input chunks from a cache.
 */
export type PatchOrder = 'zyx' | 'morton';

/** Options of {@link PatchGrid}. */
export interface PatchGridOptions {
  /** Spatial extent of the volume, e.g. [Z, Y, X] or [H, W]. */
  readonly shape: readonly number[];
  /** Patch extent, same axes as `shape`. */
  readonly patchSize: readonly number[];
  /** Fraction of a patch shared with its neighbour, in [0, 1). 0.5 is nnU-Net's default. */
  readonly overlap: number;
  /** Target-step formula; default `'nnunet'`. */
  readonly stepRule?: StepRule;
  /** Placement of a volume smaller than the patch; default `'center'` (nnU-Net). */
  readonly padding?: Padding;
}

/** A JSON-serializable record of a grid, for run metadata (`metadata.json`, zarr attributes). */
export interface PatchGridDescription {
  /** Spatial extent of the volume. */
  shape: number[];
  /** Patch extent, same axes. */
  patchSize: number[];
  /** Overlap fraction the grid was built with. */
  overlap: number;
  /** Target step as a fraction of the patch (1 − overlap). */
  stepFraction: number;
  /** The step formula used. */
  stepRule: StepRule;
  /** Placement of axes smaller than the patch. */
  padding: Padding;
  /** Patch starts per axis, ascending. */
  positions: number[][];
  /** Number of patches in the grid (the product of the position counts). */
  count: number;
}

/** Half-open per-axis ranges of grid position indices: positions `lo[a] ≤ k < hi[a]` on axis a. */
export interface GridRange {
  /** First position index per axis (inclusive). */
  readonly lo: number[];
  /** Last position index per axis (exclusive). */
  readonly hi: number[];
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The global sliding-window grid of a volume: nnU-Net's patch starts on every axis and their product.
 *
 * A grid depends only on the volume shape, patch size, overlap and rule — never on a region of
 * interest — so a `--bbox` run ({@link PatchGrid.restrictTo}) and every part
 * ({@link PatchGrid.part}) see exactly the patches of a full run. Patches are numbered row-major
 * (axis 0 outermost); that number is the patch's global index.
 *
 * Axes smaller than the patch get a single position and are padded (see {@link Padding}); `patch()`
 * then returns a start that may be negative, and {@link PatchGrid.paddedShape} gives the extent the
 * grid was computed on.
 */
export class PatchGrid implements Iterable<number[]> {
  /** Number of spatial axes. */
  readonly ndim: number;
  /** Spatial extent of the volume. */
  readonly shape: readonly number[];
  /** Patch extent. */
  readonly patchSize: readonly number[];
  /** Overlap fraction the grid was built with. */
  readonly overlap: number;
  /** nnU-Net's `step_size` derived from the overlap (see {@link stepFractionFromOverlap}). */
  readonly stepFraction: number;
  /** Target-step formula used. */
  readonly stepRule: StepRule;
  /** Placement of volumes smaller than the patch. */
  readonly padding: Padding;
  /** Patch starts per axis, ascending, in volume coordinates (negative only on centre-padded axes). */
  readonly positions: readonly (readonly number[])[];
  /** Number of positions per axis. */
  readonly gridShape: readonly number[];
  /** Total number of patches. */
  readonly count: number;
  /** Per-axis extent the grid was computed on: max(shape, patchSize). */
  readonly paddedShape: readonly number[];
  /** Padding voxels before the data per axis (0 unless the axis is smaller than the patch). */
  readonly padBefore: readonly number[];
  /** Padding voxels after the data per axis. */
  readonly padAfter: readonly number[];
  private readonly gridStrides: number[];

  /**
   * @param options - volume shape, patch size, overlap, and optionally the step rule and padding
   * @throws {@link TilingArgumentError} on mismatched ranks, non-positive sizes, an overlap outside
   *   [0, 1), or a grid of 2^32 patches or more
   */
  constructor(options: PatchGridOptions) {
    const { shape, patchSize, overlap } = options;
    const stepRule = options.stepRule ?? 'nnunet';
    const padding = options.padding ?? 'center';
    if (shape.length === 0 || shape.length !== patchSize.length) {
      throw new TilingArgumentError(
        `volume shape [${shape.join(', ')}] and patch size [${patchSize.join(', ')}] must have the same, non-zero number of axes`,
      );
    }
    if (!STEP_RULES.includes(stepRule)) {
      throw new TilingArgumentError(`unknown step rule '${String(stepRule)}': use one of ${STEP_RULES.join(', ')}`);
    }
    if (padding !== 'center' && padding !== 'end') {
      throw new TilingArgumentError(`unknown padding '${String(padding)}': use 'center' or 'end'`);
    }
    this.ndim = shape.length;
    this.shape = Object.freeze([...shape]);
    this.patchSize = Object.freeze([...patchSize]);
    this.overlap = overlap;
    this.stepFraction = stepFractionFromOverlap(overlap);
    this.stepRule = stepRule;
    this.padding = padding;
    const positions: number[][] = [];
    const padBefore: number[] = [];
    const padAfter: number[] = [];
    for (let a = 0; a < this.ndim; a++) {
      const d = shape[a]!;
      const p = patchSize[a]!;
      const steps = computeStepsForStepFraction(d, p, this.stepFraction, stepRule);
      const diff = Math.max(0, p - d);
      const before = padding === 'center' ? Math.floor(diff / 2) : 0;
      padBefore.push(before);
      padAfter.push(diff - before);
      positions.push(before > 0 ? steps.map((s) => s - before) : steps);
    }
    this.positions = Object.freeze(positions.map((p) => Object.freeze(p)));
    this.padBefore = Object.freeze(padBefore);
    this.padAfter = Object.freeze(padAfter);
    this.gridShape = Object.freeze(positions.map((p) => p.length));
    this.paddedShape = Object.freeze(shape.map((d, a) => Math.max(d, patchSize[a]!)));
    let count = 1;
    this.gridStrides = new Array<number>(this.ndim);
    for (let a = this.ndim - 1; a >= 0; a--) {
      this.gridStrides[a] = count;
      count *= this.gridShape[a]!;
    }
    if (count > 0xffffffff) {
      throw new TilingArgumentError(
        `grid of ${count} patches is too large (limit 2^32 − 1): use a larger patch, a smaller overlap, or a --bbox`,
      );
    }
    this.count = count;
  }

  /** True if some axis is smaller than the patch, so patches must be padded on read and cropped on write. */
  get needsPadding(): boolean {
    return this.padBefore.some((p, a) => p + this.padAfter[a]! > 0);
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new TilingArgumentError(`patch index must be an integer in [0, ${this.count - 1}], got ${index}`);
    }
  }

  /**
   * Grid coordinates (position index per axis) of a patch.
   *
   * @param index - global patch index
   * @throws {@link TilingArgumentError} if the index is out of range
   */
  gridCoords(index: number): number[] {
    this.checkIndex(index);
    const coords = new Array<number>(this.ndim);
    let rest = index;
    for (let a = 0; a < this.ndim; a++) {
      const s = this.gridStrides[a]!;
      coords[a] = Math.floor(rest / s);
      rest -= coords[a]! * s;
    }
    return coords;
  }

  /**
   * Global index of the patch at the given grid coordinates.
   *
   * @param coords - position index per axis
   * @throws {@link TilingArgumentError} if a coordinate is out of range
   */
  indexOf(coords: readonly number[]): number {
    if (coords.length !== this.ndim) {
      throw new TilingArgumentError(`grid coordinates need ${this.ndim} axes, got [${coords.join(', ')}]`);
    }
    let index = 0;
    for (let a = 0; a < this.ndim; a++) {
      const c = coords[a]!;
      if (!Number.isInteger(c) || c < 0 || c >= this.gridShape[a]!) {
        throw new TilingArgumentError(
          `grid coordinate ${c} on axis ${a} is outside [0, ${this.gridShape[a]! - 1}]`,
        );
      }
      index += c * this.gridStrides[a]!;
    }
    return index;
  }

  /**
   * Start of a patch in volume coordinates.
   *
   * @param index - global patch index
   * @returns one start per axis (negative only on centre-padded axes)
   */
  patch(index: number): number[] {
    const coords = this.gridCoords(index);
    for (let a = 0; a < this.ndim; a++) coords[a] = this.positions[a]![coords[a]!]!;
    return coords;
  }

  /**
   * The box a patch covers in volume coordinates (may extend outside the volume on padded axes).
   *
   * @param index - global patch index
   */
  patchBox(index: number): Box {
    const start = this.patch(index);
    return { start, stop: start.map((s, a) => s + this.patchSize[a]!) };
  }

  /** Iterates over every patch start in row-major order. */
  *[Symbol.iterator](): IterableIterator<number[]> {
    for (let i = 0; i < this.count; i++) yield this.patch(i);
  }

  /** Every patch, in row-major order. */
  all(): PatchList {
    const indices = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) indices[i] = i;
    return new PatchList(this, indices);
  }

  /**
   * The grid positions whose patches intersect a box, as half-open index ranges per axis.
   *
   * @param box - half-open box inside the volume
   * @returns the ranges, or null if no patch intersects (cannot happen for a valid box)
   * @throws {@link TilingArgumentError} if the box is empty or not inside the volume
   */
  intersectingRange(box: Box): GridRange | null {
    this.checkBox(box);
    const lo: number[] = [];
    const hi: number[] = [];
    for (let a = 0; a < this.ndim; a++) {
      const pos = this.positions[a]!;
      // Patch k intersects [b0, b1) iff pos[k] + P > b0 and pos[k] < b1.
      const l = lowerBound(pos, box.start[a]! - this.patchSize[a]! + 1);
      const h = lowerBound(pos, box.stop[a]!);
      if (l >= h) return null;
      lo.push(l);
      hi.push(h);
    }
    return { lo, hi };
  }

  /**
   * Number of patches of the global grid that intersect a box (e.g. an output chunk), without
   * enumerating them.
   *
   * @param box - half-open box inside the volume
   */
  countIntersecting(box: Box): number {
    const r = this.intersectingRange(box);
    if (r === null) return 0;
    let n = 1;
    for (let a = 0; a < this.ndim; a++) n *= r.hi[a]! - r.lo[a]!;
    return n;
  }

  /**
   * The patches of the global grid that intersect a box, in row-major order — what a `--bbox` run
   * processes, so its voxels inside the box equal a full run's.
   *
   * @param box - half-open box inside the volume
   * @throws {@link TilingArgumentError} if the box is empty or not inside the volume
   */
  restrictTo(box: Box): PatchList {
    const r = this.intersectingRange(box);
    if (r === null) return new PatchList(this, new Uint32Array(0));
    let n = 1;
    for (let a = 0; a < this.ndim; a++) n *= r.hi[a]! - r.lo[a]!;
    const indices = new Uint32Array(n);
    const coords = [...r.lo];
    for (let i = 0; i < n; i++) {
      let index = 0;
      for (let a = 0; a < this.ndim; a++) index += coords[a]! * this.gridStrides[a]!;
      indices[i] = index;
      for (let a = this.ndim - 1; a >= 0; a--) {
        if (++coords[a]! < r.hi[a]!) break;
        coords[a] = r.lo[a]!;
      }
    }
    return new PatchList(this, indices);
  }

  /**
   * One of `numParts` balanced groups of whole axis-0 slabs of the grid (see {@link PatchList.part}).
   *
   * @param numParts - number of parts, ≥ 1
   * @param partId - which part, in [0, numParts)
   */
  part(numParts: number, partId: number): PatchList {
    return this.all().part(numParts, partId);
  }

  /**
   * Validates a box against the volume.
   *
   * @throws {@link TilingArgumentError} if the rank differs, the box is empty, or it leaves the volume
   */
  checkBox(box: Box): void {
    const text = `[${box.start.join(', ')}] .. [${box.stop.join(', ')}]`;
    if (box.start.length !== this.ndim || box.stop.length !== this.ndim) {
      throw new TilingArgumentError(`box ${text} must have ${this.ndim} axes like the volume [${this.shape.join(', ')}]`);
    }
    for (let a = 0; a < this.ndim; a++) {
      const s = box.start[a]!;
      const e = box.stop[a]!;
      if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > this.shape[a]! || s >= e) {
        throw new TilingArgumentError(
          `box ${text} must be non-empty and inside the volume [${this.shape.join(', ')}] (axis ${a}: need 0 ≤ start < stop ≤ ${this.shape[a]})`,
        );
      }
    }
  }

  /** A JSON-serializable description of the grid for run metadata. */
  toJSON(): PatchGridDescription {
    return {
      shape: [...this.shape],
      patchSize: [...this.patchSize],
      overlap: this.overlap,
      stepFraction: this.stepFraction,
      stepRule: this.stepRule,
      padding: this.padding,
      positions: this.positions.map((p) => [...p]),
      count: this.count,
    };
  }
}
