/**
 * In-process runs on local folders: a segment smaller than one tile (one zero-padded tile), output as
 * TIFF with compressed Zarrs; a rerun of a finished partition reuses it; STEP=validate; reduce refuses
 * a missing partition.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressDisplay } from '@voxelflow/cli-kit';
import { readImage2D, writeImage2D } from '@voxelflow/volume-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInkConfig, type InkConfig } from '../src/config';
import { ChannelMismatchError, PartitionError } from '../src/errors';
import { runInk } from '../src/run-ink';
import { compareImages, expectedPrediction, testData } from './helpers';

const H = 40;
const W = 50;
let dir: string;
const layers: Uint8Array[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-ink-small-'));
  // 26 layers: a bright disc ("ink") on papyrus, nothing in the right-most 6 columns.
  for (let l = 0; l < 26; l++) {
    const data = new Uint8Array(H * W);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W - 6; x++) {
        const ink = (y - 20) ** 2 + (x - 20) ** 2 < 100 && l > 10 && l < 16;
        data[y * W + x] = ink ? 230 : 60 + ((y * 7 + x * 3 + l * 11) % 40);
      }
    }
    layers.push(data);
    await writeImage2D(join(dir, 'segment', 'layers', `${String(l).padStart(2, '0')}.tif`), { data, shape: [H, W], dtype: 'uint8' });
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function config(extra: Record<string, string>): Promise<InkConfig> {
  const parsed = await parseInkConfig([], {
    MODEL: testData('models/ink25d.onnx'),
    S3_PATH: join(dir, 'segment'),
    START_LAYER: '0',
    END_LAYER: '26',
    SURFACE_VOLUME_ZARR: join(dir, 'surface.zarr'),
    ZARR_OUTPUT_DIR: join(dir, 'partitions'),
    RESULT_URL_FILE: join(dir, 'result.txt'),
    THREADS: '1',
    ...extra,
  });
  if (!('config' in parsed)) throw new Error('no config');
  return parsed.config;
}

const quiet = (): ProgressDisplay => new ProgressDisplay({ quiet: true });

describe('a segment smaller than a tile', () => {
  it('is predicted from one zero-padded tile, written as TIFF, and partitions are reused on rerun', async () => {
    const result = await runInk(await config({ OUTPUT_FORMAT: 'tiff', NUM_PARTS: '2', USE_ZARR_COMPRESSION: 'true' }), { display: quiet() });
    const zarray = JSON.parse(await readFile(join(dir, 'surface.zarr', '.zarray'), 'utf8')) as { compressor: { id: string; cname: string }; chunks: number[] };
    expect(zarray.compressor).toMatchObject({ id: 'blosc', cname: 'lz4' });
    expect(zarray.chunks).toEqual([H, W, 1]);
    const url = join(dir, 'segment', 'predictions', 'prediction_ink25d_00_26.tif');
    expect(result.reduced?.url).toBe(url);
    expect(await readFile(join(dir, 'result.txt'), 'utf8')).toBe(url);
    // One tile row, rows split ⌊i·R/N⌋ … ⌊(i+1)·R/N⌋: part 0 gets none, part 1 gets it.
    expect(result.parts.map((p) => p.record.stats?.tiles)).toEqual([0, 1]);

    const image = await readImage2D(url);
    expect(image.shape).toEqual([H, W]);
    expect(image.dtype).toBe('uint8');
    const got = image.data as Uint8Array;
    const expected = expectedPrediction(layers, H, W);
    const cmp = compareImages(got, expected);
    expect(cmp.maxDiff).toBeLessThanOrEqual(1);
    expect(cmp.differing).toBeLessThanOrEqual(3);
    // No input → 0; the disc is more ink-like than the papyrus around it.
    expect(got[10 * W + W - 1]).toBe(0);
    expect(got[20 * W + 20]!).toBeGreaterThan(got[35 * W + 5]!);

    const again = await runInk(await config({ STEP: 'inference', NUM_PARTS: '2', PART_ID: '1' }), { display: quiet() });
    expect(again.parts[0]?.reused).toBe(true);
    expect(again.parts[0]?.record.stats?.tiles).toBe(1);
  }, 30_000);

  it('STEP=validate loads the model and checks the layer range only', async () => {
    await expect(runInk(await config({ STEP: 'validate' }), { display: quiet() })).resolves.toEqual({ parts: [] });
    await expect(runInk(await config({ STEP: 'validate', START_LAYER: '1' }), { display: quiet() })).rejects.toBeInstanceOf(ChannelMismatchError);
  });

  it('reduce refuses a missing partition and leaves no result file', async () => {
    const err = await runInk(await config({ STEP: 'reduce', NUM_PARTS: '3', ZARR_OUTPUT_DIR: join(dir, 'partitions'), RESULT_URL_FILE: join(dir, 'r2.txt') }), {
      display: quiet(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartitionError);
    expect((err as Error).message).toMatch(/partition 0 of 3 is incomplete|NUM_PARTS=2, not 3/);
    await expect(readFile(join(dir, 'r2.txt'))).rejects.toThrow();
  });
});
