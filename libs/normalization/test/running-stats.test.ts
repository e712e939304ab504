import { describe, expect, it } from 'vitest';
import { assertFinite, findNonFinite, InvalidNormalizationParameterError, NonFiniteInputError, RunningStats } from '../src';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe('RunningStats', () => {
  it('gives mean, population std, min and max by hand', () => {
    const s = new RunningStats().add(Float32Array.from([1, 2, 3, 4]));
    expect(s.count).toBe(4);
    expect(s.mean).toBe(2.5);
    expect(s.variance).toBe(1.25);
    expect(s.std).toBeCloseTo(1.1180339887, 10);
    expect([s.min, s.max]).toEqual([1, 4]);
  });

  it('is 0 for constant data and for no data', () => {
    const s = new RunningStats().add(new Uint8Array(100).fill(7));
    expect([s.mean, s.std, s.min, s.max]).toEqual([7, 0, 7, 7]);
    const e = new RunningStats();
    expect([e.count, e.mean, e.std]).toEqual([0, 0, 0]);
    expect(e.add(new Float32Array(0)).count).toBe(0);
  });

  it('stays accurate with a large offset', () => {
    const s = new RunningStats();
    for (const k of [1, 2, 3, 4]) s.add(Float64Array.from([1e9 + k]));
    expect(s.mean).toBe(1e9 + 2.5);
    expect(s.variance).toBeCloseTo(1.25, 9);
    // The textbook E[x²] − E[x]² loses every digit here.
    const naive = (((1e9 + 1) ** 2 + (1e9 + 2) ** 2 + (1e9 + 3) ** 2 + (1e9 + 4) ** 2) / 4) - (1e9 + 2.5) ** 2;
    expect(Math.abs(naive - 1.25)).toBeGreaterThan(0.1);
  });

  it('merging blocks equals one pass over all values', () => {
    const rand = rng(7);
    const data = new Float32Array(10_000);
    for (let i = 0; i < data.length; i++) data[i] = 500 + 100 * rand() + (i % 17);
    const one = new RunningStats().add(data);
    // Reference by plain two-pass sums in float64.
    let sum = 0;
    for (const v of data) sum += v;
    const mean = sum / data.length;
    let ss = 0;
    for (const v of data) ss += (v - mean) ** 2;
    expect(one.mean).toBeCloseTo(mean, 9);
    expect(one.std).toBeCloseTo(Math.sqrt(ss / data.length), 9);
    for (const parts of [2, 3, 10, 97]) {
      const workers = Array.from({ length: parts }, () => new RunningStats());
      let at = 0;
      for (let p = 0; p < parts; p++) {
        const end = p === parts - 1 ? data.length : Math.floor(rand() * (data.length - at)) + at;
        // Each worker adds its range in uneven blocks.
        for (let b = at; b < end; b += 333) workers[p]!.add(data.subarray(b, Math.min(end, b + 333)));
        at = end;
      }
      const merged = workers.reduce((acc, w) => acc.merge(w), new RunningStats());
      expect(merged.count).toBe(data.length);
      expect(merged.mean / one.mean).toBeCloseTo(1, 12);
      expect(merged.std / one.std).toBeCloseTo(1, 10);
      expect([merged.min, merged.max]).toEqual([one.min, one.max]);
    }
  });

  it('round-trips through JSON', () => {
    const s = new RunningStats().add(Float32Array.from([3, -1, 8]));
    const back = RunningStats.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(back.toJSON()).toEqual(s.toJSON());
    expect(JSON.parse(JSON.stringify(new RunningStats()))).toEqual({ count: 0, mean: 0, m2: 0, min: null, max: null });
    expect(RunningStats.fromJSON({ count: 0, mean: 0, m2: 0, min: null, max: null }).count).toBe(0);
    expect(() => RunningStats.fromJSON({ count: 2, mean: 1, m2: -1, min: 0, max: 1 }, 'v.zarr/stats.json')).toThrow(
      /^v.zarr\/stats.json: inconsistent statistics/,
    );
    expect(() => RunningStats.fromJSON(null)).toThrow(InvalidNormalizationParameterError);
  });

  it('refuses NaN and Infinity', () => {
    const s = new RunningStats();
    expect(() => s.add(Float32Array.from([1, Number.NaN, 2]))).toThrow(NonFiniteInputError);
    expect(() => s.add(Float64Array.from([1, 2, -Infinity]))).toThrow(/-Infinity at element 2/);
    expect(s.count).toBe(0);
  });
});

describe('findNonFinite / assertFinite', () => {
  it('finds the first NaN or ±Infinity', () => {
    expect(findNonFinite(Float32Array.from([0, 1, 2]))).toBe(-1);
    expect(findNonFinite(Float32Array.from([0, Number.NaN, Infinity]))).toBe(1);
    expect(findNonFinite(Float64Array.from([3, -Infinity]))).toBe(1);
    expect(findNonFinite(new Float32Array([3.4e38, -3.4e38]))).toBe(-1);
    expect(findNonFinite(new Uint16Array(10))).toBe(-1);
  });

  it('throws a one-line error naming the buffer and the element', () => {
    expect(() => assertFinite(Float32Array.from([1, Number.NaN]), 'input volume in.zarr', 1000)).toThrow(
      'input volume in.zarr contains NaN at element 1001: non-finite input is refused; replace NaN/Infinity (e.g. with 0) before inference',
    );
    expect(() => assertFinite(Float32Array.from([1, 2]), 'x')).not.toThrow();
  });
});
