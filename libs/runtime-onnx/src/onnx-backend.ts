/**
 * The ONNX Runtime (onnxruntime-node) implementation of the engine's ModelBackend: one
 * InferenceSession per backend, created from the model's bytes on the device `--device` names.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import {
  InferenceError,
  InvalidOptionError,
  ModelLoadError,
  mergeModelCards,
  modelCardFromMetadata,
  type BackendFactory,
  type BackendOptions,
  type ModelBackend,
  type ModelCard,
  type ResolvedModel,
  type Tensor,
  type TensorDType,
  type TensorInfo,
} from '@voxelflow/inference';
import { cardFromShapes } from './card-from-shapes';
import {
  CUDA_PROVIDER_INSTALL_COMMAND,
  executionProvidersFor,
  formatDevice,
  parseDevice,
  type OnnxDevice,
} from './devices';
import {
  BackendDisposedError,
  DeviceUnavailableError,
  TensorMismatchError,
  UnsupportedModelError,
} from './errors';
import { readOnnxMetadata, type OnnxMetadata } from './onnx-metadata';

/** Graph optimization levels ONNX Runtime accepts. */
export type GraphOptimizationLevel = NonNullable<BackendOptions['graphOptimization']>;

const GRAPH_OPTIMIZATION_LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

/** BackendOptions plus what only this backend understands. */
export interface OnnxBackendOptions extends BackendOptions {
  /**
   * Run one all-zero batch right after loading, so the first real patch does not pay for ONNX Runtime's
   * lazy allocations. Only done when the input shape is fixed apart from the batch dimension.
   */
  warmup?: boolean;
  /** Session log severity, 0 (verbose) … 4 (fatal). Default 3: ONNX Runtime's own errors only. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

let ortLoggingConfigured = false;

/**
 * ORT prints a "Failed to load library …providers_shared.so" line to stderr whenever a GPU provider is
 * absent, even though the same failure also comes back as an exception, and only the process-wide log
 * level set before the first session silences it. Raise it to 'fatal' unless the caller already chose
 * a level; real failures still arrive as exceptions, which become this package's typed errors.
 */
function configureOrtLoggingOnce(): void {
  if (ortLoggingConfigured) return;
  ortLoggingConfigured = true;
  if (ort.env.logLevel === 'warning') ort.env.logLevel = 'fatal';
}

const oneLine = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();

const formatShape = (shape: readonly (number | string | null)[]): string =>
  `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`;

function isFloatDType(t: string): t is TensorDType {
  return t === 'float32' || t === 'float16';
}

function tensorInfo(meta: ort.InferenceSession.TensorValueMetadata): TensorInfo {
  return {
    name: meta.name,
    dtype: meta.type as TensorDType,
    // ORT reports an unnamed dynamic dimension as ''; the contract spells that null.
    shape: meta.shape.map((d) => (typeof d === 'string' && d === '' ? null : d)),
  };
}

/** Turns a session-creation failure into the error that tells the user what to do. */
function sessionError(e: unknown, model: ResolvedModel, requested: string, device: OnnxDevice): Error {
  const msg = oneLine(e);
  if (device.kind !== 'cpu') {
    const provider = device.kind === 'cuda' ? 'CUDA' : 'TensorRT';
    const missing = /failed to load (shared )?librar|cannot open shared object|backend not found|not (found|available)/i;
    if (missing.test(msg)) {
      const needs = device.kind === 'tensorrt' ? ' and put TensorRT on the library path' : '';
      return new DeviceUnavailableError(
        `device ${requested}: the ${provider} execution provider is not installed in onnxruntime-node (ONNX Runtime: ${msg}); ` +
          `install it on a machine with network with \`${CUDA_PROVIDER_INSTALL_COMMAND}\`${needs}, or pass --device cpu`,
        requested,
        device.kind,
        { cause: e },
      );
    }
    if (/cuda|gpu|device|tensorrt|driver/i.test(msg)) {
      return new DeviceUnavailableError(
        `device ${requested} cannot be used (ONNX Runtime: ${msg}); pass a GPU index that exists (nvidia-smi lists them) or --device cpu`,
        requested,
        device.kind,
        { cause: e },
      );
    }
  }
  return new ModelLoadError(
    `ONNX Runtime cannot load model ${model.source} on ${formatDevice(device)}: ${msg}; check that it is a complete ONNX file this ONNX Runtime supports`,
    { cause: e },
  );
}

/**
 * A model loaded into an onnxruntime-node InferenceSession. Create it with {@link createOnnxBackend}
 * (or `OnnxBackend.create`); call `dispose()` when done.
 *
 * The card is, from weakest to strongest: what fixed tensor shapes imply (channels, classes, patch
 * size), the card embedded in the ONNX `metadata_props`, and the card found beside the model
 * (`model.card`: sidecar voxelflow.json or nnU-Net plans). Files beside a model are the user's
 * deliberate override of what was baked into it, so they win.
 */
export class OnnxBackend implements ModelBackend {
  /** The model's one input (float32 or float16); symbolic dims are strings, unnamed ones null. */
  readonly inputs: readonly TensorInfo[];
  /** The float outputs; `run` returns the first. */
  readonly outputs: readonly TensorInfo[];
  /** Shapes ⊂ embedded metadata ⊂ the card beside the model, later sources winning field by field. */
  readonly card: ModelCard;
  /** Top-level facts of the ONNX file (IR version, producer, opsets, metadata_props). */
  readonly metadata: OnnxMetadata;
  /** The model's short name, used in error messages. */
  readonly name: string;
  /** The device in canonical form, e.g. `cpu` or `cuda:0`. */
  readonly device: string;
  /** Intra-op threads of the session. */
  readonly threads: number;
  readonly runtime = { name: 'onnxruntime-node', version: ort.env.versions?.node ?? 'unknown' };
  private session: ort.InferenceSession | undefined;

