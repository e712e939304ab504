/**
 * What every ONNX Runtime flavour (onnxruntime-node, onnxruntime-web) shares between a session and the
 * ModelBackend contract: describing the session's inputs and outputs, checking a batch against the
 * input, and reading float16 outputs as bits. Typed structurally, so both runtimes' sessions fit.
 */
import { InferenceError, mergeModelCards, type ModelCard, type ResolvedModel, type Tensor, type TensorDType, type TensorInfo } from '@voxelflow/inference';
import { cardFromShapes } from './card-from-shapes';
import { BackendDisposedError, TensorMismatchError, UnsupportedModelError } from './errors';

/** The parts of an ONNX Runtime session's value metadata used here. */
export interface SessionValueMetadata {
  /** The input or output name in the graph. */
  name: string;
  /** False for sequences and maps, which VoxelFlow cannot feed or read. */
  isTensor: boolean;
  /** Element type of a tensor, e.g. `float32`. */
  type?: string;
  /** Declared shape; strings are symbolic dimensions. */
  shape?: readonly (number | string)[];
}

/** The parts of an ONNX Runtime session used here (onnxruntime-common's InferenceSession fits). */
export interface SessionLike {
  /** Input names in graph order. */
  readonly inputNames: readonly string[];
  /** Metadata of each input, in the order of `inputNames`. */
  readonly inputMetadata: readonly SessionValueMetadata[];
  /** Metadata of each output, in graph order. */
  readonly outputMetadata: readonly SessionValueMetadata[];
}

/** `[N,1,64,?,64]`: a shape as error messages print it. */
export const formatShape = (shape: readonly (number | string | null)[]): string =>
  `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`;

function isFloatDType(t: string | undefined): t is TensorDType {
  return t === 'float32' || t === 'float16';
}

function tensorInfo(meta: SessionValueMetadata): TensorInfo {
  return {
    name: meta.name,
    dtype: meta.type as TensorDType,
    // An unnamed dynamic dimension comes back as '' (or, from onnxruntime-web, a negative size); the contract spells it null.
    shape: (meta.shape ?? []).map((d) => (d === '' || (typeof d === 'number' && d < 0) ? null : d)),
  };
}

/**
 * The session's one float input and its float outputs, or UnsupportedModelError saying what is wrong.
 * Further outputs of other types (an argmax, say) are never fetched, so they are simply not listed.
 */
export function describeSession(
  session: SessionLike,
  source: string,
): {
  /** The one float input. */
  inputs: TensorInfo[];
  /** The float outputs; the engine reads the first. */
  outputs: TensorInfo[];
} {
  const inputs = session.inputMetadata.map((m) => {
    if (!m.isTensor || !isFloatDType(m.type)) {
      const what = m.isTensor ? m.type : 'a non-tensor value';
      throw new UnsupportedModelError(
        `model ${source}: input "${m.name}" is ${what}; VoxelFlow feeds float32 or float16 tensors, so re-export the model with a float input`,
      );
    }
    return tensorInfo(m);
  });
  if (inputs.length !== 1) {
    throw new UnsupportedModelError(
      `model ${source} has ${inputs.length} inputs (${session.inputNames.join(', ') || 'none'}); VoxelFlow feeds exactly one image tensor`,
    );
  }
  const first = session.outputMetadata[0];
  if (!first || !first.isTensor || !isFloatDType(first.type)) {
    const what = !first ? 'no outputs' : `first output "${first.name}" ${first.isTensor ? `is ${first.type}` : 'is not a tensor'}`;
    throw new UnsupportedModelError(`model ${source}: ${what}; VoxelFlow reads float32 or float16 logits from the first output`);
  }
  const outputs = session.outputMetadata.flatMap((m) => (m.isTensor && isFloatDType(m.type) ? [tensorInfo(m)] : []));
  return { inputs, outputs };
}

/**
 * Throws TensorMismatchError (a ModelMismatchError) when `batch` does not fit `info`: dtype, array type
 * (Float32Array / Uint16Array bits), rank, fixed dimensions, or data length.
 */
export function checkBatch(info: TensorInfo, batch: Tensor, modelName: string): void {
  const model = `model ${modelName}`;
  if (batch.dtype !== info.dtype) {
    throw new TensorMismatchError(`${model} expects ${info.dtype} input; got ${batch.dtype}`);
  }
  const wantArray = batch.dtype === 'float16' ? Uint16Array : Float32Array;
  if (!(batch.data instanceof wantArray)) {
    throw new TensorMismatchError(`${model}: a ${batch.dtype} batch must hold a ${wantArray.name}; got ${batch.data.constructor.name}`);
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
    throw new TensorMismatchError(`${model}: batch of shape ${formatShape(batch.shape)} needs ${size} values; its data holds ${batch.data.length}`);
  }
}

/**
 * The raw bits of a float16 output. Node 20 gives a Uint16Array. Where a global Float16Array exists,
 * onnxruntime-common builds the output with it: a native one is a typed array, a polyfill (e.g.
 * @petamoriken/float16, which apps install for zarrita) is a Proxy that is not, but both expose
 * `buffer`, `byteOffset` and `byteLength`, so their bits are re-viewed, never converted.
 */
