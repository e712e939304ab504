/**
 * End to end against s3rver, with the app as real child processes: the 16-bit test segment is
 * uploaded; prepare, three inference partitions (three processes at once) and reduce run; the PNG
 * fetched back from S3 must equal the single-process run and the analytic expectation, border
 * pixels included, and the result file must hold its URI. The model comes from a local hub server
 * through a MODEL_TABLE key.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, startFakeHub, startS3rver, type FakeHubHandle, type S3rverHandle, type Store } from '@voxelflow/remote-storage';
import { readImage2D } from '@voxelflow/volume-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareImages, expectedPrediction, readSegment16As8, runInkCli, testData, uploadLayers, type InkRun } from './helpers';

let s3: S3rverHandle;
let hub: FakeHubHandle;
let bucket: Store;
let work: string;

function ok(run: InkRun): void {
  if (run.code !== 0) throw new Error(`voxelflow-ink exited ${run.code}: ${run.stderr}`);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vf-ink-e2e-'));
  const repo = join(work, 'hub', 'ink25d');
  await mkdir(repo, { recursive: true });
  await copyFile(testData('models/ink25d.onnx'), join(repo, 'model.onnx'));
  [s3, hub] = await Promise.all([startS3rver(), startFakeHub({ repos: { 'voxelflow/ink25d': repo } })]);
  bucket = await openStore(`s3://${s3.bucket}`, { s3: s3.storeOptions });
  const segment = await openStore(`s3://${s3.bucket}/scroll/seg16`, { s3: s3.storeOptions });
  expect(await uploadLayers(testData('ink/segment16'), segment)).toBe(26);
});

afterAll(async () => {
  await Promise.all([s3?.close(), hub?.close()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('voxelflow-ink end to end on s3rver', () => {
  it('prepare, three inference partitions in separate processes and reduce give the single-process and analytic prediction', async () => {
    const env = (extra: Record<string, string>): Record<string, string> => ({
      ...s3.env,
      HF_ENDPOINT: hub.hubUrl,
      HF_HOME: join(work, 'hf-home'),
      MODEL_TABLE: '{"ink-test": "hf://voxelflow/ink25d"}',
      MODEL: 'ink-test',
      S3_PATH: `s3://${s3.bucket}/scroll/seg16/`,
      START_LAYER: '0',
      END_LAYER: '26',
      THREADS: '1',
      ...extra,
    });
    const distributed = {
      SURFACE_VOLUME_ZARR: `s3://${s3.bucket}/work/surface_volume_00_26.zarr`,
      ZARR_OUTPUT_DIR: `s3://${s3.bucket}/work/partitions`,
      NUM_PARTS: '3',
      // 5 tiles per tile row: batches of 4 straddle rows and the last one is short.
      BATCH_SIZE: '4',
      RESULT_URL_FILE: join(work, 'distributed', 'result_s3_url.txt'),
    };

    ok(await runInkCli(env({ ...distributed, STEP: 'prepare' })));
    expect(await bucket.head('work/surface_volume_00_26.zarr/.zarray')).toBeDefined();
    // Each partition is its own pod in a cluster: its own hub cache too. (Processes that share one cache
    // and download the same file at once collide in @huggingface/hub's `.incomplete` file.)
    const parts = await Promise.all(
      [0, 1, 2].map((id) => runInkCli(env({ ...distributed, STEP: 'inference', PART_ID: String(id), HF_HOME: join(work, `hf-home-${id}`) }))),
    );
    parts.forEach(ok);
    for (const id of [0, 1, 2]) {
      expect(parts[id]!.stderr).toContain(`inference part ${id}/3: 5 tiles`);
      expect(await bucket.head(`work/partitions/mask_count_part_00${id}.zarr/.zattrs`)).toBeDefined();
    }
    const reduced = await runInkCli(env({ ...distributed, STEP: 'reduce' }));
    ok(reduced);

    const key = 'scroll/seg16/predictions/prediction_ink-test_00_26.png';
    const uri = `s3://${s3.bucket}/${key}`;
    expect(await readFile(distributed.RESULT_URL_FILE, 'utf8')).toBe(uri);
    const fromS3 = await readImage2D({ store: bucket, key });
    expect(fromS3.shape).toEqual([96, 128]);
    expect(fromS3.dtype).toBe('uint8');
    const image = fromS3.data as Uint8Array;

    // The same run in one process (STEP unset), everything local except the layers and the output.
    const single = await runInkCli(
      env({
        SURFACE_VOLUME_ZARR: join(work, 'single', 'surface.zarr'),
        ZARR_OUTPUT_DIR: join(work, 'single', 'partitions'),
        NUM_PARTS: '3',
        OUTPUT_PATH: `s3://${s3.bucket}/single/prediction.png`,
        RESULT_URL_FILE: join(work, 'single', 'result.txt'),
      }),
    );
    ok(single);
    expect(single.stderr).toContain('reduce: 3 partition(s)');
    expect(await readFile(join(work, 'single', 'result.txt'), 'utf8')).toBe(`s3://${s3.bucket}/single/prediction.png`);
    const singleImage = (await readImage2D({ store: bucket, key: 'single/prediction.png' })).data as Uint8Array;
    expect(compareImages(image, singleImage)).toEqual({ differing: 0, maxDiff: 0 });

    // The analytic model, computed here from the layers and the formulas alone. float32 inside the
    // model and the blend against float64 here may move ⌊255·p⌋ by one where 255·p is near an integer.
    const { layers, height, width } = await readSegment16As8();
    const expected = expectedPrediction(layers, height, width);
    const { differing, maxDiff } = compareImages(image, expected);
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(differing).toBeLessThanOrEqual(5);

    // Border pixels: the outer rows and columns are predicted (the reference's Hann weights made them 0),
    // except where the input is 0 in every layer (the top-left corner outside the fragment).
    const border: number[] = [];
    for (let x = 0; x < width; x++) border.push(x, (height - 1) * width + x);
    for (let y = 0; y < height; y++) border.push(y * width, y * width + width - 1);
    let predictedBorder = 0;
    for (const k of border) {
      const valid = layers.some((l) => l[k] !== 0);
      expect(Math.abs(image[k]! - expected[k]!)).toBeLessThanOrEqual(1);
      if (valid) {
        expect(image[k]).toBeGreaterThan(50);
        predictedBorder++;
      } else {
        expect(image[k]).toBe(0);
      }
    }
    expect(predictedBorder).toBeGreaterThan(border.length * 0.8);
    expect(image[0]).toBe(0);
    expect(image[height * width - 1]).toBeGreaterThan(50);
  }, 90_000);
});
