import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readNgff, validateMultiscales, type Multiscale } from '@voxelflow/ome-ngff';
import { FileStore } from '@voxelflow/remote-storage';
import { createOmeZarr, createVolume, float32ToFloat16 } from '@voxelflow/volume-io';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COMPLETE_MARKER_KEY,
  FINALIZE_VERSION,
  FinalizeInputError,
  FinalizeOptionsError,
  FinalizeOutputExistsError,
  FinalizeStateError,
  PROGRESS_KEY,
  createFinalizeOutput,
  finalize,
  type FinalizeProgressEvent,
} from '../src/index';
import { logistic, makeLogits, readWithZarrita, recording, removeTempDirs, tempDir, writeLogits } from './helpers';

afterAll(removeTempDirs);

const SHAPE = [12, 12, 12];
const CHUNK = [8, 8, 8];
const N = 12 * 12 * 12;
/** A foreground score in [−2, 2], multiples of 1/4 (exact in float16). */
const d = (z: number, y: number, x: number): number => (((x + 2 * y + 3 * z) % 17) - 8) / 4;
/** No-data: the corner 2×2×2 block, and the whole last chunk (z, y, x ≥ 8), which is then not stored. */
const noData = (z: number, y: number, x: number): boolean => (z < 2 && y < 2 && x < 2) || (z >= 8 && y >= 8 && x >= 8);
const NO_DATA_VOXELS = 8 + 4 * 4 * 4;
const at = (z: number, y: number, x: number): number => (z * 12 + y) * 12 + x;

function* voxels(): Generator<[number, number, number]> {
  for (let z = 0; z < 12; z++) for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) yield [z, y, x];
}

async function binaryInput(channels: 1 | 2, dir?: string): Promise<string> {
  const url = join(dir ?? (await tempDir()), 'logits.zarr');
  const logits = makeLogits(channels, SHAPE, (z, y, x) =>
    noData(z, y, x) ? [NaN, NaN] : channels === 2 ? [0.5, 0.5 + d(z, y, x)] : [d(z, y, x)],
  );
  await writeLogits(url, logits, channels, SHAPE, CHUNK, {
    attributes: { voxelflow: { geometry: { spacing: [0.5, 0.5, 2], origin: [0, 0, 0], unit: 'µm' } } },
  });
  return url;
}

describe('binary', () => {
  it('C=2: uint8 p·255 within 1/255 (and exactly rounded), no-data → 0 and counted', async () => {
    const input = await binaryInput(2);
    const output = join(await tempDir(), 'out.zarr');
    const result = await finalize({ input, output, mode: 'binary' });
    expect(result.status).toBe('completed');
    expect(result.noDataVoxels).toBe(NO_DATA_VOXELS);
    expect(result.chunks).toMatchObject({ total: 8, noData: 1, written: 7, empty: 0 });
    const { data, shape } = await readWithZarrita(output, '0', '0.4');
    expect(shape).toEqual(SHAPE); // one output channel: squeezed to (Z, Y, X)
    expect(data).toBeInstanceOf(Uint8Array);
    for (const [z, y, x] of voxels()) {
      const u = data[at(z, y, x)]!;
      if (noData(z, y, x)) {
        expect(u).toBe(0);
        continue;
      }
      const p = logistic(d(z, y, x));
      expect(Math.abs(u / 255 - p)).toBeLessThanOrEqual(1 / 255);
      expect(u).toBe(Math.round(p * 255));
    }
  });

  it('C=2: float32 writes p unscaled (within 1e-6); truncate rounding reproduces the reference', async () => {
    const input = await binaryInput(2);
    const dir = await tempDir();
    await finalize({ input, output: join(dir, 'f.zarr'), mode: 'binary', dtype: 'float32' });
    await finalize({ input, output: join(dir, 't.zarr'), mode: 'binary', rounding: 'truncate' });
    const f = (await readWithZarrita(join(dir, 'f.zarr'), '0', '0.4')).data;
    const t = (await readWithZarrita(join(dir, 't.zarr'), '0', '0.4')).data;
    expect(f).toBeInstanceOf(Float32Array);
    for (const [z, y, x] of voxels()) {
      const p = noData(z, y, x) ? 0 : logistic(d(z, y, x));
      expect(Math.abs(f[at(z, y, x)]! - p)).toBeLessThan(1e-6);
      expect(t[at(z, y, x)]).toBe(Math.floor(p * 255));
    }
  });

  it('C=1 sigmoid and threshold masks (0.5 by default, strict; a custom cutoff)', async () => {
    const input = await binaryInput(1);
    const dir = await tempDir();
    await finalize({ input, output: join(dir, 'p.zarr'), mode: 'binary' });
    await finalize({ input, output: join(dir, 'm.zarr'), mode: 'binary', threshold: true });
    const r = await finalize({ input, output: join(dir, 'm2.zarr'), mode: 'binary', threshold: 0.2 });
    expect(r.channelNames).toEqual(['mask']);
    const p = (await readWithZarrita(join(dir, 'p.zarr'), '0', '0.4')).data;
    const m = (await readWithZarrita(join(dir, 'm.zarr'), '0', '0.4')).data;
    const m2 = (await readWithZarrita(join(dir, 'm2.zarr'), '0', '0.4')).data;
    let zeros = 0;
    for (const [z, y, x] of voxels()) {
      const i = at(z, y, x);
      if (noData(z, y, x)) {
        expect([p[i], m[i], m2[i]]).toEqual([0, 0, 0]);
        continue;
      }
      const s = d(z, y, x);
      if (s === 0) zeros++;
      expect(Math.abs(p[i]! / 255 - logistic(s))).toBeLessThanOrEqual(1 / 255);
      expect(m[i]).toBe(s > 0 ? 255 : 0); // p = 0.5 exactly (s = 0) is not foreground
      expect(m2[i]).toBe(logistic(s) > 0.2 ? 255 : 0);
    }
    expect(zeros).toBeGreaterThan(0);
  });
});

