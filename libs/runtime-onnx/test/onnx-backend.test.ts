import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProto_DataType } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { InferenceError, InvalidOptionError, ModelLoadError, type ResolvedModel } from '@voxelflow/inference';
import {
  CUDA_PROVIDER_INSTALL_COMMAND,
  DeviceUnavailableError,
  InvalidDeviceError,
  OnnxBackend,
  OnnxParseError,
  UnsupportedModelError,
  backendContract,
  createOnnxBackend,
  createOnnxWorkerBackend,
} from '../src/index';
import { loadTestModel, findTestData } from '../src/testing/test-models';

const testData = fileURLToPath(new URL('../../../test-data/', import.meta.url));
const model = (name: Parameters<typeof loadTestModel>[1]) => loadTestModel(testData, name);

backendContract('onnxruntime-node (cpu, 1 thread)', (m) => createOnnxBackend(m, { device: 'cpu', threads: 1 }), { describe, it }, {
  testDataDir: testData,
});

// The same contract with the session on a worker thread: identical answers and errors.
backendContract('onnxruntime-node on a worker thread', (m) => createOnnxWorkerBackend(m, { device: 'cpu', threads: 1 }), { describe, it }, {
  testDataDir: testData,
});

/** Captures a rejection so several properties can be checked. */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** A one-node Identity model with the given element type, built with an independent protobuf library. */
function identityModel(elemType: TensorProto_DataType): ResolvedModel {
  const valueInfo = (name: string) => ({
    name,
    type: {
      value: {
        case: 'tensorType' as const,
        value: { elemType, shape: { dim: [{ value: { case: 'dimValue' as const, value: 4n } }] } },
      },
    },
  });
  const bytes = toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 8n,
      opsetImport: [{ domain: '', version: 17n }],
      graph: { name: 'g', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [valueInfo('x')], output: [valueInfo('y')] },
    }),
  );
  return { source: 'identity.onnx', name: 'identity', bytes, sha256: '', card: {} };
}

