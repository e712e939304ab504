/**
 * One chunk of blended logits → its output channels. Pure and synchronous over plain typed arrays
 * (no I/O, no shared state), so the same function runs in the staged `finalize`, in the fused
 * pipeline on chunks straight out of the blend Accumulator, and could run in a worker thread.
 *
 * Binary: the foreground score s is l1 − l0 (softmax, C = 2: softmax[1] = sigmoid(l1 − l0)), or the
 * last channel's logit (sigmoid: C = 1, or C = 2 read as an independent foreground logit). Without a
 * threshold the channel is p = sigmoid(s) (uint8: p · 255 on the global scale; float32: p); with a
 * threshold T it is 255 where s > ln(T / (1 − T)), else 0.
 * Multiclass: C probability channels (softmax or sigmoid) and an argmax channel holding the class
 * index (ties → the lowest index, like numpy); with a threshold, the argmax channel only.
 * No-data voxels (any logit NaN) are 0 in every output channel and counted.
 */
import { resolveFinalizeSpec, type FinalizeChunkOptions, type FinalizeSpec } from './finalize-spec';
import { sigmoid } from './probabilities';

/** What {@link finalizeChunk} returns. */
export interface FinalizedChunk {
  /** Output channels, channel-major [C_out, n] (C_out = `spec.outputChannels`). */
  channels: Uint8Array | Float32Array;
  /** Voxels that were no-data (NaN logits), written as 0. */
  noData: number;
}

/** Whether `options` is an already resolved {@link FinalizeSpec}. */
function isSpec(options: FinalizeChunkOptions | FinalizeSpec): options is FinalizeSpec {
  return 'outputChannels' in options && 'channelKinds' in options;
}

/**
 * Finalizes one chunk. `logits` is [C, n] float32 (channel-major, n = product of `spatialShape`);
 * `options` are checked with `resolveFinalizeSpec` (pass a resolved spec to skip that). `out`, when
 * given, is reused (it must be the output dtype's array with ≥ C_out·n values; a view of the first
 * C_out·n values is returned).
 */
export function finalizeChunk(
  logits: Float32Array,
  channels: number,
  spatialShape: readonly number[],
  options: FinalizeChunkOptions | FinalizeSpec,
  out?: Uint8Array | Float32Array,
): FinalizedChunk {
  const spec = isSpec(options) ? options : resolveFinalizeSpec(options, channels);
  if (spec.channels !== channels) throw new RangeError(`finalizeChunk: the spec is for ${spec.channels} logit channels, not ${channels}`);
  let n = 1;
  for (const s of spatialShape) n *= s;
  if (logits.length !== channels * n) {
    throw new RangeError(`finalizeChunk: ${logits.length} logits for ${channels} channels × (${spatialShape.join(', ')}) = ${channels * n}`);
  }
  const size = spec.outputChannels * n;
  let dst: Uint8Array | Float32Array;
  if (out) {
    const wanted = spec.dtype === 'float32' ? Float32Array : Uint8Array;
    if (!(out instanceof wanted) || out.length < size) {
      throw new RangeError(`finalizeChunk: out must be a ${wanted.name} of at least ${size} values`);
    }
    dst = out.subarray(0, size);
  } else {
    dst = spec.dtype === 'float32' ? new Float32Array(size) : new Uint8Array(size);
  }
  const noData = spec.mode === 'binary' ? binary(logits, channels, n, spec, dst) : multiclass(logits, channels, n, spec, dst);
  return { channels: dst, noData };
}

function binary(logits: Float32Array, channels: number, n: number, spec: FinalizeSpec, dst: Uint8Array | Float32Array): number {
  const difference = spec.activation === 'softmax'; // C = 2
  const fgOffset = (channels - 1) * n;
  const cutoff = spec.thresholdLogit;
  const nearest = spec.rounding === 'nearest';
  const asFloat = dst instanceof Float32Array;
  let noData = 0;
  for (let i = 0; i < n; i++) {
    const l1 = logits[fgOffset + i]!;
    const l0 = logits[i]!;
    if (l1 !== l1 || l0 !== l0) {
      dst[i] = 0;
      noData++;
      continue;
    }
    let s = difference ? l1 - l0 : l1;
    if (s !== s) s = 0; // +Inf − +Inf: both classes equally (infinitely) likely.
    if (cutoff !== null) {
      dst[i] = s > cutoff ? 255 : 0;
    } else {
      const p = sigmoid(s);
      if (asFloat) dst[i] = p;
      else dst[i] = nearest ? Math.floor(p * 255 + 0.5) : Math.floor(p * 255);
    }
  }
  return noData;
}

function multiclass(logits: Float32Array, channels: number, n: number, spec: FinalizeSpec, dst: Uint8Array | Float32Array): number {
  const argmaxOnly = spec.threshold !== null;
  const argOffset = argmaxOnly ? 0 : channels * n;
  const softmax = spec.activation === 'softmax';
  const nearest = spec.rounding === 'nearest';
  const asFloat = dst instanceof Float32Array;
  const e = new Float64Array(channels);
  let noData = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    let arg = 0;
    let missing = false;
    for (let c = 0; c < channels; c++) {
      const l = logits[c * n + i]!;
      if (l !== l) {
        missing = true;
        break;
      }
      if (l > max || c === 0) {
        max = l;
        arg = c;
      }
    }
    if (missing) {
      noData++;
      if (!argmaxOnly) for (let c = 0; c < channels; c++) dst[c * n + i] = 0;
      dst[argOffset + i] = 0;
      continue;
    }
    dst[argOffset + i] = arg;
    if (argmaxOnly) continue;
    if (softmax) {
      let sum = 0;
      for (let c = 0; c < channels; c++) {
        const l = logits[c * n + i]!;
        const v = l === max ? 1 : Math.exp(l - max);
        e[c] = v;
        sum += v;
      }
      for (let c = 0; c < channels; c++) {
        const p = e[c]! / sum;
        if (asFloat) dst[c * n + i] = p;
        else dst[c * n + i] = nearest ? Math.floor(p * 255 + 0.5) : Math.floor(p * 255);
      }
    } else {
      for (let c = 0; c < channels; c++) {
        const p = sigmoid(logits[c * n + i]!);
        if (asFloat) dst[c * n + i] = p;
        else dst[c * n + i] = nearest ? Math.floor(p * 255 + 0.5) : Math.floor(p * 255);
      }
    }
  }
  return noData;
}