export function float16Bits(raw: unknown): Uint16Array | undefined {
  if (raw instanceof Uint16Array) return raw;
  const v = raw as { buffer?: unknown; byteOffset?: unknown; byteLength?: unknown } | null;
  if (v && v.buffer instanceof ArrayBuffer && typeof v.byteOffset === 'number' && typeof v.byteLength === 'number') {
    return new Uint16Array(v.buffer, v.byteOffset, v.byteLength / 2);
  }
  return undefined;
}

/** What {@link describeModel} finds. */
export interface ModelDescription {
  /** The model's one input. */
  inputs: TensorInfo[];
  /** Its float outputs; the first is what runs return. */
  outputs: TensorInfo[];
  /** The merged card. */
  card: ModelCard;
}

/**
 * The session's inputs and outputs and the model's card: fixed shapes, then the card embedded in the
 * ONNX `metadata_props`, then the card beside the model (`model.card`), later sources winning field by
 * field (files beside a model are the user's deliberate override).
 */
export function describeModel(session: SessionLike, model: ResolvedModel, embedded: ModelCard): ModelDescription {
  const { inputs, outputs } = describeSession(session, model.source);
  const stated = mergeModelCards(embedded, model.card);
  const card = mergeModelCards({ name: model.name }, cardFromShapes(inputs[0]!, outputs[0], stated.layout), stated);
  return { inputs, outputs, card };
}

/**
 * An all-zero batch of the input's fixed shape (batch 1 when the batch dimension is symbolic), for a
 * warm-up run; undefined when another dimension is symbolic.
 */
export function warmupBatch(info: TensorInfo): Tensor | undefined {
  const shape = info.shape.map((d, i) => (i === 0 && typeof d !== 'number' ? 1 : d));
  if (shape.length === 0 || !shape.every((d): d is number => typeof d === 'number' && d > 0)) return undefined;
  const size = shape.reduce((a, b) => a * b, 1);
  return { dtype: info.dtype, data: info.dtype === 'float16' ? new Uint16Array(size) : new Float32Array(size), shape };
}

/** The parts of an ONNX Runtime tensor used here (onnxruntime-common's Tensor fits). */
export interface OrtTensorLike {
  /** Element type, e.g. 'float32'. */
  readonly type: string;
  /** Shape. */
  readonly dims: readonly number[];
  /** The elements (a typed array for numeric tensors). */
  readonly data: unknown;
  /** Releases the tensor's own resources, where the runtime has any. */
  dispose?(): void;
}

/** The part of an ONNX Runtime session that runs (onnxruntime-common's InferenceSession fits). */
export interface OrtRunnable {
  /** Runs the model on `feeds` and returns the outputs named in `fetches`. */
  run(feeds: Record<string, OrtTensorLike>, fetches: string[]): Promise<Record<string, OrtTensorLike>>;
}

/** Names a run for error messages: the model, the runtime, and where it ran. */
export interface RunContext {
  /** The model's short name. */
  model: string;
  /** The runtime's name, e.g. 'ONNX Runtime'. */
  runtime: string;
  /** e.g. `on cuda:0`; empty when there is one place to run. */
  where?: string;
  /** True once the backend was disposed (a run that fails after it says so). */
  disposed(): boolean;
}

/** An error's message on one line (runtimes' messages span several). */
export const oneLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();

/**
 * Runs one input through an ONNX Runtime session and returns its first output as the contract's
 * Tensor (float16 as Uint16Array bits). The tensors are disposed afterwards where the runtime supports
 * it; the returned array stays valid (dispose only drops the tensors' own references).
 */
export async function runFirstOutput(
  session: OrtRunnable,
  input: OrtTensorLike,
  info: { inputs: readonly TensorInfo[]; outputs: readonly TensorInfo[] },
  context: RunContext,
): Promise<Tensor> {
  const inputName = info.inputs[0]!.name;
  const outputName = info.outputs[0]!.name;
  let results: Record<string, OrtTensorLike>;
  try {
    results = await session.run({ [inputName]: input }, [outputName]);
  } catch (e) {
    if (context.disposed()) throw new BackendDisposedError(`model ${context.model}: disposed while a batch was running`);
    throw new InferenceError(
      `model ${context.model}: ${context.runtime} failed on a batch of shape ${formatShape(input.dims)}${context.where ? ` ${context.where}` : ''}: ${oneLine(e)}`,
      { cause: e },
    );
  } finally {
    input.dispose?.();
  }
  try {
    const out = results[outputName];
    if (!out) throw new InferenceError(`model ${context.model}: ${context.runtime} returned no output "${outputName}"`);
    const shape = Array.from(out.dims);
    const raw = out.data;
    if (out.type === 'float32' && raw instanceof Float32Array) return { dtype: 'float32', data: raw, shape };
    const bits = out.type === 'float16' ? float16Bits(raw) : undefined;
    if (bits) return { dtype: 'float16', data: bits, shape };
    throw new InferenceError(`model ${context.model}: output "${outputName}" came back as ${out.type}; expected ${info.outputs[0]!.dtype}`);
  } finally {
    for (const t of Object.values(results)) t.dispose?.();
  }
}
