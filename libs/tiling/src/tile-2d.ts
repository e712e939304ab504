import { TilingArgumentError } from './errors';
import { checkPart } from './slab-partition';

/**
 * Tile starts along one axis as the ink-detection container computes them: every `stride` from 0
 * while a whole tile fits, plus a last tile aligned to the end (`size − tile`) if it is not already
 * there; a single tile at 0 when `size < tile` (the read is zero-padded).
 *
 * @param size - image extent along the axis
 * @param tile - tile extent
 * @param stride - distance between consecutive tiles, ≥ 1
 * @returns ascending starts
 * @throws {@link TilingArgumentError} on non-positive integers
 */
export function tileStarts(size: number, tile: number, stride: number): number[] {
  for (const [what, v] of [['image size', size], ['tile size', tile], ['stride', stride]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new TilingArgumentError(`${what} must be a positive integer, got ${v}`);
  }
  if (size <= tile) return [0];
  const out: number[] = [];
  for (let s = 0; s <= size - tile; s += stride) out.push(s);
  if (out[out.length - 1] !== size - tile) out.push(size - tile);
  return out;
}

/** A 2-D tile grid: the product of {@link tileStarts} on rows (y) and columns (x), row-major. */
export interface TileGrid2D {
  /** Image height (rows). */
  readonly height: number;
  /** Image width (columns). */
  readonly width: number;
  /** Tile side, in pixels. */
  readonly tile: number;
  /** Distance between consecutive tile starts. */
  readonly stride: number;
  /** Row starts. */
  readonly ys: readonly number[];
  /** Column starts. */
  readonly xs: readonly number[];
  /** ys.length · xs.length. */
  readonly count: number;
}

/**
 * Builds the ink container's 2-D tile grid of an image.
 *
 * @param height - image rows
 * @param width - image columns
 * @param tile - square tile edge
 * @param stride - distance between tiles
 */
export function tileGrid2D(height: number, width: number, tile: number, stride: number): TileGrid2D {
  const ys = tileStarts(height, tile, stride);
  const xs = tileStarts(width, tile, stride);
  return { height, width, tile, stride, ys, xs, count: ys.length * xs.length };
}

/** A band of tile rows owned by one part, and the image rows its tiles cover. */
export interface RowBand {
  /** First tile row (index into `ys`). */
  readonly rowStart: number;
  /** One past the last tile row. */
  readonly rowStop: number;
  /** First image row covered (0 when the band is empty). */
  readonly yStart: number;
  /** One past the last image row covered, clipped to the image. */
  readonly yStop: number;
}

/**
 * Splits a tile grid's rows into `numParts` contiguous bands of near-equal size and returns band
 * `partId`: rows ⌊i·R/N⌋ … ⌊(i+1)·R/N⌋. A part then accumulates only the image rows of its band,
 * instead of the full image the container holds per part. Bands of neighbouring parts overlap in
 * image rows where their tiles overlap; the reduce step sums them.
 *
 * @param numParts - number of parts, ≥ 1
 * @param partId - which part, in [0, numParts)
 * @param grid - the tile grid
 */
export function rowBandForPart(numParts: number, partId: number, grid: TileGrid2D): RowBand {
  checkPart(numParts, partId);
  const rows = grid.ys.length;
  const rowStart = Math.floor((partId * rows) / numParts);
  const rowStop = Math.floor(((partId + 1) * rows) / numParts);
  if (rowStart === rowStop) return { rowStart, rowStop, yStart: 0, yStop: 0 };
  return {
    rowStart,
    rowStop,
    yStart: grid.ys[rowStart]!,
    yStop: Math.min(grid.height, grid.ys[rowStop - 1]! + grid.tile),
  };
}

/**
 * The ink container's own split: tile indices (row-major) in contiguous ranges of ⌈total / numParts⌉.
 * Kept for runs that must reproduce its parts; {@link rowBandForPart} balances better.
 *
 * @param numParts - number of parts, ≥ 1
 * @param partId - which part, in [0, numParts)
 * @param total - number of tiles
 * @returns half-open tile index range `[start, stop)`
 */
export function tileRangeForPart(numParts: number, partId: number, total: number): [number, number] {
  checkPart(numParts, partId);
  const per = Math.ceil(total / numParts);
  return [Math.min(total, partId * per), Math.min(total, (partId + 1) * per)];
}
