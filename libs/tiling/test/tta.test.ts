import { describe, expect, it } from 'vitest';
import { AxisTransform, octopiTtaTransforms, TilingArgumentError, ttaTransforms, TtaShapeError, type NdArrayF32 } from '../src';

function ramp(shape: number[]): NdArrayF32 {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  // Distinct, non-integer values so any misplaced element shows.
  for (let i = 0; i < n; i++) data[i] = i * 1.25 + 0.1;
  return { data, shape };
}

function empty(shape: readonly number[]): NdArrayF32 {
  return { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape };
}

/** Reference implementation by per-element index arithmetic: out[o] = in[i], i[perm[a]] = flip ? n−1−o : o. */
function naive(t: AxisTransform, src: NdArrayF32): Float32Array {
  const nd = t.spatialDims;
  const sp = src.shape.slice(src.shape.length - nd);
  const vol = sp.reduce((a, b) => a * b, 1);
  const out = new Float32Array(src.data.length);
  for (let blk = 0; blk < src.data.length / vol; blk++) {
    for (let o = 0; o < vol; o++) {
      const oc: number[] = [];
      let r = o;
      for (let a = nd - 1; a >= 0; a--) {
        oc[a] = r % sp[a]!;
        r = Math.floor(r / sp[a]!);
      }
      const ic: number[] = new Array<number>(nd);
      for (let a = 0; a < nd; a++) ic[t.perm[a]!] = t.flip[a] ? sp[a]! - 1 - oc[a]! : oc[a]!;
      let i = 0;
      for (let a = 0; a < nd; a++) i = i * sp[a]! + ic[a]!;
      out[blk * vol + o] = src.data[blk * vol + i]!;
    }
  }
  return out;
}

function roundTrip(t: AxisTransform, x: NdArrayF32): void {
  const y = empty(t.outputShape(x.shape));
  t.apply(x, y);
  expect(y.data).toEqual(naive(t, x));
  const back = empty(x.shape);
  t.invert(y, back);
  // Bit-exact: a TTA inverse only moves values.
  expect(Buffer.from(back.data.buffer).equals(Buffer.from(x.data.buffer))).toBe(true);
}

