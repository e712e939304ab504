/**
 * Edge ("replicate") padding of a 3-D image, itk_infer's padding for images smaller than the patch:
 * every voxel outside the data takes the value of the nearest voxel inside. (Tiling's `extractPadded`
 * pads with a constant, which would feed a UNet an artificial edge.)
 */

/**
 * Pads `src` (C-order, shape (Z, Y, X)) by `before[a]` and `after[a]` voxels on each axis, repeating
 * the edge values.
 *
 * @returns the padded image and its shape
 */
export function replicatePad(
  src: Float32Array,
  shape: readonly number[],
  before: readonly number[],
  after: readonly number[],
): { data: Float32Array; shape: number[] } {
  const [Z, Y, X] = shape as [number, number, number];
  if (src.length !== Z * Y * X) throw new RangeError(`replicatePad: ${src.length} values do not fill (${shape.join(', ')})`);
  const out = shape.map((d, a) => d + before[a]! + after[a]!) as [number, number, number];
  const [PZ, PY, PX] = out;
  const data = new Float32Array(PZ * PY * PX);
  const [bz, by, bx] = before as [number, number, number];
  // Source index of each padded x once; rows are then copied through it.
  const xIndex = new Int32Array(PX);
  for (let x = 0; x < PX; x++) xIndex[x] = Math.min(X - 1, Math.max(0, x - bx));
  for (let z = 0; z < PZ; z++) {
    const sz = Math.min(Z - 1, Math.max(0, z - bz));
    for (let y = 0; y < PY; y++) {
      const sy = Math.min(Y - 1, Math.max(0, y - by));
      const srcRow = (sz * Y + sy) * X;
      const dstRow = (z * PY + y) * PX;
      for (let x = 0; x < PX; x++) data[dstRow + x] = src[srcRow + xIndex[x]!]!;
    }
  }
  return { data, shape: out };
}
