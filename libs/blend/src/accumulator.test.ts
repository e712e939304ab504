import { describe, expect, it } from 'vitest';
import { Accumulator, type AccumulatedChunk } from './accumulator';
import { divideChunk } from './accumulate-kernel';

/** Deterministic pseudo-random numbers for test inputs. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  shape: [number, number, number];
  chunk: [number, number, number];
  patch: [number, number, number];
  positions: number[][];
  channels: number;
}

/** Dense reference: accumulate every patch voxel by voxel over the whole volume, then divide. */
function denseReference(c: Case, weights: Float32Array, logitsOf: (p: number[]) => Float32Array | null): Float64Array {
  const [Z, Y, X] = c.shape;
  const [pz, py, px] = c.patch;
  const vox = Z * Y * X;
  const sum = new Float64Array(vox * c.channels);
  const wsum = new Float64Array(vox);
  for (const z0 of c.positions[0]!)
    for (const y0 of c.positions[1]!)
      for (const x0 of c.positions[2]!) {
        const l = logitsOf([z0, y0, x0]);
        if (!l) continue;
        for (let z = 0; z < pz; z++)
          for (let y = 0; y < py; y++)
            for (let x = 0; x < px; x++) {
              const gz = z0 + z, gy = y0 + y, gx = x0 + x;
              if (gz >= Z || gy >= Y || gx >= X) continue;
              const pi = (z * py + y) * px + x;
              const gi = (gz * Y + gy) * X + gx;
              wsum[gi]! += weights[pi]!;
              for (let ch = 0; ch < c.channels; ch++) sum[ch * vox + gi]! += weights[pi]! * l[ch * pz * py * px + pi]!;
            }
      }
  const out = new Float64Array(vox * c.channels);
  for (let ch = 0; ch < c.channels; ch++)
    for (let i = 0; i < vox; i++) out[ch * vox + i] = wsum[i]! > 0 ? sum[ch * vox + i]! / wsum[i]! : NaN;
  return out;
}

function runCase(c: Case, emptyEvery = 0) {
  const r = rng(7);
  const patchVox = c.patch[0] * c.patch[1] * c.patch[2];
  const weights = new Float32Array(patchVox).map(() => 0.05 + r());
  const logits = new Map<string, Float32Array | null>();
  let n = 0;
  for (const z of c.positions[0]!)
    for (const y of c.positions[1]!)
      for (const x of c.positions[2]!) {
        const empty = emptyEvery > 0 && n++ % emptyEvery === 0;
        logits.set(`${z},${y},${x}`, empty ? null : new Float32Array(patchVox * c.channels).map(() => r() * 8 - 4));
      }
  const acc = new Accumulator({ shape: c.shape, chunkShape: c.chunk, channels: c.channels, patchSize: c.patch, weights, positions: c.positions });
  const done: AccumulatedChunk[] = [];
  // Feed in a scrambled order: completion must not depend on order.
  const keys = [...logits.keys()].sort((a, b) => (a.length * 7 + a.charCodeAt(0)) % 5 - (b.length * 7 + b.charCodeAt(0)) % 5);
  for (const k of keys) {
    const start = k.split(',').map(Number);
    const l = logits.get(k)!;
    done.push(...(l ? acc.add(start, l) : acc.skip(start)));
  }
  return { acc, done, weights, logits };
}