describe('multiclass', () => {
  // Three classes: l = (0, a, b) with a, b from the position; NaN where noData.
  const la = (z: number, y: number, x: number): number => ((x % 5) - 2) / 2;
  const lb = (z: number, y: number, x: number): number => (((y + z) % 7) - 3) / 2;
  async function input(): Promise<string> {
    const url = join(await tempDir(), 'logits.zarr');
    const logits = makeLogits(3, SHAPE, (z, y, x) => (noData(z, y, x) ? [NaN, NaN, NaN] : [0, la(z, y, x), lb(z, y, x)]));
    await writeLogits(url, logits, 3, SHAPE, CHUNK, { dtype: 'float32', format: 'zarr3' });
    return url;
  }

  it('C probability channels + an argmax channel; threshold → argmax only', async () => {
    const url = await input();
    const dir = await tempDir();
    const r = await finalize({ input: url, output: join(dir, 'mc.zarr'), mode: 'multiclass' });
    expect(r.channelNames).toEqual(['class_0', 'class_1', 'class_2', 'argmax']);
    const t = await finalize({ input: url, output: join(dir, 'mt.zarr'), mode: 'multiclass', threshold: true });
    expect(t.channelNames).toEqual(['argmax']);
    const all = await readWithZarrita(join(dir, 'mc.zarr'), '0', '0.4');
    const arg = await readWithZarrita(join(dir, 'mt.zarr'), '0', '0.4');
    expect(all.shape).toEqual([4, ...SHAPE]);
    expect(arg.shape).toEqual(SHAPE);
    for (const [z, y, x] of voxels()) {
      const i = at(z, y, x);
      if (noData(z, y, x)) {
        for (let c = 0; c < 4; c++) expect(all.data[c * N + i]).toBe(0);
        expect(arg.data[i]).toBe(0);
        continue;
      }
      const l = [0, la(z, y, x), lb(z, y, x)];
      const e = l.map((v) => Math.exp(v));
      const sum = e[0]! + e[1]! + e[2]!;
      let best = 0;
      for (let c = 1; c < 3; c++) if (l[c]! > l[best]!) best = c;
      for (let c = 0; c < 3; c++) expect(Math.abs(all.data[c * N + i]! / 255 - e[c]! / sum)).toBeLessThanOrEqual(1 / 255);
      expect(all.data[3 * N + i]).toBe(best);
      expect(arg.data[i]).toBe(best);
    }
  });
});

