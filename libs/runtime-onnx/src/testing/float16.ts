/**
 * float16 bits ⇄ numbers for test expectations, written independently of any backend code so tests
 * do not check a conversion against itself.
 */

/** Decodes one IEEE 754 half-precision bit pattern. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** Bits of the half nearest to `value` (ties to even), for finite values up to 65504 in magnitude. */
export function numberToHalf(value: number): number {
  if (value === 0) return Object.is(value, -0) ? 0x8000 : 0;
  const sign = value < 0 ? 0x8000 : 0;
  const a = Math.abs(value);
  if (!(a <= 65504)) throw new RangeError(`numberToHalf: ${value} is outside the float16 range`);
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal: multiples of 2^-24
  let exponent = Math.floor(Math.log2(a));
  // Math.log2 may round across a power of two; settle the exponent exactly.
  if (2 ** exponent > a) exponent--;
  if (2 ** (exponent + 1) <= a) exponent++;
  let fraction = roundHalfEven((a / 2 ** exponent - 1) * 1024);
  if (fraction === 1024) {
    fraction = 0;
    exponent++;
  }
  return sign | ((exponent + 15) << 10) | fraction;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}
