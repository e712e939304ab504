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
  modelCardFromMetadata,
  type BackendFactory,
  type BackendOptions,
  type ModelBackend,
  type ModelCard,
  type ResolvedModel,
  type Tensor,
  type TensorInfo,
} from '@voxelflow/inference';
import {
  CUDA_PROVIDER_INSTALL_COMMAND,
  executionProvidersFor,
  formatDevice,
  parseDevice,
  type OnnxDevice,
} from './devices';
import { BackendDisposedError, DeviceUnavailableError } from './errors';
import { readOnnxMetadata, type OnnxMetadata } from './onnx-metadata';
import { checkBatch, describeModel, oneLine, runFirstOutput, warmupBatch, type OrtRunnable, type OrtTensorLike, type SessionLike } from './session-io';

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
 * onnxruntime-common maps float16 to a global Float16Array when one exists, and the native binding
 * then rejects it when that is a JavaScript polyfill (Node 20 has no native one). Say so plainly
 * instead of failing with "Tensor.data must be a typed array".
 */
function checkNoFloat16Polyfill(model: string): void {
  const F16 = (globalThis as { Float16Array?: unknown }).Float16Array;
  if (F16 !== undefined && !/\[native code\]/.test(Function.prototype.toString.call(F16))) {
    throw new InferenceError(
      `model ${model}: a JavaScript Float16Array polyfill is installed globally, and onnxruntime-node cannot take float16 tensors then; remove the polyfill (VoxelFlow passes float16 as Uint16Array bits)`,
    );
  }
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
  /** `onnxruntime-node` and its version, for run records. */
  readonly runtime = {
    /** The npm package that runs the model. */
    name: 'onnxruntime-node',
    /** Its version (`unknown` when the binding does not say). */
    version: ort.env.versions?.node ?? 'unknown',
  };
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
      const { inputs, outputs, card } = describeModel(session as unknown as SessionLike, model, embedded);
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
    const batch = warmupBatch(this.inputs[0]!);
    if (batch) await this.run(batch);
    return batch !== undefined;
  }

  /** Runs one batch through the model and returns the first output (same dtype as `outputs[0]`). */
  async run(batch: Tensor): Promise<Tensor> {
    const session = this.session;
    if (!session) throw new BackendDisposedError(`model ${this.name}: run() after dispose(); create a new backend`);
    checkBatch(this.inputs[0]!, batch, this.name);
    if (batch.dtype === 'float16') checkNoFloat16Polyfill(this.name);
    const input = new ort.Tensor(batch.dtype, batch.data, batch.shape);
    return runFirstOutput(session as unknown as OrtRunnable, input as unknown as OrtTensorLike, this, {
      model: this.name,
      runtime: 'ONNX Runtime',
      where: `on ${this.device}`,
      disposed: () => !this.session,
    });
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