  private constructor(
    session: ort.InferenceSession,
    name: string,
    device: string,
    threads: number,
    metadata: OnnxMetadata,
    inputs: TensorInfo[],
    outputs: TensorInfo[],
    card: ModelCard,
  ) {
    this.session = session;
    this.name = name;
    this.device = device;
    this.threads = threads;
    this.metadata = metadata;
    this.inputs = inputs;
    this.outputs = outputs;
    this.card = card;
  }

  /**
   * Loads `model.bytes` on `options.device`. Throws InvalidDeviceError / InvalidOptionError for bad
   * options, DeviceUnavailableError when the device's provider is missing (never falls back to CPU),
   * OnnxParseError / ModelLoadError / UnsupportedModelError for models it cannot use.
   */
  static async create(model: ResolvedModel, options: OnnxBackendOptions): Promise<OnnxBackend> {
    const device = parseDevice(options.device);
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new InvalidOptionError(`threads must be a positive integer; got ${String(options.threads)}`);
    }
    const graphOptimizationLevel = options.graphOptimization ?? 'all';
    if (!GRAPH_OPTIMIZATION_LEVELS.includes(graphOptimizationLevel)) {
      throw new InvalidOptionError(
        `unknown graph optimization ${JSON.stringify(graphOptimizationLevel)}; use one of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}`,
      );
    }
    // Parse before ORT does: a clear "not ONNX" error naming the file beats "protobuf parsing failed".
    const metadata = readOnnxMetadata(model.bytes, model.source);
    const embedded = modelCardFromMetadata(metadata.metadataProps, model.source);