describe('createOnnxBackend: devices', () => {
  it('--device cuda without the CUDA provider → DeviceUnavailableError naming cuda and the install command', async () => {
    const e = await failure(createOnnxBackend(model('analytic3d'), { device: 'cuda' }));
    expect(e).toBeInstanceOf(DeviceUnavailableError);
    expect(e).toBeInstanceOf(InferenceError);
    expect(e.message).toMatch(/^device cuda: the CUDA execution provider is not installed/);
    expect(e.message).toContain(CUDA_PROVIDER_INSTALL_COMMAND);
    expect(e.message).toContain('--device cpu');
    expect(e.message).not.toContain('\n');
    expect((e as DeviceUnavailableError).device).toBe('cuda');
    expect((e as DeviceUnavailableError).provider).toBe('cuda');
  });

  it('--device cuda:1 and tensorrt:0 are parsed and fail the same way, never running on the CPU', async () => {
    const cuda1 = await failure(createOnnxBackend(model('analytic3d'), { device: 'cuda:1' }));
    expect(cuda1).toBeInstanceOf(DeviceUnavailableError);
    expect(cuda1.message).toMatch(/^device cuda:1: /);
    const trt = await failure(createOnnxBackend(model('analytic3d'), { device: 'tensorrt:0' }));
    expect(trt).toBeInstanceOf(DeviceUnavailableError);
    expect(trt.message).toMatch(/TensorRT execution provider is not installed/);
  });

  it('an unknown device is an InvalidDeviceError listing the valid ones', async () => {
    const e = await failure(createOnnxBackend(model('analytic3d'), { device: 'metal' }));
    expect(e).toBeInstanceOf(InvalidDeviceError);
    expect(e.message).toBe('unknown device "metal"; use one of cpu, cuda, cuda:N, tensorrt, tensorrt:N (N = GPU index, e.g. cuda:1)');
  });

  it('keeps the provider-library line off stderr, and the process still runs on cpu afterwards', async () => {
    const script = fileURLToPath(new URL('./fixtures/cuda-stderr.ts', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@voxelflow/source', '--import', 'tsx', script, `${testData}models/analytic3d.onnx`],
      { cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    // logit0 = −2·1 + 1, logit1 = 2·1 − 1.
    expect(stdout).toBe('cuda: DeviceUnavailableError\ncpu: -1,1\n');
    expect(stderr).not.toMatch(/providers_shared|Failed to load/);
  });
});

describe('createOnnxBackend: options', () => {
  it('threads default to the cores; an explicit count is used; bad values are rejected', async () => {
    const { availableParallelism } = await import('node:os');
    const a = (await createOnnxBackend(model('analytic3d'), { device: 'cpu' })) as OnnxBackend;
    expect(a.threads).toBe(availableParallelism());
    expect(a.device).toBe('cpu');
    await a.dispose();
    const b = (await createOnnxBackend(model('analytic3d'), { device: 'cpu', threads: 2, graphOptimization: 'basic' })) as OnnxBackend;
    expect(b.threads).toBe(2);
    await b.dispose();
    await expect(createOnnxBackend(model('analytic3d'), { device: 'cpu', threads: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(
      createOnnxBackend(model('analytic3d'), { device: 'cpu', graphOptimization: 'max' as never }),
    ).rejects.toThrow(/unknown graph optimization "max"/);
  });

  it('warmup runs a zero batch for a fixed shape and skips a dynamic one', async () => {
    const unet = (await createOnnxBackend(model('unet3d-tiny'), { device: 'cpu', threads: 1 })) as OnnxBackend;
    expect(await unet.warmup()).toBe(true);
    await unet.dispose();
    const analytic = (await OnnxBackend.create(model('analytic3d'), { device: 'cpu', threads: 1, warmup: true }));
    expect(await analytic.warmup()).toBe(false);
    await analytic.dispose();
  });
});

describe('createOnnxBackend: model cards', () => {
  it('the card beside the model (sidecar / nnU-Net) overrides the embedded one field by field', async () => {
    const m = { ...model('analytic3d'), card: { patchSize: [16, 24, 32], labels: ['air', 'papyrus'], normalization: 'instance_zscore' as const } };
    const b = await createOnnxBackend(m, { device: 'cpu', threads: 1 });
    expect(b.card.patchSize).toEqual([16, 24, 32]);
    expect(b.card.labels).toEqual(['air', 'papyrus']);
    expect(b.card.normalization).toBe('instance_zscore');
    // Fields the sidecar does not state still come from the embedded card (MANIFEST: analytic3d.card).
    expect(b.card.activation).toBe('softmax');
    expect(b.card.numClasses).toBe(2);
    expect(b.card.name).toBe('analytic3d');
    await b.dispose();
  });

  it('without any card, channels, classes and patch size come from fixed dims', async () => {
    const proto = fromBinary(ModelProtoSchema, model('unet3d-tiny').bytes);
    proto.metadataProps = [];
    const bare = { ...model('unet3d-tiny'), name: 'bare-unet', bytes: toBinary(ModelProtoSchema, proto) };
    const b = await createOnnxBackend(bare, { device: 'cpu', threads: 1 });
    expect(b.card).toEqual({ name: 'bare-unet', inChannels: 1, numClasses: 2, layout: '3d', patchSize: [64, 64, 64] });
    await b.dispose();

    const inkProto = fromBinary(ModelProtoSchema, model('ink25d').bytes);
    inkProto.metadataProps = [];
    const ink = await createOnnxBackend({ ...model('ink25d'), bytes: toBinary(ModelProtoSchema, inkProto) }, { device: 'cpu', threads: 1 });
    expect(ink.card).toMatchObject({ layout: '2.5d', layers: 26, patchSize: [64, 64], inChannels: 1, numClasses: 1 });
    await ink.dispose();

    const anaProto = fromBinary(ModelProtoSchema, model('analytic3d').bytes);
    anaProto.metadataProps = [];
    const ana = await createOnnxBackend({ ...model('analytic3d'), bytes: toBinary(ModelProtoSchema, anaProto) }, { device: 'cpu', threads: 1 });
    expect(ana.card.patchSize).toBeUndefined(); // dynamic spatial dims say nothing
    await ana.dispose();
  });
});

describe('createOnnxBackend: models it cannot use', () => {
  it('an int32 input → UnsupportedModelError naming the model and the input', async () => {
    const e = await failure(createOnnxBackend(identityModel(TensorProto_DataType.INT32), { device: 'cpu', threads: 1 }));
    expect(e).toBeInstanceOf(UnsupportedModelError);
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toBe(
      'model identity.onnx: input "x" is int32; VoxelFlow feeds float32 or float16 tensors, so re-export the model with a float input',
    );
    // A float Identity model loads, which shows the rejection above is about the dtype.
    const ok = await createOnnxBackend(identityModel(TensorProto_DataType.FLOAT), { device: 'cpu', threads: 1 });
    expect(ok.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [4] }]);
    await ok.dispose();
  });

  it('bytes that are not ONNX → OnnxParseError naming the source', async () => {
    const e = await failure(
      createOnnxBackend({ source: 'notes.txt', name: 'notes', bytes: new TextEncoder().encode('hello'), sha256: '', card: {} }, { device: 'cpu' }),
    );
    expect(e).toBeInstanceOf(OnnxParseError);
    expect(e.message).toMatch(/^notes\.txt is not a valid ONNX model/);
  });

  it('findTestData walks up to the repository test-data', () => {
    expect(findTestData()).toBe(testData.replace(/\/$/, ''));
  });
});
