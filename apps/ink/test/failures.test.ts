/**
 * The container's failure modes, each as a real child process: a missing variable, no layers, a
 * channel mismatch, an unreachable S3 endpoint. Each must exit non-zero with the reference's wording
 * and leave no prediction (neither the image in S3 nor the result file).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, startS3rver, type S3rverHandle, type Store } from '@voxelflow/remote-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInkCli, testData, uploadLayers } from './helpers';

let s3: S3rverHandle;
let bucket: Store;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vf-ink-fail-'));
  s3 = await startS3rver();
  bucket = await openStore(`s3://${s3.bucket}`, { s3: s3.storeOptions });
  await uploadLayers(testData('ink/segment8'), await openStore(`s3://${s3.bucket}/seg8`, { s3: s3.storeOptions }));
});

afterAll(async () => {
  await s3?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A run against the uploaded segment with every output in `work/<name>`. */
function env(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...s3.env,
    MODEL: testData('models/ink25d.onnx'),
    S3_PATH: `s3://${s3.bucket}/seg8`,
    START_LAYER: '0',
    END_LAYER: '26',
    SURFACE_VOLUME_ZARR: join(work, name, 'surface.zarr'),
    ZARR_OUTPUT_DIR: join(work, name, 'partitions'),
    RESULT_URL_FILE: join(work, name, 'result_s3_url.txt'),
    THREADS: '1',
    ...extra,
  };
}

async function expectNoPrediction(name: string): Promise<void> {
  expect(existsSync(join(work, name, 'result_s3_url.txt'))).toBe(false);
  expect((await bucket.list()).filter((k) => k.includes('predictions/'))).toEqual([]);
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('voxelflow-ink failures', () => {
  it('names a missing required variable and exits 2', async () => {
    const e = env('missing');
    delete e['MODEL'];
    const run = await runInkCli(e);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^voxelflow-ink: MODEL is required: set the environment variable MODEL \(or --model\)/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    await expectNoPrediction('missing');
  }, 30_000);

  it('says "No layers found" when the range has no layers under S3_PATH', async () => {
    const run = await runInkCli(env('nolayers', { S3_PATH: `s3://${s3.bucket}/not-a-segment` }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/voxelflow-ink: No layers found in s3:\/\/test-bucket\/not-a-segment/);
    await expectNoPrediction('nolayers');
    expect(existsSync(join(work, 'nolayers', 'surface.zarr'))).toBe(false);
  }, 30_000);

  it('says "No layers found" when part of the range is missing', async () => {
    const run = await runInkCli(env('partial', { START_LAYER: '10', END_LAYER: '36', STEP: 'prepare' }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/No layers found in s3:\/\/test-bucket\/seg8\/layers for \[10, 36\): missing 26, 27, .*/);
    await expectNoPrediction('partial');
  }, 30_000);

  it('says "Channel mismatch" when the range gives fewer layers than the model takes, before reading any data', async () => {
    const run = await runInkCli(env('mismatch', { END_LAYER: '20' }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/voxelflow-ink: Channel mismatch: START_LAYER=0 … END_LAYER=20 gives 20 layers but model ink25d expects 26 channels/);
    await expectNoPrediction('mismatch');
    expect(existsSync(join(work, 'mismatch', 'surface.zarr'))).toBe(false);
  }, 30_000);

  it('names the endpoint when S3 cannot be reached', async () => {
    const port = await closedPort();
    const run = await runInkCli(env('unreachable', { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`voxelflow-ink: cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) while accessing s3://test-bucket/seg8`));
    await expectNoPrediction('unreachable');
  }, 30_000);
});
