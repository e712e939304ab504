/**
 * Bilinear resizing of a model output (h × w, e.g. 16 × 16) to the tile (T × T), exactly as the
 * reference container does it: PyTorch's `interpolate(mode='bilinear', align_corners=False)` applied to
 * probabilities (sigmoid first, then resize). Per output index d along an axis of scale s = in / out:
 *
 *     src = max(0, s · (d + 0.5) − 0.5),  i0 = ⌊src⌋,  i1 = min(i0 + 1, in − 1),  λ = src − i0,
 *     out = (1 − λ) · x[i0] + λ · x[i1]
 *
 * applied along x, then along y. The edge rows therefore repeat the nearest source value (clamping,
 * not extrapolation), as PyTorch does.
 */

/** Source indices and weights of one axis. */
export interface AxisResample {
  readonly inSize: number;
  readonly outSize: number;
  /** Lower source index per output index. */
  readonly i0: Int32Array;
  /** Upper source index per output index (= i0 at the last source sample). */
  readonly i1: Int32Array;
  /** Weight of the upper source sample, λ. */
  readonly lambda: Float64Array;
}

/** The resampling of one axis from `inSize` to `outSize` samples (PyTorch bilinear, align_corners=False). */
export function axisResample(inSize: number, outSize: number): AxisResample {
  if (!Number.isInteger(inSize) || inSize < 1 || !Number.isInteger(outSize) || outSize < 1) {
    throw new RangeError(`resample sizes must be positive integers, got ${inSize} → ${outSize}`);
  }
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const lambda = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(0, scale * (d + 0.5) - 0.5);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    lambda[d] = src - lo;
  }
  return { inSize, outSize, i0, i1, lambda };
}

/**
 * Resizes one `(ry.inSize × rx.inSize)` plane, starting at `src[srcOffset]`, into `out`
 * `(ry.outSize × rx.outSize)`. `rows` is scratch of at least `ry.inSize · rx.outSize` values.
 */
export function resizeBilinear(
  src: Float32Array,
  srcOffset: number,
  ry: AxisResample,
  rx: AxisResample,
  rows: Float32Array,
  out: Float32Array,
): void {
  const inW = rx.inSize;
  const outW = rx.outSize;
  // Along x for every source row…
  for (let y = 0; y < ry.inSize; y++) {
    const s = srcOffset + y * inW;
    const r = y * outW;
    for (let x = 0; x < outW; x++) {
      const l = rx.lambda[x]!;
      rows[r + x] = (1 - l) * src[s + rx.i0[x]!]! + l * src[s + rx.i1[x]!]!;
    }
  }
  // …then along y.
  for (let y = 0; y < ry.outSize; y++) {
    const a = ry.i0[y]! * outW;
    const b = ry.i1[y]! * outW;
    const l = ry.lambda[y]!;
    const o = y * outW;
    for (let x = 0; x < outW; x++) out[o + x] = (1 - l) * rows[a + x]! + l * rows[b + x]!;
  }
}