describe('global scale (no per-chunk rescaling, issue #1432)', () => {
  it('two chunks with very different logit ranges are scaled identically', async () => {
    // x < 8: logits in [−1, 1]; x ≥ 8: logits in [−20, 20]. Voxels with the same logit must get the
    // same value, and chunk A must not be stretched to 0…255.
    const shape = [8, 8, 16];
    const small = (z: number, y: number, x: number): number => ((x + y + z) % 9) / 4 - 1; // −1 … 1
    const large = (z: number, y: number, x: number): number => (((x + y + z) % 9) / 4 - 1) * 20; // −20 … 20
    const f = (z: number, y: number, x: number): number => (x < 8 ? small(z, y, x) : large(z, y, x));
    const url = join(await tempDir(), 'logits.zarr');
    await writeLogits(url, makeLogits(1, shape, (z, y, x) => [f(z, y, x)]), 1, shape, [8, 8, 8]);
    const mcUrl = join(await tempDir(), 'mc.zarr');
    await writeLogits(mcUrl, makeLogits(2, shape, (z, y, x) => [0, f(z, y, x)]), 2, shape, [8, 8, 8]);
    const dir = await tempDir();
    await finalize({ input: url, output: join(dir, 'b.zarr'), mode: 'binary' });
    await finalize({ input: mcUrl, output: join(dir, 'm.zarr'), mode: 'multiclass' });
    const b = (await readWithZarrita(join(dir, 'b.zarr'), '0', '0.4')).data;
    const m = (await readWithZarrita(join(dir, 'm.zarr'), '0', '0.4')).data;
    const n = 8 * 8 * 16;
    const byLogit = new Map<number, Set<number>>();
    let maxA = 0;
    let minA = 255;
    for (let z = 0; z < 8; z++)
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 16; x++) {
          const i = (z * 8 + y) * 16 + x;
          const l = f(z, y, x);
          const u = b[i]!;
          expect(u).toBe(Math.round(logistic(l) * 255));
          expect(m[n + i]).toBe(u); // multiclass class-1 probability: the same global scale
          if (!byLogit.has(l)) byLogit.set(l, new Set());
          byLogit.get(l)!.add(u);
          if (x < 8) {
            maxA = Math.max(maxA, u);
            minA = Math.min(minA, u);
          }
        }
    for (const [, values] of byLogit) expect(values.size).toBe(1);
    expect(byLogit.has(1) && byLogit.has(-1)).toBe(true);
    // sigmoid(±1)·255 = 186.4 / 68.6: a per-chunk min–max rescale would have made these 255 and 0.
    expect(maxA).toBe(186);
    expect(minA).toBe(69);
  });
});

/** Block reduction over a 3D array in plain test code (the oracle for the pyramid levels). */
function reduceBlocks(src: ArrayLike<number>, shape: number[], reduce: (values: number[]) => number): number[] {
  const [Z, Y, X] = shape as [number, number, number];
  const out: number[] = [];
  for (let z = 0; z < Z; z += 2)
    for (let y = 0; y < Y; y += 2)
      for (let x = 0; x < X; x += 2) {
        const values: number[] = [];
        for (let a = z; a < Math.min(z + 2, Z); a++)
          for (let b = y; b < Math.min(y + 2, Y); b++) for (let c = x; c < Math.min(x + 2, X); c++) values.push(src[(a * Y + b) * X + c]!);
        out.push(reduce(values));
      }
  return out;
}
const meanRounded = (v: number[]): number => Math.round(v.reduce((a, b) => a + b, 0) / v.length);
const maxOf = (v: number[]): number => Math.max(...v);
const modeOf = (v: number[]): number => {
  const counts = new Map<number, number>();
  for (const x of v) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].sort((p, q) => q[1] - p[1] || p[0] - q[0])[0]![0];
};

