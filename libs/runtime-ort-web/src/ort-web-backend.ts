/**
 * The onnxruntime-web implementation of the engine's ModelBackend: one WebAssembly InferenceSession per
 * backend, on the CPU, with the process-wide thread pool `wasm-runtime` starts. Everything that is not
 * about running the model (the ONNX metadata, the card, the error classes) comes from runtime-onnx, so
 * both ONNX backends describe a model identically.
 */
import * as ort from 'onnxruntime-web';
import {
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
  BackendDisposedError,
  checkBatch,
  describeModel,
  warmupBatch,
  oneLine,
  readOnnxMetadata,
  runFirstOutput,
  type OrtRunnable,
  type OrtTensorLike,
  type SessionLike,
  type GraphOptimizationLevel,
  type OnnxMetadata,
} from '@voxelflow/runtime-onnx';
import { checkOrtWebDevice } from './device';
import { ORT_WEB_VERSION, prepareWasmRuntime } from './wasm-runtime';

const GRAPH_OPTIMIZATION_LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

/** BackendOptions plus what only this backend understands. */
export interface OrtWebBackendOptions extends BackendOptions {
  /**
   * Run one all-zero batch right after loading, so the first real patch does not pay for the runtime's
   * lazy allocations. Only done when the input shape is fixed apart from the batch dimension.
   */
  warmup?: boolean;
  /** Session log severity, 0 (verbose) … 4 (fatal). Default 3: ONNX Runtime's own errors only. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}



/**
 * A model loaded into an onnxruntime-web (WebAssembly) InferenceSession. Create it with
 * {@link createOrtWebBackend} (or `OrtWebBackend.create`); call `dispose()` when done.
 *
 * The card is built exactly as runtime-onnx builds it: fixed tensor shapes, then the card embedded in
 * the ONNX `metadata_props`, then the card beside the model (`model.card`), later sources winning.
 */
export class OrtWebBackend implements ModelBackend {
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
  /** Always `cpu`: the WebAssembly kernels. */
  readonly device = 'cpu';
  /** Threads of the process-wide WebAssembly pool this session runs on. */
  readonly threads: number;
  /** `onnxruntime-web` and its version, for run records. */
  readonly runtime = {
    /** The npm package that runs the model. */
    name: 'onnxruntime-web',
    /** Its version. */
    version: ORT_WEB_VERSION,
  };
  private session: ort.InferenceSession | undefined;

  private constructor(
    session: ort.InferenceSession,
    name: string,
    threads: number,
    metadata: OnnxMetadata,
    io: { inputs: TensorInfo[]; outputs: TensorInfo[] },
    card: ModelCard,
  ) {
    this.session = session;
    this.name = name;
    this.threads = threads;
    this.metadata = metadata;
    this.inputs = io.inputs;
    this.outputs = io.outputs;
    this.card = card;
  }

  /**
   * Loads `model.bytes` into a WebAssembly session. Throws DeviceUnavailableError for a GPU `--device`,
   * InvalidDeviceError / InvalidOptionError for bad options, ThreadCountFixedError when the process's
   * runtime already runs a different thread count, and OnnxParseError / ModelLoadError /
   * UnsupportedModelError for models it cannot use.
   */
  static async create(model: ResolvedModel, options: OrtWebBackendOptions): Promise<OrtWebBackend> {
    checkOrtWebDevice(options.device);
    const graphOptimizationLevel = options.graphOptimization ?? 'all';
    if (!GRAPH_OPTIMIZATION_LEVELS.includes(graphOptimizationLevel)) {
      throw new InvalidOptionError(
        `unknown graph optimization ${JSON.stringify(graphOptimizationLevel)}; use one of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}`,
      );
    }
    // Parse before ORT does: a clear "not ONNX" error naming the file beats an abort inside WebAssembly.
    const metadata = readOnnxMetadata(model.bytes, model.source);
    const embedded = modelCardFromMetadata(metadata.metadataProps, model.source);
    const threads = prepareWasmRuntime(options.threads);

    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.bytes, {
        executionProviders: ['wasm'],
        executionMode: 'sequential',
        graphOptimizationLevel,
        logSeverityLevel: options.logSeverityLevel ?? 3,
      });
    } catch (e) {
      throw new ModelLoadError(
        `onnxruntime-web cannot load model ${model.source}: ${oneLine(e)}; check that it is a complete ONNX file this ONNX Runtime supports`,
        { cause: e },
      );
    }

    try {
      const { card, ...io } = describeModel(session as unknown as SessionLike, model, embedded);
      // Read back: ORT lowers the count to 1 where WebAssembly threads are unavailable.
      const started = ort.env.wasm.numThreads ?? threads;
      const backend = new OrtWebBackend(session, model.name, started, metadata, io, card);
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

  /**
   * Runs one batch and returns the first output (same dtype as `outputs[0]`; float16 as Uint16Array
   * bits). The result is a fresh copy out of WebAssembly memory, never overwritten by a later run.
   */
  async run(batch: Tensor): Promise<Tensor> {
    const session = this.session;
    if (!session) throw new BackendDisposedError(`model ${this.name}: run() after dispose(); create a new backend`);
    checkBatch(this.inputs[0]!, batch, this.name);
    // ort-web's Tensor takes float16 as a Uint16Array of bits (or a Float16Array where one exists).
    const input = new ort.Tensor(batch.dtype, batch.data, batch.shape);
    return runFirstOutput(session as unknown as OrtRunnable, input as unknown as OrtTensorLike, this, {
      model: this.name,
      runtime: 'onnxruntime-web',
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

/** The BackendFactory for onnxruntime-web; accepts {@link OrtWebBackendOptions}. */
export const createOrtWebBackend: BackendFactory = (model, options) => OrtWebBackend.create(model, options);
