/**
 * Worker-thread entry of `OnnxWorkerBackend`. onnxruntime-node runs `session.run` synchronously on the
 * calling thread, so a session on the main thread blocks reading and writing for the whole model
 * call. Here the session lives on its own thread; tensors cross as transferred ArrayBuffers.
 */
import { parentPort } from 'node:worker_threads';
import type { ResolvedModel, Tensor } from '@voxelflow/inference';
import { OnnxBackend, type OnnxBackendOptions } from './onnx-backend';

export type WorkerRequest =
  | { type: 'init'; model: ResolvedModel; options: OnnxBackendOptions }
  | { type: 'run'; id: number; tensor: Tensor }
  | { type: 'dispose' };

export type WorkerReply =
  | { type: 'ready'; inputs: OnnxBackend['inputs']; outputs: OnnxBackend['outputs']; card: OnnxBackend['card']; runtime: OnnxBackend['runtime'] }
  | { type: 'result'; id: number; tensor: Tensor }
  | { type: 'error'; id?: number; error: SerializedError }
  | { type: 'disposed' };

export interface SerializedError {
  name: string;
  message: string;
  device?: string;
  provider?: string;
}

function serialize(e: unknown): SerializedError {
  const err = e instanceof Error ? e : new Error(String(e));
  const extra = err as { device?: string; provider?: string };
  return { name: err.name, message: err.message, device: extra.device, provider: extra.provider };
}

let backend: OnnxBackend | undefined;
const port = parentPort!;
port.on('message', (msg: WorkerRequest) => {
  void (async () => {
    if (msg.type === 'init') {
      try {
        backend = await OnnxBackend.create(msg.model, msg.options);
        port.postMessage({ type: 'ready', inputs: backend.inputs, outputs: backend.outputs, card: backend.card, runtime: backend.runtime } satisfies WorkerReply);
      } catch (e) {
        port.postMessage({ type: 'error', error: serialize(e) } satisfies WorkerReply);
      }
    } else if (msg.type === 'run') {
      try {
        const out = await backend!.run(msg.tensor);
        // Copy out of ORT's buffer into one we can hand over without copying again.
        const data = out.data.slice();
        port.postMessage({ type: 'result', id: msg.id, tensor: { ...out, data } } satisfies WorkerReply, [data.buffer as ArrayBuffer]);
      } catch (e) {
        port.postMessage({ type: 'error', id: msg.id, error: serialize(e) } satisfies WorkerReply);
      }
    } else if (msg.type === 'dispose') {
      await backend?.dispose();
      port.postMessage({ type: 'disposed' } satisfies WorkerReply);
    }
  })();
});