describe('pyramid', () => {
  it('levels until the smallest side is under one chunk; mean for probabilities, max for masks', async () => {
    const shape = [20, 20, 20];
    const url = join(await tempDir(), 'logits.zarr');
    await writeLogits(url, makeLogits(1, shape, (z, y, x) => [z < 3 && x > 15 ? NaN : d(z, y, x) * 2]), 1, shape, [8, 8, 8]);
    const dir = await tempDir();
    const p = await finalize({ input: url, output: join(dir, 'p.zarr'), mode: 'binary' });
    const m = await finalize({ input: url, output: join(dir, 'm.zarr'), mode: 'binary', threshold: 0.9 });
    expect(p.levels.map((l) => l.shape)).toEqual([
      [20, 20, 20],
      [10, 10, 10],
      [5, 5, 5],
    ]);
    expect(p.levels.map((l) => l.chunkShape)).toEqual([
      [8, 8, 8],
      [8, 8, 8],
      [5, 5, 5],
    ]);
    for (const [name, reduce] of [
      ['p.zarr', meanRounded],
      ['m.zarr', maxOf],
    ] as const) {
      const l0 = await readWithZarrita(join(dir, name), '0', '0.4');
      const l1 = await readWithZarrita(join(dir, name), '1', '0.4');
      const l2 = await readWithZarrita(join(dir, name), '2', '0.4');
      expect(l1.shape).toEqual([10, 10, 10]);
      expect([...l1.data]).toEqual(reduceBlocks(l0.data, [20, 20, 20], reduce));
      expect([...l2.data]).toEqual(reduceBlocks(l1.data, [10, 10, 10], reduce));
    }
    expect(m.channelDownsample).toEqual(['max']);
    const mask1 = (await readWithZarrita(join(dir, 'm.zarr'), '1', '0.4')).data;
    expect(new Set(mask1)).toEqual(new Set([0, 255])); // never fractional, unlike the reference's averaged masks
  });

  it('multiclass mixes methods: probability channels by mean, the argmax channel by mode', async () => {
    const shape = [10, 10, 10];
    const url = join(await tempDir(), 'logits.zarr');
    await writeLogits(url, makeLogits(3, shape, (z, y, x) => [0, ((x * 7 + y * 3 + z) % 5) - 2, ((x + y * 5 + z * 3) % 7) / 2 - 1.5]), 3, shape, [4, 4, 4]);
    const out = join(await tempDir(), 'mc.zarr');
    const r = await finalize({ input: url, output: out, mode: 'multiclass', ngff: '0.5' });
    expect(r.levels.map((l) => l.shape)).toEqual([
      [4, 10, 10, 10],
      [4, 5, 5, 5],
      [4, 3, 3, 3],
    ]);
    const l0 = await readWithZarrita(out, '0', '0.5');
    const l1 = await readWithZarrita(out, '1', '0.5');
    const n0 = 1000;
    const n1 = 125;
    for (let c = 0; c < 4; c++) {
      const expected = reduceBlocks(l0.data.subarray(c * n0, (c + 1) * n0), [10, 10, 10], c < 3 ? meanRounded : modeOf);
      expect([...l1.data.subarray(c * n1, (c + 1) * n1)]).toEqual(expected);
    }
  });
});

