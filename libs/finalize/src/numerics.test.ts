import { describe, expect, it } from 'vitest';
import { downsampleMax } from './downsample-max';
import { downsampleMean } from './downsample-mean';
import { downsampleMode } from './downsample-mode';
import { FinalizeOptionsError } from './errors';
import { finalizeChunk } from './finalize-chunk';
import { resolveFinalizeSpec } from './finalize-spec';
import { logitsToProbabilities, sigmoid } from './probabilities';
import { pyramidLevelShapes } from './pyramid-levels';
import { resolveThreshold, thresholdLogit } from './threshold';
import { probabilityToUint8 } from './uint8-scale';

// Hand-computed references (each written out from the formula, not from the code under test):
// sigmoid(1) = 1 / (1 + e^-1) = 0.7310585786300049, sigmoid(-2) = 0.11920292202211755,
// softmax(1, 2, 3) = (0.09003057317038046, 0.24472847105479764, 0.6652409557748219).
const S1 = 0.7310585786300049;
const SM2 = 0.11920292202211755;
const SOFT123 = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219];

describe('logitsToProbabilities', () => {
  it('softmax over channel-major logits, stable for huge logits, NaN stays NaN', () => {
    // 3 channels × 3 voxels: voxel 0 = (1, 2, 3); voxel 1 = (1001, 1002, 1003) (exp overflows
    // without subtracting the max); voxel 2 = no-data.
    const l = Float32Array.from([1, 1001, NaN, 2, 1002, 0, 3, 1003, 0]);
    const p = logitsToProbabilities(l, 3, 'softmax');
    for (const v of [0, 1]) for (let c = 0; c < 3; c++) expect(p[c * 3 + v]).toBeCloseTo(SOFT123[c]!, 6);
    for (let c = 0; c < 3; c++) expect(Number.isNaN(p[c * 3 + 2])).toBe(true);
  });

  it('sigmoid element-wise, saturating without NaN at ±1000', () => {
    const p = logitsToProbabilities(Float32Array.from([1, -2, 0, 1000, -1000, NaN]), 1, 'sigmoid');
    expect(p[0]).toBeCloseTo(S1, 7);
    expect(p[1]).toBeCloseTo(SM2, 7);
    expect(p[2]).toBe(0.5);
    expect(p[3]).toBe(1);
    expect(p[4]).toBe(0);
    expect(Number.isNaN(p[5])).toBe(true);
    expect(sigmoid(-800)).toBe(0);
  });

  it('softmax of two channels equals sigmoid of the difference', () => {
    const p = logitsToProbabilities(Float32Array.from([0.5, 1.5]), 2, 'softmax');
    expect(p[1]).toBeCloseTo(S1, 7);
    expect(p[0]).toBeCloseTo(1 - S1, 7);
  });
});

describe('threshold and uint8 scale', () => {
  it('logit cutoff ln(T/(1−T)) and option resolution', () => {
    expect(thresholdLogit(0.5)).toBe(0);
    expect(thresholdLogit(0.2)).toBeCloseTo(Math.log(0.25), 12); // −1.3862943611198906
    expect(resolveThreshold(true)).toBe(0.5);
    expect(resolveThreshold(undefined)).toBeNull();
    expect(resolveThreshold(false)).toBeNull();
    expect(resolveThreshold(0.3)).toBe(0.3);
    for (const bad of [0, 1, -0.1, 1.5, Number.NaN]) expect(() => resolveThreshold(bad)).toThrow(FinalizeOptionsError);
  });

  it('p·255 rounded to nearest (default) or truncated like the reference', () => {
    expect(probabilityToUint8(0.5)).toBe(128); // 127.5 rounds up
    expect(probabilityToUint8(0.5, 'truncate')).toBe(127);
    expect(probabilityToUint8(1)).toBe(255);
    expect(probabilityToUint8(0)).toBe(0);
    expect(probabilityToUint8(S1)).toBe(186); // 186.42
    expect(probabilityToUint8(Number.NaN)).toBe(0);
  });
});

