/**
 * The process-wide onnxruntime-web WebAssembly runtime. It is started once, by the first
 * InferenceSession, with the thread count and file locations set in `ort.env.wasm` at that moment;
 * nothing changes them afterwards. This module is the one place that sets them.
 *
 * Threads in Node: the `ort-wasm-simd-threaded` build runs its pthreads on `worker_threads`. Node 20 has
 * SharedArrayBuffer and WebAssembly atomics without cross-origin isolation, so onnxruntime-web's
 * feature test passes and `numThreads` = n really starts n − 1 worker threads beside the calling one
 * (checked: the process's OS thread count grows by n − 1). Where the test fails, ORT falls back to
 * 1 thread and writes that back into `env.wasm.numThreads`, which `startedThreads()` reports.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { InvalidOptionError } from '@voxelflow/inference';
import { ThreadCountFixedError } from './errors';

/** The onnxruntime-web version in use (its `env.versions.web`). */
export const ORT_WEB_VERSION: string = ort.env.versions?.web ?? 'unknown';

/**
 * The installed onnxruntime-web's `dist/` directory as a file URL ending in `/`: the `.mjs` glue and
 * `.wasm` binary are loaded from here, never fetched, whatever bundles this package.
 */
export function ortWebDistUrl(): string {
  // The package's "node" + "require" export is dist/ort.node.min.js, so its folder is dist/.
  const entry = createRequire(import.meta.url).resolve('onnxruntime-web');
  return `${pathToFileURL(dirname(entry)).href}/`;
}

let requestedThreads: number | undefined;

/**
 * Fixes the runtime's thread count before the first session: `threads`, or every core when undefined.
 * Later calls must agree with the first (undefined takes the first's count); otherwise this throws
 * ThreadCountFixedError, because the running pool cannot be resized. Returns the count to expect.
 * Leaves a `wasmPaths` the embedding application already chose untouched.
 */
export function prepareWasmRuntime(threads: number | undefined): number {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new InvalidOptionError(`threads must be a positive integer; got ${String(threads)}`);
  }
  if (requestedThreads === undefined) {
    requestedThreads = threads ?? availableParallelism();
    ort.env.wasm.numThreads = requestedThreads;
    ort.env.wasm.wasmPaths ??= ortWebDistUrl();
    return requestedThreads;
  }
  const fixed = startedThreads() ?? requestedThreads;
  if (threads !== undefined && threads !== requestedThreads && threads !== fixed) {
    throw new ThreadCountFixedError(
      `onnxruntime-web already runs ${fixed} thread(s) in this process and cannot be resized to ${threads}; ` +
        `give every onnx-web backend of a process the same --threads, or run it in its own process`,
      fixed,
      threads,
    );
  }
  return fixed;
}

/** The thread count the WebAssembly runtime uses (or will start with), or undefined before any backend was created. */
export function startedThreads(): number | undefined {
  // ORT writes its fallback (1) back into env.wasm.numThreads when threads are unsupported.
  return requestedThreads === undefined ? undefined : (ort.env.wasm.numThreads ?? requestedThreads);
}
