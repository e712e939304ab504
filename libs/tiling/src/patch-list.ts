import type { Box } from './box';
import { TilingArgumentError } from './errors';
import { compareMorton } from './morton';
import type { PatchGrid, PatchOrder } from './patch-grid';
import { checkPart, slabRangeForPart } from './slab-partition';

/** One patch of a {@link PatchList}: its global index in the grid and its start in volume coordinates. */
export interface PatchRef {
  /** Row-major index of the patch in the whole grid (the same in every part and selection). */
  readonly index: number;
  /** Patch start per axis in volume coordinates; negative on a centre-padded axis. */
  readonly start: number[];
}

/**
 * An ordered selection of a {@link PatchGrid}'s patches, held as global indices.
 *
 * Selections compose and never renumber: `grid.restrictTo(box).part(4, 1).ordered('morton', chunks)`
 * holds global indices of the same grid, so patches from different parts or runs can be matched.
 */
export class PatchList implements Iterable<PatchRef> {
  /**
   * @param grid - the grid the indices refer to
   * @param indices - global patch indices in visit order (not copied; treat as read-only)
   */
  constructor(
    readonly grid: PatchGrid,
    readonly indices: Uint32Array,
  ) {}

  /** Number of patches in the selection. */
  get length(): number {
    return this.indices.length;
  }

  /**
   * Global index of the i-th patch of the selection.
   *
   * @param i - position in the selection, in [0, length)
   */
  indexAt(i: number): number {
    const index = this.indices[i];
    if (index === undefined) {
      throw new TilingArgumentError(`position ${i} is outside the selection of ${this.length} patches`);
    }
    return index;
  }

  /**
   * Start (volume coordinates) of the i-th patch of the selection.
   *
   * @param i - position in the selection, in [0, length)
   */
  startAt(i: number): number[] {
    return this.grid.patch(this.indexAt(i));
  }

  /** Iterates over the selection in its order. */
  *[Symbol.iterator](): IterableIterator<PatchRef> {
    for (let i = 0; i < this.indices.length; i++) {
      const index = this.indices[i]!;
      yield { index, start: this.grid.patch(index) };
    }
  }

  /**
   * All starts as one C-order `(length, ndim)` int32 array — the layout of a `coordinates` zarr.
   */
  startsArray(): Int32Array {
    const nd = this.grid.ndim;
    const out = new Int32Array(this.indices.length * nd);
    for (let i = 0; i < this.indices.length; i++) {
      const s = this.grid.patch(this.indices[i]!);
      for (let a = 0; a < nd; a++) out[i * nd + a] = s[a]!;
    }
    return out;
  }

  /**
   * The patches of this selection for which `keep` returns true, order kept — e.g. dropping patches
   * whose input chunks are all absent (see `chunksTouched`).
   *
   * @param keep - called once per patch with its global index and start
   */
  filter(keep: (index: number, start: number[]) => boolean): PatchList {
    const out: number[] = [];
    for (let i = 0; i < this.indices.length; i++) {
      const index = this.indices[i]!;
      if (keep(index, this.grid.patch(index))) out.push(index);
    }
    return new PatchList(this.grid, Uint32Array.from(out));
  }

  /**
   * The patches of this selection that intersect a box, order kept.
   *
   * @param box - half-open box inside the volume
   * @throws {@link TilingArgumentError} if the box is empty or not inside the volume
   */
  restrictTo(box: Box): PatchList {
    const r = this.grid.intersectingRange(box);
    if (r === null) return new PatchList(this.grid, new Uint32Array(0));
    return this.filterByCoords((coords) => {
      for (let a = 0; a < coords.length; a++) {
        if (coords[a]! < r.lo[a]! || coords[a]! >= r.hi[a]!) return false;
      }
      return true;
    });
  }

  private filterByCoords(keep: (coords: number[]) => boolean): PatchList {
    const out: number[] = [];
    for (let i = 0; i < this.indices.length; i++) {
      const index = this.indices[i]!;
      if (keep(this.grid.gridCoords(index))) out.push(index);
    }
    return new PatchList(this.grid, Uint32Array.from(out));
  }

  /**
   * Part `partId` of `numParts`: the selection split into contiguous groups of whole axis-0 slabs
   * (a slab = all selected patches sharing one axis-0 position), balanced by patch count.
   *
   * The union over all part ids is the selection, without duplicates; no part is empty while
   * numParts ≤ the number of non-empty slabs. Order within the part is the selection's order.
   * Every worker that holds the same selection computes the same parts.
   *
   * @param numParts - number of parts, ≥ 1
   * @param partId - which part, in [0, numParts)
   * @throws {@link TilingArgumentError} on an invalid part count or id
   */
  part(numParts: number, partId: number): PatchList {
    checkPart(numParts, partId);
    const n0 = this.grid.gridShape[0]!;
    const slabStride = this.grid.count / n0;
    const perSlab = new Array<number>(n0).fill(0);
    for (let i = 0; i < this.indices.length; i++) perSlab[Math.floor(this.indices[i]! / slabStride)]!++;
    const slabs: number[] = [];
    const counts: number[] = [];
    for (let k = 0; k < n0; k++) {
      if (perSlab[k]! > 0) {
        slabs.push(k);
        counts.push(perSlab[k]!);
      }
    }
    const [first, last] = slabRangeForPart(counts, numParts, partId);
    if (first === last) return new PatchList(this.grid, new Uint32Array(0));
    const lo = slabs[first]! * slabStride;
    const hi = (slabs[last - 1]! + 1) * slabStride;
    const out: number[] = [];
    for (let i = 0; i < this.indices.length; i++) {
      const index = this.indices[i]!;
      if (index >= lo && index < hi) out.push(index);
    }
    return new PatchList(this.grid, Uint32Array.from(out));
  }

  /**
   * The same patches in another visit order.
   *
   * @param order - `'zyx'` (row-major) or `'morton'` (Z-order over input-chunk indices, ties row-major)
   * @param chunkShape - input chunk shape, required for `'morton'`; starts before 0 (centre padding)
   *   count as chunk 0
   * @throws {@link TilingArgumentError} if `'morton'` lacks a valid chunk shape
   */
  ordered(order: PatchOrder, chunkShape?: readonly number[]): PatchList {
    if (order === 'zyx') return new PatchList(this.grid, this.indices.slice().sort());
    if (order !== 'morton') {
      throw new TilingArgumentError(`unknown patch order '${String(order)}': use 'zyx' or 'morton'`);
    }
    const nd = this.grid.ndim;
    if (!chunkShape || chunkShape.length !== nd || chunkShape.some((c) => !Number.isInteger(c) || c < 1)) {
      throw new TilingArgumentError(
        `morton patch order needs the input chunk shape as ${nd} positive integers, got ${chunkShape ? `[${chunkShape.join(', ')}]` : 'none'}`,
      );
    }
    const n = this.indices.length;
    const chunk = new Int32Array(n * nd);
    for (let i = 0; i < n; i++) {
      const s = this.grid.patch(this.indices[i]!);
      for (let a = 0; a < nd; a++) chunk[i * nd + a] = Math.floor(Math.max(0, s[a]!) / chunkShape[a]!);
    }
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const idx = this.indices;
    perm.sort((p, q) => compareMorton(chunk, p * nd, chunk, q * nd, nd) || idx[p]! - idx[q]!);
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = idx[perm[i]!]!;
    return new PatchList(this.grid, out);
  }
}
