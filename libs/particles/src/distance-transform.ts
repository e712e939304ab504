/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): the squared distance is
 * separable, so three 1D passes of "lower envelope of parabolas" give it in O(voxels). Like
 * `scipy.ndimage.distance_transform_edt`, each non-zero voxel gets its distance to the nearest zero
 * voxel, and nothing outside the array counts as background.
 */
import { ParticlesArgumentError } from './errors';
import { checkShape, type Shape3 } from './volume-shape';

const BLOCK = 16;

/**
 * 1D squared-distance transform of `f` (length `n`, samples `s` apart) into `d`: d[q] = min_r
 * ((q − r)·s)² + f[r]. Infinite f values are skipped; a line of only infinities stays infinite.
 * `v` and `z` are scratch of length ≥ n and n + 1.
 */
function envelope1d(f: Float64Array, fOff: number, n: number, s: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[fOff + q]!;
    if (fq === Infinity) continue;
    const pq = q * s;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    // z[0] = −∞ stops the loop at k = 0 at the latest.
    let sect: number;
    for (;;) {
      const r = v[k]!;
      const pr = r * s;
      sect = (fq + pq * pq - (f[fOff + r]! + pr * pr)) / (2 * (pq - pr));
      if (sect > z[k]!) break;
      k--;
    }
    k++;
    v[k] = q;
    z[k] = sect;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) d[q] = Infinity;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    const pq = q * s;
    while (z[j + 1]! < pq) j++;
    const r = v[j]!;
    const dp = pq - r * s;
    d[q] = dp * dp + f[fOff + r]!;
  }
}

/**
 * Euclidean distance from every non-zero voxel of `mask` (shape z, y, x) to the nearest zero voxel,
 * with `spacing` (z, y, x) per axis (default 1). Zero voxels get 0. When the mask has no zero voxel
 * at all the distances are `Infinity`. `out` may be passed to reuse a Float32Array.
 */
export function distanceTransformEDT(mask: Uint8Array, shape: Shape3, spacing: readonly [number, number, number] = [1, 1, 1], out?: Float32Array): Float32Array {
  const n = checkShape(shape, mask.length, 'distanceTransformEDT');
  if (spacing.length !== 3 || !spacing.every((s) => s > 0 && Number.isFinite(s))) {
    throw new ParticlesArgumentError(`distanceTransformEDT: spacing ${JSON.stringify(spacing)} must be three positive numbers (z, y, x)`);
  }
  const [Z, Y, X] = shape;
  const dist = out ?? new Float32Array(n);
  if (dist.length !== n) throw new ParticlesArgumentError(`distanceTransformEDT: out has ${dist.length} elements, the mask ${n}`);
  const L = Math.max(Z, Y, X);
  // Strided passes gather BLOCK neighbouring lines at once, so each memory row read serves BLOCK lines.
  const f = new Float64Array(BLOCK * L);
  const d = new Float64Array(L);
  const v = new Int32Array(L);
  const zb = new Float64Array(L + 1);
  // Squared distances are carried in float64 per line and stored in `dist` between passes; for unit
  // spacing they are integers, exact in float32 up to 2^24.

  // Pass x (contiguous lines): the 1D distance to the nearest zero along the line, by two scans.
  // Lines without foreground (most of a sparse mask) are all zero and cost one scan.
  const sx = spacing[2];
  for (let line = 0; line < Z * Y; line++) {
    const base = line * X;
    let first = -1;
    for (let x = 0; x < X; x++) {
      if (mask[base + x] !== 0) {
        first = x;
        break;
      }
    }
    if (first < 0) {
      dist.fill(0, base, base + X);
      continue;
    }
    dist.fill(0, base, base + first);
    let last = first > 0 ? first - 1 : -Infinity; // position of the last zero seen, in samples
    for (let x = first; x < X; x++) {
      if (mask[base + x] === 0) {
        last = x;
        dist[base + x] = 0;
      } else {
        dist[base + x] = last === -Infinity ? Infinity : (x - last) * sx;
      }
    }
    last = Infinity;
    for (let x = X - 1; x >= first; x--) {
      if (mask[base + x] === 0) last = x;
      else if (last !== Infinity) {
        const dd = (last - x) * sx;
        if (dd < dist[base + x]!) dist[base + x] = dd;
      }
    }
    for (let x = first; x < X; x++) {
      const dd = dist[base + x]!;
      dist[base + x] = dd * dd;
    }
  }
  // Pass y: lines (z, ·, x) for BLOCK consecutive x at a time; lines that are all zero stay zero.
  const flags = new Uint8Array(BLOCK);
  for (let z = 0; z < Z; z++) {
    for (let x0 = 0; x0 < X; x0 += BLOCK) {
      const nb = Math.min(BLOCK, X - x0);
      const base = z * Y * X + x0;
      flags.fill(0);
      for (let y = 0; y < Y; y++) {
        const row = base + y * X;
        for (let b = 0; b < nb; b++) {
          const val = dist[row + b]!;
          f[b * Y + y] = val;
          if (val !== 0) flags[b] = 1;
        }
      }
      for (let b = 0; b < nb; b++) {
        if (flags[b] === 0) continue;
        envelope1d(f, b * Y, Y, spacing[1], d, v, zb);
        for (let y = 0; y < Y; y++) dist[base + y * X + b] = d[y]!;
      }
    }
  }
  // Pass z, then the square root: lines (·, y, x) for BLOCK consecutive (y, x) positions at a time.
  const plane = Y * X;
  for (let p0 = 0; p0 < plane; p0 += BLOCK) {
    const nb = Math.min(BLOCK, plane - p0);
    flags.fill(0);
    for (let z = 0; z < Z; z++) {
      const row = p0 + z * plane;
      for (let b = 0; b < nb; b++) {
        const val = dist[row + b]!;
        f[b * Z + z] = val;
        if (val !== 0) flags[b] = 1;
      }
    }
    for (let b = 0; b < nb; b++) {
      if (flags[b] === 0) continue;
      envelope1d(f, b * Z, Z, spacing[0], d, v, zb);
      for (let z = 0; z < Z; z++) dist[p0 + b + z * plane] = Math.sqrt(d[z]!);
    }
  }
  return dist;
}
