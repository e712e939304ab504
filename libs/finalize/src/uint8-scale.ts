/**
 * The one global uint8 scale: u = p · 255, the same for every chunk, channel and run (the reference's
 * multiclass mode min–max rescaled each chunk on its own, issue #1432; never here). A reader gets the
 * probability back as u / 255.
 */

/** uint8 value of probability 1. */
export const UINT8_SCALE = 255;

/**
 * How p · 255 becomes an integer: 'nearest' rounds half up (error ≤ 0.5/255; p = 0.5 → 128), the
 * default; 'truncate' floors as the reference's `astype(uint8)` does (error < 1/255; p = 0.5 → 127).
 */
export type Uint8Rounding = 'nearest' | 'truncate';

/** The uint8 value of probability `p` ∈ [0, 1] (values outside are clamped; NaN → 0). */
export function probabilityToUint8(p: number, rounding: Uint8Rounding = 'nearest'): number {
  if (!(p > 0)) return 0;
  if (p >= 1) return UINT8_SCALE;
  const v = p * UINT8_SCALE;
  return rounding === 'nearest' ? Math.floor(v + 0.5) : Math.floor(v);
}

/** The probability a stored uint8 value stands for (u / 255). */
export function uint8ToProbability(u: number): number {
  return u / UINT8_SCALE;
}
