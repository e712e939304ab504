/**
 * The hot loop of blending, as a pure function over plain buffers so the same code runs on the main
 * thread and in Piscina workers: Σ w·logits and Σ w for the part of a patch that falls in one chunk.
 */

/** The running sums of one output chunk. */
export interface ChunkBuffers {
  /** Σ w·logits, [C, cz, cy, cx] for the chunk's (clipped) shape. */
  sum: Float32Array;
  /** Σ w, [cz, cy, cx]. */
  weight: Float32Array;
  /** Global voxel start of the chunk. */
  start: readonly number[];
  /** The chunk's clipped spatial shape. */
  shape: readonly number[];
}

/** One patch's logits and where it sits in the volume. */
export interface PatchData {
  /** Logits [C, pz, py, px] in float32. */
  logits: Float32Array;
  /** Global voxel start of the patch. */
  start: readonly number[];
  /** Patch spatial size. */
  size: readonly number[];
}

/**
 * Adds `w·logits` and `w` over the intersection of a 3D patch and a chunk. `weights` is the patch-sized
 * importance map. Returns the number of voxels touched (0 when they do not intersect).
 */
export function accumulatePatchIntoChunk(
  chunk: ChunkBuffers,
  patch: PatchData,
  weights: Float32Array,
  channels: number,
): number {
  const [cz0, cy0, cx0] = chunk.start as [number, number, number];
  const [cdz, cdy, cdx] = chunk.shape as [number, number, number];
  const [pz0, py0, px0] = patch.start as [number, number, number];
  const [pdz, pdy, pdx] = patch.size as [number, number, number];
  const z0 = Math.max(cz0, pz0);
  const z1 = Math.min(cz0 + cdz, pz0 + pdz);
  const y0 = Math.max(cy0, py0);
  const y1 = Math.min(cy0 + cdy, py0 + pdy);
  const x0 = Math.max(cx0, px0);
  const x1 = Math.min(cx0 + cdx, px0 + pdx);
  if (z1 <= z0 || y1 <= y0 || x1 <= x0) return 0;
  const nx = x1 - x0;
  const chunkVox = cdz * cdy * cdx;
  const patchVox = pdz * pdy * pdx;
  const { sum, weight } = chunk;
  const logits = patch.logits;
  for (let z = z0; z < z1; z++) {
    for (let y = y0; y < y1; y++) {
      const cRow = ((z - cz0) * cdy + (y - cy0)) * cdx + (x0 - cx0);
      const pRow = ((z - pz0) * pdy + (y - py0)) * pdx + (x0 - px0);
      for (let i = 0; i < nx; i++) weight[cRow + i]! += weights[pRow + i]!;
      for (let c = 0; c < channels; c++) {
        const cOff = c * chunkVox + cRow;
        const pOff = c * patchVox + pRow;
        for (let i = 0; i < nx; i++) sum[cOff + i]! += weights[pRow + i]! * logits[pOff + i]!;
      }
    }
  }
  return (z1 - z0) * (y1 - y0) * nx;
}

/**
 * Σ w·logits / Σ w per voxel, into `out` ([C, cz, cy, cx]). Voxels no patch covered (Σ w = 0) are NaN:
 * no-data, never logit 0 (which would finalize to p = 0.5). No epsilon: it would shrink corner logits.
 */
export function divideChunk(
  sum: Float32Array,
  weight: Float32Array,
  channels: number,
  out: Float32Array = new Float32Array(sum.length),
): Float32Array {
  const n = weight.length;
  for (let c = 0; c < channels; c++) {
    const off = c * n;
    for (let i = 0; i < n; i++) {
      const w = weight[i]!;
      out[off + i] = w > 0 ? sum[off + i]! / w : NaN;
    }
  }
  return out;
}
