/**
 * Blending weights of the 2D tiles.
 *
 * The reference container weights each tile by the outer product of `np.hanning(T)`, whose first and
 * last values are exactly 0. A pixel on the image border is covered only by tiles whose border row or
 * column lies on it, so all its weights are 0, Σw = 0, and the outermost row and column of every
 * prediction come out 0.
 *
 * Here the window is `np.hanning(T + 2)[1:-1]`: the same raised cosine stretched by one sample at each
 * end, so it never reaches 0,
 *
 *     w(n) = sin²(π (n + 1) / (T + 1)),   n = 0 … T − 1,      W(y, x) = w(y) · w(x),
 *
 * symmetric, peaking at the tile centre (1 for odd T), smallest at the tile edge (sin²(π / (T + 1)),
 * 0.0023 for T = 64; 5.4·10⁻⁶ in a corner — well inside float32's normal range). Every pixel of the image
 * is covered by at least one tile (the grid adds a last tile flush with each edge), so Σw > 0 wherever
 * the input is valid, and a pixel covered by one tile alone gets exactly that tile's probability. The
 * scale of W does not matter (the blend is Σ w·p / Σ w), so it is not normalized to sum 1.
 */

/** `w(n) = sin²(π (n + 1) / (size + 1))` for n = 0 … size − 1: a Hann window without its zero endpoints. */
export function borderSafeHann(size: number): Float64Array {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
  const w = new Float64Array(size);
  for (let n = 0; n < size; n++) {
    // sin(π − a) = sin(a): take the smaller angle so the window is exactly symmetric in floating point.
    const s = Math.sin((Math.PI * Math.min(n + 1, size - n)) / (size + 1));
    w[n] = s * s;
  }
  return w;
}

/** The 2D weights `W(y, x) = w(y) · w(x)` of a `size × size` tile, row-major, as float32. */
export function blendWeights2D(size: number): Float32Array {
  const w = borderSafeHann(size);
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const wy = w[y]!;
    for (let x = 0; x < size; x++) out[y * size + x] = wy * w[x]!;
  }
  return out;
}