describe('NGFF metadata', () => {
  async function check(version: '0.4' | '0.5'): Promise<{ multiscale: Multiscale; attributes: Record<string, unknown> }> {
    const input = await binaryInput(2);
    const output = join(await tempDir(), `out-${version}.zarr`);
    await finalize({ input, output, mode: 'binary', ngff: version, chunkSize: [4, 4, 4] });
    const group = await readNgff(new FileStore(output));
    const problems = validateMultiscales(group.attributes, version);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(group.zarrFormat).toBe(version === '0.4' ? 2 : 3);
    const multiscale = group.multiscales[0]!;
    expect(multiscale.datasets.map((ds) => ds.path)).toEqual(['0', '1', '2']); // 12 → 6 → 3 (< 4)
    // Unit and voxel size from the input's voxelflow.geometry (spacing x, y, z = 0.5, 0.5, 2 µm).
    expect(multiscale.axes).toEqual([
      { name: 'z', type: 'space', unit: 'micrometer' },
      { name: 'y', type: 'space', unit: 'micrometer' },
      { name: 'x', type: 'space', unit: 'micrometer' },
    ]);
    multiscale.datasets.forEach((ds, k) => {
      const scales = ds.coordinateTransformations.filter((t) => t.type === 'scale');
      expect(scales).toHaveLength(1);
      const f = 2 ** k;
      expect(scales[0]).toEqual({ type: 'scale', scale: [2 * f, 0.5 * f, 0.5 * f] });
      const tr = ds.coordinateTransformations.find((t) => t.type === 'translation');
      if (k === 0) expect(tr).toBeUndefined();
      else expect(tr).toEqual({ type: 'translation', translation: [((f - 1) / 2) * 2, ((f - 1) / 2) * 0.5, ((f - 1) / 2) * 0.5] });
    });
    // zarrita reads level 0 on its own: chunks (4, 4, 4), the expected values.
    const l0 = await readWithZarrita(output, '0', version);
    expect(l0.shape).toEqual(SHAPE);
    expect(l0.data[at(5, 6, 7)]).toBe(Math.round(logistic(d(5, 6, 7)) * 255));
    return { multiscale, attributes: group.attributes };
  }

  it('0.4: Zarr v2 group, valid multiscales, axes with units, one scale per dataset', async () => {
    const { multiscale, attributes } = await check('0.4');
    expect(multiscale.version).toBe('0.4');
    expect(attributes['multiscales']).toBeDefined();
    expect((attributes['voxelflow'] as { finalize: { mode: string } }).finalize.mode).toBe('binary');
  });

  it('0.5: Zarr v3 group with attributes.ome', async () => {
    const { attributes } = await check('0.5');
    expect((attributes['ome'] as { version: string }).version).toBe('0.5');
  });

  it('takes unit, scale and origin from an OME-Zarr input', async () => {
    const dir = await tempDir();
    const input = join(dir, 'logits.ome.zarr');
    const ome = await createOmeZarr(input, {
      version: '0.4',
      axes: 'czyx',
      unit: 'millimeter',
      shape: [1, 4, 4, 4],
      dtype: 'float16',
      chunkShape: [1, 4, 4, 4],
      fillValue: NaN,
      scale: [1, 3, 2, 2],
      translation: [0, 10, 20, 30],
    });
    const logits = float32ToFloat16(new Float32Array(64).fill(1));
    await ome.levels[0]!.write({ start: [0, 0, 0, 0], stop: [1, 4, 4, 4] }, { data: logits, shape: [1, 4, 4, 4], dtype: 'float16' });
    const output = join(dir, 'out.zarr');
    const r = await finalize({ input, output, chunkSize: 2 });
    expect(r.levels.map((l) => l.shape)).toEqual([[4, 4, 4], [2, 2, 2], [1, 1, 1]]);
    const ms = (await readNgff(new FileStore(output))).multiscales[0]!;
    expect(ms.axes.map((a) => a.unit)).toEqual(['millimeter', 'millimeter', 'millimeter']);
    expect(ms.datasets[0]!.coordinateTransformations).toEqual([
      { type: 'scale', scale: [3, 2, 2] },
      { type: 'translation', translation: [10, 20, 30] },
    ]);
    expect(ms.datasets[1]!.coordinateTransformations).toEqual([
      { type: 'scale', scale: [6, 4, 4] },
      { type: 'translation', translation: [11.5, 21, 31] },
    ]);
  });
});

