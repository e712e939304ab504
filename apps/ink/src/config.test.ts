import { describe, expect, it, vi } from 'vitest';
import { cudaDevicesVisible, graphOptimizationFor, parseInkConfig, type InkConfig } from './config';
import { InvalidVariableError, MissingVariableError } from './errors';

const base = { MODEL: 'timesformer-scroll5', S3_PATH: 's3://bucket/scroll/segment/', START_LAYER: '0', END_LAYER: '26' };

async function config(env: Record<string, string | undefined>, argv: string[] = []): Promise<InkConfig> {
  const parsed = await parseInkConfig(argv, env);
  if (!('config' in parsed)) throw new Error('printed help instead of parsing');
  return parsed.config;
}

describe('parseInkConfig', () => {
  it('reads the reference variables with their defaults', async () => {
    const c = await config(base);
    expect(c).toMatchObject({
      model: 'timesformer-scroll5',
      s3Path: 's3://bucket/scroll/segment',
      startLayer: 0,
      endLayer: 26,
      step: 'all',
      tileSize: 64,
      stride: 16,
      batchSize: 256,
      modelType: 'timesformer',
      numParts: 1,
      partId: 0,
      surfaceVolumeZarr: '/tmp/surface_volume_00_26.zarr',
      zarrOutputDir: '/tmp/partitions',
      useZarrCompression: false,
      compile: true,
      compileMode: 'reduce-overhead',
      graphOptimization: 'all',
      resultUrlFile: '/tmp/result_s3_url.txt',
      outputFormat: 'png',
      device: 'cpu',
      chunkSize: 1024,
      forceReverse: false,
    });
  });

  it('takes the same settings as flags, flags winning over the environment, in kebab or snake case', async () => {
    const c = await config({ ...base, TILE_SIZE: '32', STRIDE: '8', STEP: 'prepare' }, ['--tile-size', '48', '--s3_path', 's3://other/seg', '--use-zarr-compression']);
    expect(c.tileSize).toBe(48);
    expect(c.stride).toBe(8);
    expect(c.step).toBe('prepare');
    expect(c.s3Path).toBe('s3://other/seg');
    expect(c.useZarrCompression).toBe(true);
  });

  it('reads only its own variables: unrelated ones never become flags', async () => {
    const c = await config({ ...base, HELP: 'true', VERSION: '9', PATH: '/bin', TILE: '3' });
    expect(c.tileSize).toBe(64);
  });

  it('rejects unknown flags as usage errors', async () => {
    await expect(parseInkConfig(['--tile-sizee', '3'], base)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/Unknown argument/) });
  });

  it.each(['MODEL', 'S3_PATH', 'START_LAYER', 'END_LAYER'])('names a missing %s', async (name) => {
    const env: Record<string, string | undefined> = { ...base, [name]: undefined };
    const err = await parseInkConfig([], env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingVariableError);
    expect((err as MissingVariableError).variable).toBe(name);
    expect((err as Error).message).toMatch(new RegExp(`^${name} is required: set the environment variable ${name} \\(or --${name.toLowerCase().replace('_', '-')}\\)`));
    expect((err as MissingVariableError).exitCode).toBe(2);
  });

  it('treats an empty variable as unset', async () => {
    await expect(parseInkConfig([], { ...base, MODEL: '' })).rejects.toBeInstanceOf(MissingVariableError);
  });

  it.each([
    [{ START_LAYER: 'abc' }, 'START_LAYER', /START_LAYER=abc must be an integer/],
    [{ START_LAYER: '26' }, 'END_LAYER', /END_LAYER=26 must be greater than START_LAYER=26: END_LAYER is exclusive/],
    [{ STRIDE: '65' }, 'STRIDE', /STRIDE=65 is larger than TILE_SIZE=64/],
    [{ STEP: 'predict' }, 'STEP', /STEP=predict is not a step/],
    [{ BATCH_SIZE: '0' }, 'BATCH_SIZE', /BATCH_SIZE=0 must be an integer ≥ 1/],
    [{ MODEL_TYPE: 'unet' }, 'MODEL_TYPE', /MODEL_TYPE=unet is not one of timesformer/],
    [{ COMPILE_MODE: 'fast' }, 'COMPILE_MODE', /COMPILE_MODE=fast is not a known mode/],
    [{ USE_ZARR_COMPRESSION: 'maybe' }, 'USE_ZARR_COMPRESSION', /must be true or false/],
    [{ NUM_PARTS: '3', PART_ID: '3', STEP: 'inference' }, 'PART_ID', /PART_ID=3 \(from PART_ID\) is outside 0 … 2/],
  ])('rejects %o naming %s', async (extra, variable, message) => {
    const err = await parseInkConfig([], { ...base, ...extra }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidVariableError);
    expect((err as InvalidVariableError).variable).toBe(variable);
    expect((err as Error).message).toMatch(message);
  });

  it('takes the partition from JOB_COMPLETION_INDEX when PART_ID is unset, and PART_ID over it', async () => {
    const indexed = await config({ ...base, STEP: 'inference', NUM_PARTS: '4', JOB_COMPLETION_INDEX: '2' });
    expect(indexed).toMatchObject({ partId: 2, numParts: 4, partSource: 'JOB_COMPLETION_INDEX' });
    expect(await config({ ...base, STEP: 'inference', NUM_PARTS: '4', JOB_COMPLETION_INDEX: '2', PART_ID: '1' })).toMatchObject({ partId: 1, partSource: 'PART_ID' });
  });

  it('maps COMPILE / COMPILE_MODE to ONNX Runtime graph optimization', async () => {
    expect(graphOptimizationFor(true, 'reduce-overhead')).toBe('all');
    expect(graphOptimizationFor(true, 'max-autotune')).toBe('all');
    expect(graphOptimizationFor(true, 'default')).toBe('extended');
    expect(graphOptimizationFor(true, 'basic')).toBe('basic');
    expect(graphOptimizationFor(false, 'reduce-overhead')).toBe('disabled');
    expect((await config({ ...base, COMPILE: '0' })).graphOptimization).toBe('disabled');
    expect((await config({ ...base, COMPILE_MODE: 'default' })).graphOptimization).toBe('extended');
  });

  it('runs on the GPU when CUDA_VISIBLE_DEVICES names one, unless DEVICE says otherwise', async () => {
    expect((await config({ ...base, CUDA_VISIBLE_DEVICES: '0' })).device).toBe('cuda');
    expect((await config({ ...base, CUDA_VISIBLE_DEVICES: '-1' })).device).toBe('cpu');
    expect((await config({ ...base, CUDA_VISIBLE_DEVICES: '1', DEVICE: 'cpu' })).device).toBe('cpu');
    expect(cudaDevicesVisible('')).toBe(false);
    expect(cudaDevicesVisible('0,1')).toBe(true);
  });

  it('prints help instead of running', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await parseInkConfig(['--help'], {})).toEqual({ printed: true });
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toContain('[START_LAYER]');
    } finally {
      log.mockRestore();
    }
  });
});