describe('Accumulator', () => {
  const cases: Case[] = [
    { shape: [20, 17, 23], chunk: [8, 8, 8], patch: [8, 6, 10], positions: [[0, 4, 8, 12], [0, 5, 11], [0, 7, 13]], channels: 2 },
    { shape: [5, 6, 7], chunk: [4, 4, 4], patch: [8, 8, 8], positions: [[0], [0], [0]], channels: 1 }, // volume smaller than patch
    { shape: [16, 16, 16], chunk: [16, 16, 16], patch: [8, 8, 8], positions: [[0, 8], [0, 8], [0, 8]], channels: 3 },
  ];

  it.each(cases.map((c, i) => [i, c] as const))('case %i equals the dense voxel-by-voxel reference', (_i, c) => {
    const { acc, done, weights, logits } = runCase(c);
    expect(acc.openChunks).toBe(0);
    const ref = denseReference(c, weights, (p) => logits.get(p.join(','))!);
    const [Z, Y, X] = c.shape;
    const vox = Z * Y * X;
    let covered = 0;
    const seen = new Set<string>();
    for (const ch of done) {
      expect(ch.complete).toBe(true);
      expect(seen.has(ch.index.join(','))).toBe(false);
      seen.add(ch.index.join(','));
      const out = divideChunk(ch.sum, ch.weight, c.channels);
      const [dz, dy, dx] = ch.shape as number[];
      const cv = dz! * dy! * dx!;
      for (let ci = 0; ci < c.channels; ci++)
        for (let z = 0; z < dz!; z++)
          for (let y = 0; y < dy!; y++)
            for (let x = 0; x < dx!; x++) {
              const gi = ((ch.start[0]! + z) * Y + ch.start[1]! + y) * X + ch.start[2]! + x;
              const got = out[ci * cv + (z * dy! + y) * dx! + x]!;
              const want = ref[ci * vox + gi]!;
              if (Number.isNaN(want)) expect(got).toBeNaN();
              else expect(Math.abs(got - want)).toBeLessThan(1e-4);
              if (ci === 0) covered++;
            }
    }
    // Every voxel of the volume lies in exactly one completed chunk when the patches cover it all.
    expect(covered).toBe(vox);
  });

  it('skipped (empty) patches complete chunks without adding weight, leaving no-data where nothing else covers', () => {
    const c = cases[2]!;
    const { done, weights, logits } = runCase(c, 3);
    const ref = denseReference(c, weights, (p) => logits.get(p.join(','))!);
    const nan = ref.filter((v) => Number.isNaN(v)).length;
    expect(nan).toBeGreaterThan(0);
    const out = divideChunk(done[0]!.sum, done[0]!.weight, c.channels);
    expect(out.filter((v) => Number.isNaN(v)).length).toBe(nan);
  });

  it('counts completion from the grid: a chunk is handed back only after its last patch', () => {
    const c: Case = { shape: [12, 4, 4], chunk: [4, 4, 4], patch: [8, 4, 4], positions: [[0, 4], [0], [0]], channels: 1 };
    const acc = new Accumulator({ shape: c.shape, chunkShape: c.chunk, channels: 1, patchSize: c.patch, weights: new Float32Array(128).fill(1), positions: c.positions });
    expect(acc.expectedPatches([0, 0, 0])).toBe(1);
    expect(acc.expectedPatches([1, 0, 0])).toBe(2);
    expect(acc.expectedPatches([2, 0, 0])).toBe(1);
    const first = acc.add([0, 0, 0], new Float32Array(128).fill(2));
    expect(first.map((ch) => ch.index[0])).toEqual([0]);
    expect(acc.openChunks).toBe(1);
    const second = acc.add([4, 0, 0], new Float32Array(128).fill(4));
    expect(second.map((ch) => ch.index[0]).sort()).toEqual([1, 2]);
    const middle = second.find((ch) => ch.index[0] === 1)!;
    expect(divideChunk(middle.sum, middle.weight, 1)[0]).toBe(3); // (2 + 4) / 2 with unit weights
    expect(acc.openBytes).toBe(0);
    // Chunks open lazily and close as soon as complete: one 4³ chunk (sum + weight) at a time here.
    expect(acc.peakOpenBytes).toBe(64 * 2 * 4);
  });

  it('drain hands back partial sums of incomplete chunks', () => {
    const c: Case = { shape: [12, 4, 4], chunk: [4, 4, 4], patch: [8, 4, 4], positions: [[0, 4], [0], [0]], channels: 1 };
    const acc = new Accumulator({ shape: c.shape, chunkShape: c.chunk, channels: 1, patchSize: c.patch, weights: new Float32Array(128).fill(0.5), positions: c.positions });
    acc.add([0, 0, 0], new Float32Array(128).fill(2));
    const partial = acc.drain();
    expect(partial).toHaveLength(1);
    expect(partial[0]!.complete).toBe(false);
    expect(partial[0]!.weight[0]).toBe(0.5);
    expect(partial[0]!.sum[0]).toBe(1);
    expect(acc.openChunks).toBe(0);
  });

  it('rejects a patch outside its set', () => {
    const acc = new Accumulator({ shape: [8, 8, 8], chunkShape: [8, 8, 8], channels: 1, patchSize: [4, 4, 4], weights: new Float32Array(64).fill(1), positions: [[0, 4], [0], [0]] });
    expect(() => acc.add([0, 4, 4], new Float32Array(64))).toThrow(/not part of the accumulator's patch set/);
  });
});

describe('PooledAccumulator (Piscina workers on shared memory)', () => {
  it('gives the same sums as the Accumulator, with 2 workers and patches in flight together', async () => {
    const { AccumulatePool } = await import('./accumulate-pool');
    const { PooledAccumulator } = await import('./pooled-accumulator');
    const c: Case = { shape: [20, 17, 23], chunk: [8, 8, 8], patch: [8, 6, 10], positions: [[0, 4, 8, 12], [0, 5, 11], [0, 7, 13]], channels: 2 };
    const { done: expected, weights, logits } = runCase(c);
    const pool = new AccumulatePool(2);
    try {
      const acc = new PooledAccumulator({ shape: c.shape, chunkShape: c.chunk, channels: 2, patchSize: c.patch, weights, positions: c.positions }, pool);
      const results = await Promise.all(
        [...logits.entries()].map(([k, l]) => {
          const start = k.split(',').map(Number);
          return l ? acc.add(start, l) : acc.skip(start);
        }),
      );
      const got = results.flat();
      expect(acc.openChunks).toBe(0);
      expect(got.length).toBe(expected.length);
      const byIndex = new Map(expected.map((ch) => [ch.index.join(','), ch]));
      for (const ch of got) {
        const want = byIndex.get(ch.index.join(','))!;
        expect(ch.sum.buffer).toBeInstanceOf(SharedArrayBuffer);
        for (let i = 0; i < want.sum.length; i++) expect(Math.abs(ch.sum[i]! - want.sum[i]!)).toBeLessThan(1e-4);
        for (let i = 0; i < want.weight.length; i++) expect(Math.abs(ch.weight[i]! - want.weight[i]!)).toBeLessThan(1e-5);
      }
    } finally {
      await pool.destroy();
    }
  });
});

describe('partial chunks across parts', () => {
  it('a part fed with its own patches of the global set completes its inner chunks and drains the shared ones with their count', () => {
    const positions = [[0, 4], [0], [0]]; // the global set: both parts build their Accumulator on it
    const options = { shape: [12, 4, 4], chunkShape: [4, 4, 4], channels: 1, patchSize: [8, 4, 4], weights: new Float32Array(128).fill(1), positions };
    const a = new Accumulator(options); // part A holds the patch at z = 0
    const b = new Accumulator(options); // part B the one at z = 4
    expect(a.add([0, 0, 0], new Float32Array(128).fill(2)).map((c) => c.index[0])).toEqual([0]);
    expect(b.add([4, 0, 0], new Float32Array(128).fill(4)).map((c) => c.index[0])).toEqual([2]);
    const [pa] = a.drain();
    const [pb] = b.drain();
    expect([pa!.index[0], pa!.counted, pa!.complete]).toEqual([1, 1, false]);
    expect([pb!.index[0], pb!.counted, pb!.complete]).toEqual([1, 1, false]);
    expect(a.expectedPatches([1, 0, 0])).toBe(pa!.counted + pb!.counted);
    // Merging the partial sums gives what one accumulator over both patches gives.
    const sum = pa!.sum.map((v, k) => v + pb!.sum[k]!);
    const weight = pa!.weight.map((v, k) => v + pb!.weight[k]!);
    expect(divideChunk(sum, weight, 1)[0]).toBe(3);
  });
});
