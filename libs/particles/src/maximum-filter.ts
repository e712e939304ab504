/**
 * Box maximum filter, separable (a cube's max is the max of three 1D maxes) with the van Herk /
 * Gil-Werman running max: three comparisons per sample whatever the window size, so O(voxels).
 * Borders follow `scipy.ndimage.maximum_filter`'s default mode 'reflect' (d c b a | a b c d | d c b a)
 * and origin 0: a window of size s covers offsets −⌊s/2⌋ … s − 1 − ⌊s/2⌋ (−5 … +4 for 10).
 */
import { ParticlesArgumentError } from './errors';
import { checkShape, type Shape3 } from './volume-shape';

/** Index into a line of length n for position j under half-sample-symmetric reflection (period 2n). */
function reflectIndex(j: number, n: number): number {
  const period = 2 * n;
  let m = j % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

/**
 * Running max of window `w` over the line `src[srcOff + k·stride]`, k < n, written to
 * `dst[dstOff + k·stride]`. `pad`, `g`, `h` are scratch of length ≥ n + w − 1.
 */
function maxLine(
  src: Float32Array,
  dst: Float32Array,
  off: number,
  stride: number,
  n: number,
  w: number,
  before: number,
  pad: Float32Array,
  g: Float32Array,
  h: Float32Array,
): void {
  // A constant line (all background, in a sparse distance map) is its own maximum.
  const v0 = src[off]!;
  let constant = true;
  for (let k = 1; k < n; k++) {
    if (src[off + k * stride] !== v0) {
      constant = false;
      break;
    }
  }
  if (constant) {
    if (dst !== src) for (let k = 0; k < n; k++) dst[off + k * stride] = v0;
    return;
  }
  const m = n + w - 1;
  for (let j = 0; j < m; j++) {
    const k = j - before;
    pad[j] = src[off + (k >= 0 && k < n ? k : reflectIndex(k, n)) * stride]!;
  }
  // g: max from the start of each block of w to j; h: max from j to the end of its block.
  for (let b = 0; b < m; b += w) {
    const e = Math.min(m, b + w);
    let run = pad[b]!;
    g[b] = run;
    for (let j = b + 1; j < e; j++) g[j] = run = Math.max(run, pad[j]!);
    run = pad[e - 1]!;
    h[e - 1] = run;
    for (let j = e - 2; j >= b; j--) h[j] = run = Math.max(run, pad[j]!);
  }
  for (let i = 0; i < n; i++) dst[off + i * stride] = Math.max(h[i]!, g[i + w - 1]!);
}

/**
 * Maximum of `data` (shape z, y, x) over a box of `size` voxels (one number for a cube, or z, y, x)
 * centred as scipy centres it. `out` may be passed to reuse a Float32Array; it must not be `data`.
 */
export function maximumFilter(data: Float32Array, shape: Shape3, size: number | readonly [number, number, number], out?: Float32Array): Float32Array {
  const n = checkShape(shape, data.length, 'maximumFilter');
  const sizes = typeof size === 'number' ? [size, size, size] : [...size];
  if (sizes.length !== 3 || !sizes.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new ParticlesArgumentError(`maximumFilter: size ${JSON.stringify(size)} must be a positive integer (or three)`);
  }
  const dst = out ?? new Float32Array(n);
  if (dst.length !== n) throw new ParticlesArgumentError(`maximumFilter: out has ${dst.length} elements, the data ${n}`);
  if (dst === data) throw new ParticlesArgumentError('maximumFilter: out must not be the input array');
  const [Z, Y, X] = shape;
  if (n === 0) return dst;
  const wz = sizes[0]!;
  const wy = sizes[1]!;
  const wx = sizes[2]!;
  const longest = Math.max(Z + wz, Y + wy, X + wx);
  const pad = new Float32Array(longest);
  const g = new Float32Array(longest);
  const h = new Float32Array(longest);

  // x pass from data into dst; y and z passes in place in dst (each line is copied into `pad` first).
  if (wx === 1) dst.set(data);
  else for (let line = 0; line < Z * Y; line++) maxLine(data, dst, line * X, 1, X, wx, wx >> 1, pad, g, h);
  if (wy > 1) {
    for (let z = 0; z < Z; z++) for (let x = 0; x < X; x++) maxLine(dst, dst, z * Y * X + x, X, Y, wy, wy >> 1, pad, g, h);
  }
  if (wz > 1) {
    // Consecutive z-lines share cache lines, so visiting them in order keeps the strided reads cheap.
    const plane = Y * X;
    for (let p = 0; p < plane; p++) maxLine(dst, dst, p, plane, Z, wz, wz >> 1, pad, g, h);
  }
  return dst;
}