describe('finalizeChunk', () => {
  it('binary C=2: softmax foreground in uint8 and float32; no-data → 0 and counted', () => {
    // voxels: (l0, l1) = (0.5, 1.5) → p = sigmoid(1); (2, 0) → sigmoid(−2); (0, 0) → 0.5; NaN.
    const logits = Float32Array.from([0.5, 2, 0, NaN, 1.5, 0, 0, NaN]);
    const u = finalizeChunk(logits, 2, [1, 1, 4], { mode: 'binary' });
    expect([...u.channels]).toEqual([186, 30, 128, 0]); // 0.11920·255 = 30.40
    expect(u.noData).toBe(1);
    const f = finalizeChunk(logits, 2, [1, 1, 4], { mode: 'binary', dtype: 'float32' });
    expect(f.channels).toBeInstanceOf(Float32Array);
    expect(f.channels[0]).toBeCloseTo(S1, 6);
    expect(f.channels[1]).toBeCloseTo(SM2, 6);
    expect(f.channels[2]).toBe(0.5);
    expect(f.channels[3]).toBe(0);
  });

  it('binary C=1: sigmoid; threshold is strict and in logit space', () => {
    const logits = Float32Array.from([1, -2, 0, NaN]);
    expect([...finalizeChunk(logits, 1, [4], { mode: 'binary' }).channels]).toEqual([186, 30, 128, 0]);
    // p > 0.5 ⟺ l > 0, strict: l = 0 (p exactly 0.5) is background.
    expect([...finalizeChunk(logits, 1, [4], { mode: 'binary', threshold: true }).channels]).toEqual([255, 0, 0, 0]);
    // T = 0.1 → cutoff ln(1/9) = −2.197: −2 is above it.
    expect([...finalizeChunk(logits, 1, [4], { mode: 'binary', threshold: 0.1 }).channels]).toEqual([255, 255, 255, 0]);
  });

  it('binary C=2 threshold compares l1 − l0 with the cutoff', () => {
    // d = l1 − l0 = 1, −2, 0; T = 0.7 → cutoff ln(7/3) = 0.847.
    const logits = Float32Array.from([0.5, 2, 0, 1.5, 0, 0]);
    const r = finalizeChunk(logits, 2, [3], { mode: 'binary', threshold: 0.7 });
    expect([...r.channels]).toEqual([255, 0, 0]);
  });

  it('multiclass: C probability channels + argmax (ties → lowest class); threshold → argmax only', () => {
    // 3 classes × 3 voxels: v0 = (1, 2, 3) → argmax 2; v1 = (5, 5, 1) → tie → 0; v2 = NaN.
    const logits = Float32Array.from([1, 5, NaN, 2, 5, NaN, 3, 1, NaN]);
    const r = finalizeChunk(logits, 3, [3], { mode: 'multiclass' });
    expect(r.channels.length).toBe(4 * 3);
    expect(r.noData).toBe(1);
    expect([r.channels[0], r.channels[3], r.channels[6]]).toEqual(SOFT123.map((p) => Math.round(p * 255))); // 23, 62, 170
    expect([r.channels[9], r.channels[10], r.channels[11]]).toEqual([2, 0, 0]);
    // v1: softmax(5, 5, 1) = (0.49546, 0.49546, 0.00908) → 126.34, 126.34, 2.31
    expect([r.channels[1], r.channels[4], r.channels[7]]).toEqual([126, 126, 2]);
    expect([r.channels[2], r.channels[5], r.channels[8]]).toEqual([0, 0, 0]);
    const t = finalizeChunk(logits, 3, [3], { mode: 'multiclass', threshold: true });
    expect([...t.channels]).toEqual([2, 0, 0]);
  });

  it('reuses the out buffer and checks sizes', () => {
    const out = new Uint8Array(16).fill(9);
    const r = finalizeChunk(Float32Array.from([1, -2]), 1, [2], { mode: 'binary' }, out);
    expect(r.channels.buffer).toBe(out.buffer);
    expect([...out.subarray(0, 3)]).toEqual([186, 30, 9]);
    expect(() => finalizeChunk(Float32Array.from([1, 2, 3]), 1, [2], { mode: 'binary' })).toThrow(RangeError);
  });

  it('rejects option combinations with one-line FinalizeOptionsErrors', () => {
    expect(() => resolveFinalizeSpec({ mode: 'multiclass' }, 1)).toThrow(/multiclass mode needs at least 2 logit channels/);
    expect(() => resolveFinalizeSpec({ mode: 'binary' }, 3)).toThrow(/binary mode needs 1 or 2/);
    expect(() => resolveFinalizeSpec({ mode: 'binary', threshold: 1.2 }, 2)).toThrow(/outside \(0, 1\)/);
    expect(() => resolveFinalizeSpec({ mode: 'binary', threshold: true, dtype: 'float32' }, 2)).toThrow(FinalizeOptionsError);
    expect(() => resolveFinalizeSpec({ mode: 'multiclass', threshold: 0.3 }, 3)).toThrow(/binary mode only/);
    expect(() => resolveFinalizeSpec({ mode: 'binary', activation: 'softmax' }, 1)).toThrow(/sigmoid/);
    const spec = resolveFinalizeSpec({ mode: 'multiclass' }, 3);
    expect(spec.channelNames).toEqual(['class_0', 'class_1', 'class_2', 'argmax']);
    expect(spec.channelDownsample).toEqual(['mean', 'mean', 'mean', 'mode']);
    expect(resolveFinalizeSpec({ mode: 'binary', threshold: true }, 2).channelDownsample).toEqual(['max']);
  });
});

