import { describe, expect, it } from 'vitest';
import { PatchGrid, TilingArgumentError, type Box, type PatchList } from '../src';

function intersects(start: number[], patch: readonly number[], box: Box): boolean {
  return start.every((s, a) => s < box.stop[a]! && s + patch[a]! > box.start[a]!);
}

/** Deterministic pseudo-random numbers (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBox(shape: readonly number[], rand: () => number): Box {
  const start: number[] = [];
  const stop: number[] = [];
  for (const d of shape) {
    const a = Math.floor(rand() * d);
    const b = Math.floor(rand() * d);
    start.push(Math.min(a, b));
    stop.push(Math.max(a, b) + 1);
  }
  return { start, stop };
}

const sorted = (l: PatchList): number[] => [...l.indices].sort((a, b) => a - b);

describe('PatchGrid', () => {
  const grid = new PatchGrid({ shape: [193, 110, 97], patchSize: [128, 64, 64], overlap: 0.5 });

  it('takes nnU-Net positions per axis and numbers patches row-major', () => {
    expect(grid.positions).toEqual([
      [0, 32, 65],
      [0, 23, 46],
      [0, 16, 33],
    ]);
    expect(grid.gridShape).toEqual([3, 3, 3]);
    expect(grid.count).toBe(27);
    expect(grid.patch(0)).toEqual([0, 0, 0]);
    expect(grid.patch(1)).toEqual([0, 0, 16]);
    expect(grid.patch(3)).toEqual([0, 23, 0]);
    expect(grid.patch(26)).toEqual([65, 46, 33]);
    expect(grid.patchBox(13)).toEqual({ start: [32, 23, 16], stop: [160, 87, 80] });
    const all = [...grid];
    expect(all).toHaveLength(27);
    expect(all[9]).toEqual([32, 0, 0]);
    for (let i = 0; i < grid.count; i++) expect(grid.indexOf(grid.gridCoords(i))).toBe(i);
    expect(grid.needsPadding).toBe(false);
    expect(grid.paddedShape).toEqual([193, 110, 97]);
  });

  it('pads axes smaller than the patch, centred like nnU-Net by default', () => {
    const g = new PatchGrid({ shape: [31, 200], patchSize: [64, 64], overlap: 0.5 });
    expect(g.padBefore).toEqual([16, 0]);
    expect(g.padAfter).toEqual([17, 0]);
    expect(g.paddedShape).toEqual([64, 200]);
    expect(g.positions[0]).toEqual([-16]);
    expect(g.positions[1]).toEqual([0, 27, 54, 82, 109, 136]);
    expect(g.needsPadding).toBe(true);
    const e = new PatchGrid({ shape: [31, 200], patchSize: [64, 64], overlap: 0.5, padding: 'end' });
    expect(e.positions[0]).toEqual([0]);
    expect(e.padBefore).toEqual([0, 0]);
    expect(e.padAfter).toEqual([33, 0]);
  });

  it('restrictTo returns exactly the global patches that intersect the box', () => {
    const rand = rng(1);
    const grids = [
      grid,
      new PatchGrid({ shape: [300, 257, 411], patchSize: [64, 48, 80], overlap: 0.25 }),
      new PatchGrid({ shape: [20, 90, 130], patchSize: [32, 32, 32], overlap: 0.5 }),
      new PatchGrid({ shape: [512, 700], patchSize: [96, 128], overlap: 0.75, padding: 'end' }),
    ];
    for (const g of grids) {
      const everything = [...g.all()];
      for (let k = 0; k < 60; k++) {
        const box = randomBox(g.shape, rand);
        const expected = everything.filter((p) => intersects(p.start, g.patchSize, box)).map((p) => p.index);
        const got = g.restrictTo(box);
        expect([...got.indices]).toEqual(expected);
        expect(g.countIntersecting(box)).toBe(expected.length);
        expect(g.all().restrictTo(box).indices).toEqual(got.indices);
      }
      const whole = { start: g.shape.map(() => 0), stop: [...g.shape] };
      expect(g.restrictTo(whole).length).toBe(g.count);
    }
  });

  it('rejects boxes outside the volume', () => {
    expect(() => grid.restrictTo({ start: [0, 0, 0], stop: [194, 10, 10] })).toThrow(TilingArgumentError);
    expect(() => grid.restrictTo({ start: [5, 0, 0], stop: [5, 10, 10] })).toThrow(/non-empty and inside the volume/);
    expect(() => grid.restrictTo({ start: [0, 0], stop: [5, 10] })).toThrow(/must have 3 axes/);
  });

  it('rejects inconsistent options', () => {
    expect(() => new PatchGrid({ shape: [10, 10], patchSize: [4], overlap: 0.5 })).toThrow(TilingArgumentError);
    expect(() => new PatchGrid({ shape: [10], patchSize: [4], overlap: 1 })).toThrow(/overlap/);
    expect(() => grid.patch(27)).toThrow(/patch index must be an integer in \[0, 26\], got 27/);
    expect(() => new PatchGrid({ shape: [10], patchSize: [4], overlap: 0.5, padding: 'left' as never })).toThrow(/padding/);
  });

  it('describes itself as JSON for run metadata', () => {
    const d = JSON.parse(JSON.stringify(grid)) as Record<string, unknown>;
    expect(d).toMatchObject({ shape: [193, 110, 97], patchSize: [128, 64, 64], overlap: 0.5, stepFraction: 0.5, count: 27 });
    expect(grid.all().startsArray().slice(0, 6)).toEqual(Int32Array.from([0, 0, 0, 0, 0, 16]));
  });
});

describe('parts', () => {
  const grid = new PatchGrid({ shape: [1000, 300, 260], patchSize: [128, 128, 128], overlap: 0.5 });

  function checkParts(list: PatchList, maxParts: number): void {
    const n0 = grid.gridShape[0]!;
    const slabOf = (i: number): number => Math.floor(i / (grid.count / n0));
    const slabs = new Set([...list.indices].map(slabOf));
    const slabCounts = new Map<number, number>();
    for (const i of list.indices) slabCounts.set(slabOf(i), (slabCounts.get(slabOf(i)) ?? 0) + 1);
    const maxSlab = Math.max(...slabCounts.values());
    for (let n = 1; n <= maxParts; n++) {
      const parts = Array.from({ length: n }, (_, id) => list.part(n, id));
      const union = parts.flatMap((p) => [...p.indices]).sort((a, b) => a - b);
      expect(union).toEqual(sorted(list));
      expect(new Set(union).size).toBe(union.length);
      let lastSlab = -1;
      for (const p of parts) {
        if (n <= slabs.size) expect(p.length).toBeGreaterThan(0);
        if (p.length === 0) continue;
        const ps = [...p.indices].map(slabOf);
        // Whole slabs, contiguous, in part order.
        expect(Math.min(...ps)).toBeGreaterThan(lastSlab);
        lastSlab = Math.max(...ps);
        for (const s of new Set(ps)) expect(ps.filter((x) => x === s).length).toBe(slabCounts.get(s));
        if (n <= slabs.size) expect(Math.abs(p.length - list.length / n)).toBeLessThanOrEqual(maxSlab);
      }
    }
  }

  it('split whole z-slabs into balanced, disjoint parts whose union is the grid', () => {
    expect(grid.gridShape[0]).toBe(15);
    checkParts(grid.all(), 18);
    const p4 = [0, 1, 2, 3].map((id) => grid.part(4, id).length / (grid.count / 15));
    // Targets 3.75, 7.5, 11.25 slabs; the tie at 7.5 goes to the lower boundary.
    expect(p4).toEqual([4, 3, 4, 4]);
  });

  it('split a --bbox selection and an uneven (skip-empty filtered) selection the same way', () => {
    checkParts(grid.restrictTo({ start: [200, 10, 0], stop: [700, 100, 260] }), 9);
    const uneven = grid.all().filter((index, start) => start[0]! < 300 || (index * 7919) % 5 === 0);
    checkParts(uneven, 12);
  });

  it('rejects invalid part ids', () => {
    expect(() => grid.part(0, 0)).toThrow(TilingArgumentError);
    expect(() => grid.part(3, 3)).toThrow(/part id must be an integer in \[0, 2\], got 3/);
  });
});

describe('patch order', () => {
  /** Z-order key by plain bit interleaving, axis 0 most significant. */
  function mortonKey(c: number[]): number {
    let key = 0;
    for (let bit = 10; bit >= 0; bit--) for (const v of c) key = key * 2 + ((v >> bit) & 1);
    return key;
  }

  it('morton order is a permutation sorted by interleaved chunk index, ties row-major', () => {
    const grid = new PatchGrid({ shape: [200, 300, 260], patchSize: [64, 64, 64], overlap: 0.5 });
    const chunk = [50, 128, 90];
    const list = grid.all().ordered('morton', chunk);
    expect(sorted(list)).toEqual([...grid.all().indices]);
    const keys = [...list.indices].map((i) => mortonKey(grid.patch(i).map((s, a) => Math.floor(s / chunk[a]!))));
    for (let i = 1; i < keys.length; i++) {
      expect(keys[i]!).toBeGreaterThanOrEqual(keys[i - 1]!);
      if (keys[i] === keys[i - 1]) expect(list.indices[i]!).toBeGreaterThan(list.indices[i - 1]!);
    }
    expect([...list.ordered('zyx').indices]).toEqual([...grid.all().indices]);
  });

  it('visits a 4×4 chunk grid in Z-order', () => {
    const grid = new PatchGrid({ shape: [64, 64], patchSize: [16, 16], overlap: 0 });
    const starts = [...grid.all().ordered('morton', [16, 16])].map((p) => p.start.map((s) => s / 16).join(''));
    expect(starts.slice(0, 8)).toEqual(['00', '01', '10', '11', '02', '03', '12', '13']);
    expect(starts[8]).toBe('20');
  });

  it('needs a chunk shape for morton', () => {
    const grid = new PatchGrid({ shape: [64, 64], patchSize: [16, 16], overlap: 0 });
    expect(() => grid.all().ordered('morton')).toThrow(/morton patch order needs the input chunk shape/);
  });

  it('keeps input chunks hot: fewer LRU misses than row-major', () => {
    // 192³ patches at overlap 0.5 over 128³ chunks and an LRU of 128 chunks (villa's PR #1331 setting, scaled down).
    const shape = [1024, 2048, 2048];
    const chunk = [128, 128, 128];
    const grid = new PatchGrid({ shape, patchSize: [192, 192, 192], overlap: 0.5 });
    const misses = (list: PatchList): number => {
      const lru = new Map<string, true>();
      let miss = 0;
      for (const { start } of list) {
        const lo = start.map((s, a) => Math.floor(s / chunk[a]!));
        const hi = start.map((s, a) => Math.floor((s + 191) / chunk[a]!));
        for (let z = lo[0]!; z <= hi[0]!; z++)
          for (let y = lo[1]!; y <= hi[1]!; y++)
            for (let x = lo[2]!; x <= hi[2]!; x++) {
              const k = `${z}.${y}.${x}`;
              if (lru.delete(k)) lru.set(k, true);
              else {
                miss++;
                lru.set(k, true);
                if (lru.size > 128) lru.delete(lru.keys().next().value!);
              }
            }
      }
      return miss;
    };
    const total = (shape[0]! / 128) * (shape[1]! / 128) * (shape[2]! / 128);
    const rowMajor = misses(grid.all());
    const morton = misses(grid.all().ordered('morton', chunk));
    // Measured: row-major fetches 4.45× the chunks, Morton 2.21×.
    expect(morton).toBeLessThan(0.6 * rowMajor);
    expect(morton).toBeGreaterThanOrEqual(total);
  });
});