describe('mirroring', () => {
  it('has the 8 flip combinations in villa’s order, 4 in 2-D', () => {
    expect(ttaTransforms('mirroring', 3).map((t) => t.name)).toEqual([
      'identity', 'flip_x', 'flip_y', 'flip_z', 'flip_xy', 'flip_xz', 'flip_yz', 'flip_xyz',
    ]);
    expect(ttaTransforms('mirroring', 2).map((t) => t.name)).toEqual(['identity', 'flip_x', 'flip_y', 'flip_xy']);
    expect(ttaTransforms('mirroring', 3, { mirrorAxes: [1, 2] }).map((t) => t.name)).toEqual(['identity', 'flip_x', 'flip_y', 'flip_xy']);
    expect(ttaTransforms('none', 3).map((t) => t.name)).toEqual(['identity']);
  });

  it('inverts bit-exactly on non-cubic patches, with channels and a batch', () => {
    for (const t of ttaTransforms('mirroring', 3)) {
      roundTrip(t, ramp([2, 3, 4, 5]));
      roundTrip(t, ramp([2, 1, 5, 3, 4]));
      roundTrip(t, ramp([1, 1, 1, 7]));
    }
    for (const t of ttaTransforms('mirroring', 2)) roundTrip(t, ramp([3, 5, 6]));
  });

  it('flips by hand', () => {
    const x = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [1, 2, 3] };
    const [, fx, fy, fxy] = ttaTransforms('mirroring', 2);
    const y = empty(x.shape);
    fx!.apply(x, y);
    expect([...y.data]).toEqual([3, 2, 1, 6, 5, 4]);
    fy!.apply(x, y);
    expect([...y.data]).toEqual([4, 5, 6, 1, 2, 3]);
    fxy!.apply(x, y);
    expect([...y.data]).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('gives 8 different patches', () => {
    const x = ramp([1, 3, 4, 5]);
    const outs = ttaTransforms('mirroring', 3).map((t) => {
      const y = empty(x.shape);
      t.apply(x, y);
      return y.data.join(',');
    });
    expect(new Set(outs).size).toBe(8);
  });
});

describe('rotation (villa: transpositions)', () => {
  it('is identity, transpose(z,x), transpose(z,y) and inverts exactly on cubic patches', () => {
    const ts = ttaTransforms('rotation', 3, { patchSize: [4, 4, 4] });
    expect(ts.map((t) => t.name)).toEqual(['identity', 'transpose_zx', 'transpose_zy']);
    for (const t of ts) roundTrip(t, ramp([2, 4, 4, 4]));
    const x = ramp([1, 3, 3, 3]);
    const y = empty(x.shape);
    ts[1]!.apply(x, y);
    for (let z = 0; z < 3; z++) for (let yy = 0; yy < 3; yy++) for (let xx = 0; xx < 3; xx++) {
      expect(y.data[(z * 3 + yy) * 3 + xx]).toBe(x.data[(xx * 3 + yy) * 3 + z]);
    }
    expect(ttaTransforms('rotation', 2).map((t) => t.name)).toEqual(['identity', 'transpose_yx']);
  });

  it('throws a clear error on patches that are not cubic in the swapped axes', () => {
    expect(() => ttaTransforms('rotation', 3, { patchSize: [4, 4, 8] })).toThrow(TtaShapeError);
    // transpose(z, y) only needs Z = Y.
    const zy = ttaTransforms('rotation', 3)[2]!;
    roundTrip(zy, ramp([1, 4, 4, 6]));
    const zx = ttaTransforms('rotation', 3)[1]!;
    expect(() => zx.apply(ramp([1, 4, 4, 6]), empty([1, 4, 4, 6]))).toThrow(
      "TTA 'transpose_zx' swaps spatial axes 0 and 2, but patch [4, 4, 6] has different extents there: use a patch with equal extents on those axes, or mirroring TTA",
    );
  });
});

describe('octopi TTA', () => {
  it('takes the first n of its ordered list, clamped to 1..8', () => {
    expect(octopiTtaTransforms().map((t) => t.name)).toEqual(['identity', 'rot90_yx_k2', 'flip_z', 'flip_x']);
    expect(octopiTtaTransforms(0)).toHaveLength(1);
    expect(octopiTtaTransforms(1)).toHaveLength(1);
    expect(octopiTtaTransforms(2)).toHaveLength(2);
    expect(octopiTtaTransforms(12).map((t) => t.name)).toEqual([
      'identity', 'rot90_yx_k2', 'flip_z', 'flip_x', 'flip_y', 'rot90_yx_k1', 'rot90_yx_k3', 'flip_zyx',
    ]);
  });

  it('rotates like np.rot90 over (y, x) and inverts exactly', () => {
    const all = octopiTtaTransforms(8);
    const k1 = all[5]!;
    const k2 = all[1]!;
    const k3 = all[6]!;
    // np.rot90([[1, 2], [3, 4]]) = [[2, 4], [1, 3]]; k=3 gives [[3, 1], [4, 2]].
    const x = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 2, 2] };
    const y = empty(x.shape);
    k1.apply(x, y);
    expect([...y.data]).toEqual([2, 4, 1, 3]);
    k3.apply(x, y);
    expect([...y.data]).toEqual([3, 1, 4, 2]);
    // k1 twice is k2; k3 after k1 is the identity.
    const c = ramp([2, 3, 5, 5]);
    const a1 = empty(c.shape);
    const a2 = empty(c.shape);
    const b = empty(c.shape);
    k1.apply(c, a1);
    k1.apply(a1, a2);
    k2.apply(c, b);
    expect(a2.data).toEqual(b.data);
    k3.apply(a1, a2);
    expect(a2.data).toEqual(c.data);
    for (const t of all) roundTrip(t, ramp([2, 3, 5, 5]));
    expect(() => k1.apply(ramp([1, 3, 4, 5]), empty([1, 3, 4, 5]))).toThrow(TtaShapeError);
  });
});

describe('AxisTransform', () => {
  it('matches per-element indexing for every permutation and flip of 3 axes', () => {
    const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const perm of perms) for (let f = 0; f < 8; f++) {
      const t = new AxisTransform('t', perm, [!!(f & 4), !!(f & 2), !!(f & 1)]);
      roundTrip(t, ramp([2, 4, 4, 4]));
      const inv = t.inverse();
      const x = ramp([1, 4, 4, 4]);
      const y = empty(x.shape);
      const z = empty(x.shape);
      t.apply(x, y);
      inv.apply(y, z);
      expect(z.data).toEqual(x.data);
    }
  });

  it('rejects bad permutations, wrong destination shapes and aliasing', () => {
    expect(() => new AxisTransform('bad', [0, 0, 1], [false, false, false])).toThrow(TilingArgumentError);
    const t = ttaTransforms('mirroring', 3)[1]!;
    const x = ramp([1, 2, 3, 4]);
    expect(() => t.apply(x, empty([1, 2, 4, 3]))).toThrow(/destination shape \[1, 2, 4, 3\]/);
    expect(() => t.apply(x, x)).toThrow(/overlap/);
    expect(() => ttaTransforms('spin' as never, 3)).toThrow(/unknown TTA kind 'spin'/);
    expect(() => ttaTransforms('mirroring', 3, { mirrorAxes: [3] })).toThrow(/mirror axes/);
  });
});