describe('completion marker, resume, reruns', () => {
  it('is written last; an aborted run has none and a rerun resumes and completes it', async () => {
    const input = await binaryInput(2);
    const dir = await tempDir();
    const output = join(dir, 'out.zarr');
    const controller = new AbortController();
    const events: FinalizeProgressEvent[] = [];
    const aborted = finalize({
      input,
      output,
      mode: 'binary',
      chunkSize: 4, // 27 chunks
      concurrency: 1,
      progressIntervalMs: 0,
      signal: controller.signal,
      onProgress: (e) => {
        events.push(e);
        if (e.phase === 'finalize' && e.done === 10) controller.abort();
      },
    });
    await expect(aborted).rejects.toThrow(/abort/i);
    await expect(stat(join(output, COMPLETE_MARKER_KEY))).rejects.toThrow();
    const progress = JSON.parse(await readFile(join(output, PROGRESS_KEY), 'utf8')) as { counts: { chunksWritten: number; chunksEmpty: number } };
    expect(progress.counts.chunksWritten + progress.counts.chunksEmpty).toBeGreaterThanOrEqual(9);

    const { store, log } = recording(new FileStore(output));
    const resumed = await finalize({ input, output, outputStore: store, mode: 'binary', chunkSize: 4 });
    expect(resumed.status).toBe('completed');
    expect(resumed.resumed).toBe(true);
    expect(resumed.chunks.resumed).toBeGreaterThanOrEqual(9);
    expect(resumed.chunks.total).toBe(27);
    expect(resumed.noDataVoxels).toBe(NO_DATA_VOXELS);
    // Order: …, the NGFF metadata, metadata.json, the marker; then only the progress record's cleanup.
    const sets = log.filter((l) => l.startsWith('set '));
    expect(sets[sets.length - 1]).toBe(`set ${COMPLETE_MARKER_KEY}`);
    expect(sets[sets.length - 2]).toBe('set metadata.json');
    expect(log[log.length - 1]).toBe(`delete ${PROGRESS_KEY}`);

    // The resumed output equals an uninterrupted one.
    const fresh = join(dir, 'fresh.zarr');
    await finalize({ input, output: fresh, mode: 'binary', chunkSize: 4 });
    for (const level of ['0', '1', '2']) {
      expect([...(await readWithZarrita(output, level, '0.4')).data]).toEqual([...(await readWithZarrita(fresh, level, '0.4')).data]);
    }

    // A rerun with the same options is a no-op that says so.
    const again = await finalize({ input, output, mode: 'binary', chunkSize: 4 });
    expect(again.status).toBe('already-complete');
    expect(again.noDataVoxels).toBe(NO_DATA_VOXELS);

    // Different options are refused, and accepted with overwrite.
    await expect(finalize({ input, output, mode: 'binary', chunkSize: 4, threshold: true })).rejects.toThrow(FinalizeOutputExistsError);
    await expect(finalize({ input, output, mode: 'binary', chunkSize: 4, threshold: true })).rejects.toThrow(/threshold: none → 0\.5/);
    const replaced = await finalize({ input, output, mode: 'binary', chunkSize: 4, threshold: true, overwrite: true });
    expect(replaced.status).toBe('completed');
    expect(replaced.channelNames).toEqual(['mask']);
    expect(events.some((e) => e.phase === 'finalize' && e.unit === 'chunks' && e.total === 27)).toBe(true);
  });

  it('metadata.json holds the caller run record plus finalize fields', async () => {
    const input = await binaryInput(2);
    const output = join(await tempDir(), 'out.zarr');
    const run = {
      model: { name: 'surface-m7', sha256: 'ab'.repeat(32) },
      normalization: 'ct',
      tta: 'mirror',
      grid: { patchSize: [8, 8, 8], overlap: 0.5 },
      sigma: 0.125,
      versions: { voxelflow: '0.1.0', onnxruntime: '1.30.0' },
      input: 'scroll.zarr',
      timings: { predictSeconds: 12.5 },
    };
    const r = await finalize({ input, output, mode: 'binary', threshold: 0.3, metadata: run });
    const meta = JSON.parse(await readFile(join(output, 'metadata.json'), 'utf8')) as Record<string, unknown> & {
      finalize: Record<string, unknown> & { noData: { voxels: number }; chunks: { total: number }; timings: { totalSeconds: number } };
    };
    expect(meta).toMatchObject(run);
    expect(meta.finalize).toMatchObject({ mode: 'binary', threshold: 0.3, dtype: 'uint8', ngff: '0.4', channelNames: ['mask'] });
    expect(meta.finalize.thresholdLogit).toBeCloseTo(Math.log(0.3 / 0.7), 12);
    expect(meta.finalize.noData.voxels).toBe(NO_DATA_VOXELS);
    expect(meta.finalize.chunks.total).toBe(8);
    expect(meta.finalize.timings.totalSeconds).toBeGreaterThan(0);
    expect(meta.finalize.package).toBe(`@voxelflow/finalize ${FINALIZE_VERSION}`);
    expect(r.metadata).toEqual(meta);
    const marker = JSON.parse(await readFile(join(output, COMPLETE_MARKER_KEY), 'utf8')) as { complete: boolean; settings: { threshold: number } };
    expect(marker.complete).toBe(true);
    expect(marker.settings.threshold).toBe(0.3);
  });

  it('deleteIntermediates removes the input once the output is complete', async () => {
    const input = await binaryInput(1);
    const output = join(await tempDir(), 'out.zarr');
    const r = await finalize({ input, output, mode: 'binary', deleteIntermediates: true });
    expect(r.deletedIntermediates).toBeGreaterThan(0);
    await expect(stat(join(input, '.zarray'))).rejects.toThrow();
    // The rerun does not need the input any more.
    expect((await finalize({ input, output, mode: 'binary' })).status).toBe('already-complete');
  });
});