describe('2× downsampling', () => {
  it('mean of full 2×2×2 blocks and of partial edge blocks (only the voxels present)', () => {
    // shape (2, 2, 3): x = 0..1 is a full block, x = 2 a partial block of 4 voxels.
    const src = Uint8Array.from([0, 10, 100, 20, 30, 101, 40, 50, 102, 60, 71, 104]);
    const out = downsampleMean(src, [2, 2, 3]);
    expect(out.length).toBe(2);
    expect(out[0]).toBe(Math.floor((0 + 10 + 20 + 30 + 40 + 50 + 60 + 71) / 8 + 0.5)); // 35.125 → 35
    expect(out[1]).toBe(102); // (100 + 101 + 102 + 104) / 4 = 101.75 → 102
    const f = downsampleMean(Float32Array.from([0.25, 0.5, 1, 0.75]), [1, 1, 4]);
    expect([...f]).toEqual([0.375, 0.875]);
    expect(downsampleMean(Uint8Array.from([127, 128]), [1, 1, 2])[0]).toBe(128); // 127.5 rounds half up
  });

  it('mode: most frequent value, ties to the smallest', () => {
    // block 0: 3×7, 3×2, 2×5 → tie between 2 and 7 → 2; block 1 (partial, 4 voxels): 4, 4, 9, 1 → 4.
    const src = Uint8Array.from([7, 7, 4, 2, 2, 4, 7, 2, 9, 5, 5, 1]);
    expect([...downsampleMode(src, [2, 2, 3])]).toEqual([2, 4]);
    expect([...downsampleMode(Uint8Array.from([3, 3, 1, 1]), [1, 2, 2])]).toEqual([1]);
  });

  it('max keeps a single foreground voxel', () => {
    const src = new Uint8Array(27);
    src[13] = 255; // centre of 3×3×3
    const out = downsampleMax(src, [3, 3, 3]);
    expect(out.length).toBe(8);
    expect([...out]).toEqual([255, 0, 0, 0, 0, 0, 0, 0]);
    src[26] = 255; // the corner voxel alone in the partial block (1, 1, 1)
    expect(downsampleMax(src, [3, 3, 3])[7]).toBe(255);
  });

  it('pyramid levels stop once the smallest side is under one chunk', () => {
    expect(pyramidLevelShapes([256, 256, 256], [64, 64, 64])).toEqual([
      [256, 256, 256],
      [128, 128, 128],
      [64, 64, 64],
      [32, 32, 32],
    ]);
    expect(pyramidLevelShapes([40, 100, 100], [16, 32, 32])).toEqual([
      [40, 100, 100],
      [20, 50, 50],
      [10, 25, 25],
    ]);
    expect(pyramidLevelShapes([10, 10, 10], [16, 16, 16])).toEqual([[10, 10, 10]]);
    expect(pyramidLevelShapes([4, 4, 4], [1, 1, 1])).toEqual([[4, 4, 4], [2, 2, 2], [1, 1, 1]]);
    expect(pyramidLevelShapes([9, 9, 9], [4, 4, 4], 2)).toEqual([[9, 9, 9], [5, 5, 5]]);
  });
});
