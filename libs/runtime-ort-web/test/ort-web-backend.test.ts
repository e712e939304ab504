import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InferenceError, InvalidOptionError, ModelLoadError } from '@voxelflow/inference';
import { loadTestModel } from '@voxelflow/runtime-onnx';
import {
  DeviceUnavailableError,
  InvalidDeviceError,
  OnnxParseError,
  OrtWebBackend,
  ThreadCountFixedError,
  createOrtWebBackend,
  ortWebDistUrl,
  startedThreads,
} from '../src/index';

const testData = fileURLToPath(new URL('../../../test-data/', import.meta.url));
const model = (name: Parameters<typeof loadTestModel>[1]) => loadTestModel(testData, name);

/** Captures a rejection so several properties can be checked. */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

// Every backend in this file asks for 1 thread: the WebAssembly pool is sized once per process.
describe('createOrtWebBackend', () => {
  it('reports the runtime, device and thread count, and loads the WebAssembly from the installed package', async () => {
    const b = (await createOrtWebBackend(model('analytic3d'), { device: 'CPU', threads: 1 })) as OrtWebBackend;
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', new URL('..', ortWebDistUrl())), 'utf8')) as { version: string };
      expect(b.runtime).toEqual({ name: 'onnxruntime-web', version: pkg.version });
      expect(b.device).toBe('cpu');
      expect(b.threads).toBe(1);
      expect(startedThreads()).toBe(1);
      expect(ortWebDistUrl()).toMatch(/^file:\/\/.*\/onnxruntime-web\/dist\/$/);
      expect(b.metadata.opsetImports.length).toBeGreaterThan(0);
    } finally {
      await b.dispose();
    }
  });

  it('--device cuda / cuda:1 / webgpu → DeviceUnavailableError pointing at --backend onnx; nonsense → InvalidDeviceError', async () => {
    for (const device of ['cuda', 'cuda:1', 'webgpu']) {
      const e = await failure(createOrtWebBackend(model('analytic3d'), { device, threads: 1 }));
      expect(e).toBeInstanceOf(DeviceUnavailableError);
      expect(e).toBeInstanceOf(InferenceError);
      expect(e.message).toBe(`device ${device}: onnxruntime-web runs on the CPU (WebAssembly) here; pass --device cpu, or --backend onnx for GPUs`);
      expect((e as DeviceUnavailableError).provider).toBe(device.split(':')[0]);
    }
    const bad = await failure(createOrtWebBackend(model('analytic3d'), { device: 'cpu:0', threads: 1 }));
    expect(bad).toBeInstanceOf(InvalidDeviceError);
    expect(bad.message).toMatch(/unknown device "cpu:0"/);
  });

  it('a second backend asking for another thread count → ThreadCountFixedError; the same or no count is fine', async () => {
    const first = await createOrtWebBackend(model('analytic3d'), { device: 'cpu', threads: 1 });
    const e = await failure(createOrtWebBackend(model('analytic3d'), { device: 'cpu', threads: 2 }));
    expect(e).toBeInstanceOf(ThreadCountFixedError);
    expect(e).toBeInstanceOf(InvalidOptionError);
    expect(e.message).toMatch(/already runs 1 thread\(s\) in this process and cannot be resized to 2/);
    expect((e as ThreadCountFixedError).fixedThreads).toBe(1);
    const second = (await createOrtWebBackend(model('analytic3d'), { device: 'cpu' })) as OrtWebBackend;
    expect(second.threads).toBe(1);
    await Promise.all([first.dispose(), second.dispose()]);
    const zero = await failure(createOrtWebBackend(model('analytic3d'), { device: 'cpu', threads: 0 }));
    expect(zero).toBeInstanceOf(InvalidOptionError);
  });

  it('truncated bytes → OnnxParseError naming the file; a bad graph optimization → InvalidOptionError', async () => {
    const m = model('analytic3d');
    const e = await failure(createOrtWebBackend({ ...m, source: 'cut.onnx', bytes: m.bytes.subarray(0, 40) }, { device: 'cpu', threads: 1 }));
    expect(e).toBeInstanceOf(OnnxParseError);
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toContain('cut.onnx');
    const g = await failure(createOrtWebBackend(m, { device: 'cpu', threads: 1, graphOptimization: 'max' as never }));
    expect(g).toBeInstanceOf(InvalidOptionError);
  });

  it('the card beside the model wins over the embedded one, which wins over the shapes', async () => {
    const m = model('unet3d-tiny');
    const b = await createOrtWebBackend({ ...m, card: { normalization: 'ct', labels: ['bg', 'ink'] } }, { device: 'cpu', threads: 1 });
    try {
      expect(b.card.normalization).toBe('ct');
      expect(b.card.labels).toEqual(['bg', 'ink']);
      expect(b.card.activation).toBe('softmax'); // embedded
      expect(b.card.patchSize).toEqual([64, 64, 64]);
      expect(b.card.numClasses).toBe(2);
    } finally {
      await b.dispose();
    }
  });

  it('warmup runs a zero batch for a fixed-shape model and declines a dynamic one', async () => {
    const unet = (await createOrtWebBackend(model('unet3d-tiny'), { device: 'cpu', threads: 1 })) as OrtWebBackend;
    const analytic = (await createOrtWebBackend(model('analytic3d'), { device: 'cpu', threads: 1 })) as OrtWebBackend;
    try {
      expect(await unet.warmup()).toBe(true);
      expect(await analytic.warmup()).toBe(false);
    } finally {
      await Promise.all([unet.dispose(), analytic.dispose()]);
    }
  });
});
