/**
 * `OnnxWorkerBackend`: the ONNX backend with its session on a worker thread, so the engine's reads,
 * normalization and writes overlap the model instead of waiting for it (onnxruntime-node's `run` is
 * synchronous on its thread). Same contract, same errors (rebuilt by name on this side).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  InferenceError,
  InvalidOptionError,
  ModelLoadError,
  ModelMismatchError,
  type BackendFactory,
  type ModelBackend,
  type ModelCard,
  type ResolvedModel,
  type Tensor,
  type TensorInfo,
} from '@voxelflow/inference';
import {
  BackendDisposedError,
  DeviceUnavailableError,
  InvalidDeviceError,
  OnnxParseError,
  TensorMismatchError,
  UnsupportedModelError,
} from './errors';
import type { OnnxBackendOptions } from './onnx-backend';
import type { SerializedError, WorkerReply, WorkerRequest } from './session-worker';

/** The worker module beside this file: built JS, or the TypeScript source under tests (through tsx). */
function workerLocation(): { url: URL; execArgv: string[] } {
  const js = new URL('./session-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  return { url: new URL('./session-worker.ts', import.meta.url), execArgv: ['--conditions=@voxelflow/source'] };
}

/** tsx's loader API, resolved from this package rather than from the working directory. */
function tsxApi(): string {
  // require.resolve finds the CommonJS build; the worker imports the ES module beside it.
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

const ERRORS: Record<string, new (message: string) => Error> = {
  InvalidDeviceError,
  UnsupportedModelError,
  OnnxParseError,
  TensorMismatchError,
  BackendDisposedError,
  ModelLoadError,
  ModelMismatchError,
  InvalidOptionError,
  InferenceError,
};

function rebuild(e: SerializedError): Error {
  if (e.name === 'DeviceUnavailableError') return new DeviceUnavailableError(e.message, e.device ?? '', e.provider ?? '');
  const Ctor = ERRORS[e.name];
  if (Ctor) return new Ctor(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/**
 * The ONNX backend with its session on a worker thread (see the module comment). Create it with
 * {@link createOnnxWorkerBackend} (or `OnnxWorkerBackend.create`); call `dispose()` when done.
 */
export class OnnxWorkerBackend implements ModelBackend {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (t: Tensor) => void; reject: (e: Error) => void }>();
  private disposed = false;

  private constructor(
    private readonly worker: Worker,
    /** The model's one input (float32 or float16), as the worker's session describes it. */
    readonly inputs: readonly TensorInfo[],
    /** The float outputs; `run` returns the first. */
    readonly outputs: readonly TensorInfo[],
    /** The card, built in the worker exactly as {@link OnnxBackend} builds it. */
    readonly card: ModelCard,
    /** The model's short name, used in error messages. */
    readonly name: string,
    /** `onnxruntime-node` and its version, for run records. */
    readonly runtime: {
      /** The npm package that runs the model. */
      name: string;
      /** Its version. */
      version: string;
    },
  ) {
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type === 'result' || (msg.type === 'error' && msg.id !== undefined)) {
        const id = msg.id!;
        const p = this.pending.get(id);
        this.pending.delete(id);
        if (msg.type === 'result') p?.resolve(msg.tensor);
        else p?.reject(rebuild(msg.error));
      }
    });
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => {
      if (!this.disposed) this.failAll(new InferenceError(`the model worker of ${name} exited (code ${code}); rerun, or pass --threads 1 to use less memory`));
    });
  }

  /**
   * Starts a worker, loads `model.bytes` there and resolves once the session is ready. Throws the
   * same errors as `OnnxBackend.create` (rebuilt by class name on this thread).
   */
  static async create(model: ResolvedModel, options: OnnxBackendOptions): Promise<OnnxWorkerBackend> {
    const { url, execArgv } = workerLocation();
    // Under tests the entry is TypeScript: register tsx's loader in the worker first, then import it
    // (with `--import tsx` Node may load the entry before the loader is active).
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(tsxApi())}).then((t) => t.register()).then(() => import(${JSON.stringify(url.href)}))`, { eval: true, execArgv })
      : new Worker(url, { execArgv });
    const ready = await new Promise<Extract<WorkerReply, { type: 'ready' }>>((resolve, reject) => {
      const onMessage = (msg: WorkerReply) => {
        if (msg.type === 'ready') resolve(msg);
        else if (msg.type === 'error') reject(rebuild(msg.error));
      };
      worker.once('message', onMessage);
      worker.once('error', reject);
      worker.postMessage({ type: 'init', model, options } satisfies WorkerRequest);
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw e;
    });
    worker.unref();
    return new OnnxWorkerBackend(worker, ready.inputs, ready.outputs, ready.card, model.name, ready.runtime);
  }

  run(batch: Tensor): Promise<Tensor> {
    if (this.disposed) return Promise.reject(new BackendDisposedError(`model ${this.name} was disposed; create a new backend`));
    const id = this.nextId++;
    // The caller keeps its buffer: send a copy, transferred (one copy, no structured clone).
    const data = batch.data.slice();
    return new Promise<Tensor>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ type: 'run', id, tensor: { ...batch, data } } satisfies WorkerRequest, [data.buffer as ArrayBuffer]);
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.worker.postMessage({ type: 'dispose' } satisfies WorkerRequest);
    await this.worker.terminate();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/** BackendFactory that puts each session on its own worker thread (the engine's default for ONNX). */
export const createOnnxWorkerBackend: BackendFactory = (model, options) => OnnxWorkerBackend.create(model, options);