    configureOrtLoggingOnce();
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.bytes, {
        executionProviders: executionProvidersFor(device),
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel,
        logSeverityLevel: options.logSeverityLevel ?? 3,
      });
    } catch (e) {
      throw sessionError(e, model, options.device, device);
    }

    try {
      const inputs = session.inputMetadata.map((m) => {
        if (!m.isTensor || !isFloatDType(m.type)) {
          const what = m.isTensor ? m.type : 'a non-tensor value';
          throw new UnsupportedModelError(
            `model ${model.source}: input "${m.name}" is ${what}; VoxelFlow feeds float32 or float16 tensors, so re-export the model with a float input`,
          );
        }
        return tensorInfo(m);
      });
      if (inputs.length !== 1) {
        throw new UnsupportedModelError(
          `model ${model.source} has ${inputs.length} inputs (${session.inputNames.join(', ') || 'none'}); VoxelFlow feeds exactly one image tensor`,
        );
      }
      const first = session.outputMetadata[0];
      if (!first || !first.isTensor || !isFloatDType(first.type)) {
        const what = !first ? 'no outputs' : `first output "${first.name}" ${first.isTensor ? `is ${first.type}` : 'is not a tensor'}`;
        throw new UnsupportedModelError(
          `model ${model.source}: ${what}; VoxelFlow reads float32 or float16 logits from the first output`,
        );
      }
      // Further outputs of other types (an argmax, say) are never fetched, so they are simply not listed.
      const outputs = session.outputMetadata.flatMap((m) => (m.isTensor && isFloatDType(m.type) ? [tensorInfo(m)] : []));
      const stated = mergeModelCards(embedded, model.card);
      const card = mergeModelCards(
        { name: model.name },
        cardFromShapes(inputs[0]!, outputs[0], stated.layout),
        stated,
      );
      const backend = new OnnxBackend(session, model.name, formatDevice(device), threads, metadata, inputs, outputs, card);
      if (options.warmup) await backend.warmup();
      return backend;
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /**
   * Runs one all-zero batch of the model's fixed input shape (batch 1 when the batch dimension is
   * symbolic). Returns false, and runs nothing, when any other dimension is symbolic.
   */
  async warmup(): Promise<boolean> {
    const info = this.inputs[0]!;
    const shape = info.shape.map((d, i) => (i === 0 && typeof d !== 'number' ? 1 : d));
    if (shape.length === 0 || !shape.every((d): d is number => typeof d === 'number' && d > 0)) return false;
    const size = shape.reduce((a, b) => a * b, 1);
    const data = info.dtype === 'float16' ? new Uint16Array(size) : new Float32Array(size);
    await this.run({ dtype: info.dtype, data, shape });
    return true;
  }

  /** Throws TensorMismatchError when `batch` does not fit `inputs[0]`. */
  private check(batch: Tensor): void {
    const info = this.inputs[0]!;
    const model = `model ${this.name}`;
    if (batch.dtype !== info.dtype) {
      throw new TensorMismatchError(`${model} expects ${info.dtype} input; got ${batch.dtype}`);
    }
    const wantArray = batch.dtype === 'float16' ? Uint16Array : Float32Array;
    if (!(batch.data instanceof wantArray)) {
      throw new TensorMismatchError(
        `${model}: a ${batch.dtype} batch must hold a ${wantArray.name}; got ${batch.data.constructor.name}`,
      );
    }
    if (info.shape.length > 0 && batch.shape.length !== info.shape.length) {
      throw new TensorMismatchError(
        `${model} expects a rank-${info.shape.length} input ${formatShape(info.shape)}; got shape ${formatShape(batch.shape)}`,
      );
    }
    let size = 1;
    for (let i = 0; i < batch.shape.length; i++) {
      const d = batch.shape[i]!;
      if (!Number.isInteger(d) || d < 1) {
        throw new TensorMismatchError(`${model}: batch shape ${formatShape(batch.shape)} has a non-positive or fractional dimension`);
      }
      const want = info.shape[i];
      if (typeof want === 'number' && want !== d) {
        throw new TensorMismatchError(
          `${model} expects input ${formatShape(info.shape)} (dimension ${i} = ${want}); got shape ${formatShape(batch.shape)}`,
        );
      }
      size *= d;
    }
    if (batch.data.length !== size) {
      throw new TensorMismatchError(
        `${model}: batch of shape ${formatShape(batch.shape)} needs ${size} values; its data holds ${batch.data.length}`,
      );
    }
  }

  /** Runs one batch through the model and returns the first output (same dtype as `outputs[0]`). */
  async run(batch: Tensor): Promise<Tensor> {
    const session = this.session;
    if (!session) throw new BackendDisposedError(`model ${this.name}: run() after dispose(); create a new backend`);
    this.check(batch);
    const inputName = this.inputs[0]!.name;
    const outputName = this.outputs[0]!.name;
    const input = new ort.Tensor(batch.dtype, batch.data, batch.shape);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await session.run({ [inputName]: input }, [outputName]);
    } catch (e) {
      if (!this.session) throw new BackendDisposedError(`model ${this.name}: disposed while a batch was running`);
      throw new InferenceError(
        `model ${this.name}: ONNX Runtime failed on a batch of shape ${formatShape(batch.shape)} on ${this.device}: ${oneLine(e)}`,
        { cause: e },
      );
    } finally {
      input.dispose();
    }
    try {
      const out = results[outputName];
      if (!out) throw new InferenceError(`model ${this.name}: ONNX Runtime returned no output "${outputName}"`);
      const shape = Array.from(out.dims);
      const raw = out.data;
      if (out.type === 'float32' && raw instanceof Float32Array) return { dtype: 'float32', data: raw, shape };
      if (out.type === 'float16' && ArrayBuffer.isView(raw)) {
        // Node 20 gives float16 as Uint16Array bits; a runtime with Float16Array gives that, so re-view its bits.
        const bits = raw instanceof Uint16Array ? raw : new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
        return { dtype: 'float16', data: bits, shape };
      }
      throw new InferenceError(`model ${this.name}: output "${outputName}" came back as ${out.type}; expected ${this.outputs[0]!.dtype}`);
    } finally {
      // The returned arrays stay valid: dispose() only drops the tensors' own references (and any native handle).
      for (const t of Object.values(results)) t.dispose();
    }
  }

  /** Releases the session. Further `run` calls throw BackendDisposedError; a second dispose is a no-op. */
  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await session.release();
  }
}

/** The BackendFactory for onnxruntime-node; accepts {@link OnnxBackendOptions}. */
export const createOnnxBackend: BackendFactory = (model, options) => OnnxBackend.create(model, options);