describe('errors', () => {
  it('one-line typed errors for a missing input, a wrong rank, bad mode/threshold and foreign outputs', async () => {
    const dir = await tempDir();
    await expect(finalize({ input: join(dir, 'nope.zarr'), output: join(dir, 'o1.zarr') })).rejects.toThrow(FinalizeInputError);
    const v3 = join(dir, 'v3.zarr');
    await createVolume(v3, { format: 'zarr2', shape: [4, 4, 4], chunkShape: [4, 4, 4], dtype: 'float32' });
    await expect(finalize({ input: v3, output: join(dir, 'o2.zarr') })).rejects.toThrow(/rank 3.*\(C, Z, Y, X\)/);
    const one = await binaryInput(1, dir);
    await expect(finalize({ input: one, output: join(dir, 'o3.zarr'), mode: 'multiclass' })).rejects.toThrow(FinalizeOptionsError);
    await expect(finalize({ input: one, output: join(dir, 'o4.zarr'), threshold: 1.5 })).rejects.toThrow(/outside \(0, 1\)/);
    await expect(finalize({ input: one, output: v3 })).rejects.toThrow(/not a VoxelFlow finalize output/);
    for (const err of [FinalizeInputError, FinalizeOptionsError, FinalizeOutputExistsError]) expect(err.prototype).toBeInstanceOf(Error);
  });
});

describe('the writer used by the fused pipeline', () => {
  it('writeChunk with clipped chunk logits, then finish(remainingAreNoData) equals the staged output', async () => {
    const dir = await tempDir();
    const input = await binaryInput(2, dir);
    const staged = join(dir, 'staged.zarr');
    await finalize({ input, output: staged, mode: 'binary', metadata: { run: 'x' } });

    const out = await createFinalizeOutput({
      output: join(dir, 'fused.zarr'),
      shape: SHAPE,
      channels: 2,
      chunkShape: CHUNK,
      mode: 'binary',
      geometry: { spacing: [0.5, 0.5, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], unit: 'micrometer' },
    });
    expect(out.status).toBe('new');
    expect(out.grid).toEqual([2, 2, 2]);
    const all = makeLogits(2, SHAPE, (z, y, x) => (noData(z, y, x) ? [NaN, NaN] : [0.5, 0.5 + d(z, y, x)]));
    for (const index of [
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 1, 1],
      [1, 0, 0],
      [1, 0, 1],
      [1, 1, 0],
    ]) {
      const box = out.chunkBox(index);
      const ext = box.stop.map((s, a) => s - box.start[a]!);
      const n = ext[0]! * ext[1]! * ext[2]!;
      const chunk = new Float32Array(2 * n);
      for (let c = 0; c < 2; c++)
        for (let z = 0; z < ext[0]!; z++)
          for (let y = 0; y < ext[1]!; y++)
            for (let x = 0; x < ext[2]!; x++) {
              // The staged path reads float16 logits; the values here are exact in float16.
              chunk[c * n + (z * ext[1]! + y) * ext[2]! + x] = all[c * N + at(box.start[0]! + z, box.start[1]! + y, box.start[2]! + x)]!;
            }
      expect((await out.writeChunk(index, chunk)).status).toBe('written');
    }
    expect((await out.writeChunk([0, 0, 0], new Float32Array(2 * 512))).status).toBe('already-done');
    await expect(out.writeChunk([2, 0, 0], new Float32Array(2))).rejects.toThrow(FinalizeStateError);
    await expect(out.finish()).rejects.toThrow(/1 of 8 level-0 chunks/);
    const result = await out.finish({ remainingAreNoData: true });
    expect(result.noDataVoxels).toBe(NO_DATA_VOXELS);
    for (const level of ['0', '1']) {
      expect([...(await readWithZarrita(join(dir, 'fused.zarr'), level, '0.4')).data]).toEqual([...(await readWithZarrita(staged, level, '0.4')).data]);
    }
    // Reopening a complete output: status 'complete', and finish() reports it without work.
    const again = await createFinalizeOutput({ output: join(dir, 'fused.zarr'), shape: SHAPE, channels: 2, chunkShape: CHUNK, mode: 'binary' });
    expect(again.status).toBe('complete');
    expect((await again.finish()).status).toBe('already-complete');
  });

  it('FINALIZE_VERSION matches package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(FINALIZE_VERSION).toBe(pkg.version);
  });
});
