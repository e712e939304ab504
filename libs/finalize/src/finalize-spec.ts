/**
 * What a finalize run writes, resolved once from the user's options and the logit channel count:
 * output channels, their kinds (probability, mask, label) and dtype, the threshold in logit space.
 * Every check on options that needs no I/O lives here, so the per-chunk function, the writer and
 * the CLI agree on one set of rules.
 */
import { FinalizeOptionsError } from './errors';
import type { Activation } from './probabilities';
import { resolveThreshold, thresholdLogit } from './threshold';
import type { Uint8Rounding } from './uint8-scale';

/** 'binary': one foreground channel (probability or 0/255 mask); 'multiclass': class probabilities + argmax. */
export type FinalizeMode = 'binary' | 'multiclass';

/** Output dtype: 'uint8' (p · 255, masks 0/255, class indices) or 'float32' (p unscaled). */
export type FinalizeDType = 'uint8' | 'float32';

/** What an output channel holds, which decides how the pyramid downsamples it. */
export type ChannelKind = 'probability' | 'mask' | 'label';

/** How a pyramid level is computed from the one above. */
export type DownsampleMethod = 'mean' | 'max' | 'mode';

/** The options that decide what one chunk of logits turns into. */
export interface FinalizeChunkOptions {
  /** 'binary' (one foreground channel) or 'multiclass' (class probabilities + argmax). */
  mode: FinalizeMode;
  /**
   * `true` (cutoff 0.5) or a probability cutoff T ∈ (0, 1). Binary: a 0/255 mask of p > T.
   * Multiclass: only the argmax channel is written (a cutoff other than 0.5 is refused: it would be ignored).
   */
  threshold?: boolean | number | null;
  /** Default 'uint8'. 'float32' writes probabilities unscaled and cannot be combined with a threshold. */
  dtype?: FinalizeDType;
  /** Default softmax for ≥ 2 channels, sigmoid for 1. */
  activation?: Activation;
  /** uint8 rounding of p · 255 (default 'nearest'). */
  rounding?: Uint8Rounding;
  /** How masks are downsampled in the pyramid: 'max' (default: thin structures survive) or 'mode'. */
  maskDownsample?: 'max' | 'mode';
}

/** The resolved, validated form of {@link FinalizeChunkOptions} for `channels` logit channels. */
export interface FinalizeSpec {
  /** 'binary' or 'multiclass'. */
  mode: FinalizeMode;
  /** Logit channels C of the input. */
  channels: number;
  /** What turns logits into probabilities. */
  activation: Activation;
  /** Probability cutoff, or null without threshold (multiclass + threshold: 0.5, unused). */
  threshold: number | null;
  /** ln(T / (1 − T)) for binary thresholds, else null. */
  thresholdLogit: number | null;
  /** Output dtype. */
  dtype: FinalizeDType;
  /** uint8 rounding of p · 255. */
  rounding: Uint8Rounding;
  /** Pyramid method of mask channels. */
  maskDownsample: 'max' | 'mode';
  /** Output channels (1 → the output is squeezed to (Z, Y, X)). */
  outputChannels: number;
  /** Name of each output channel ('foreground', 'mask', 'class_0' …, 'argmax'). */
  channelNames: string[];
  /** What each output channel holds. */
  channelKinds: ChannelKind[];
  /** Pyramid method of each output channel. */
  channelDownsample: DownsampleMethod[];
}

/** Validates `options` against `channels` logit channels; throws FinalizeOptionsError with one line. */
export function resolveFinalizeSpec(options: FinalizeChunkOptions, channels: number): FinalizeSpec {
  const mode = options.mode;
  if (mode !== 'binary' && mode !== 'multiclass') {
    throw new FinalizeOptionsError(`mode ${JSON.stringify(mode)} is not 'binary' or 'multiclass'`);
  }
  if (!Number.isInteger(channels) || channels < 1) {
    throw new FinalizeOptionsError(`the logits have ${channels} channels; need a positive integer`);
  }
  if (mode === 'binary' && channels > 2) {
    throw new FinalizeOptionsError(`binary mode needs 1 or 2 logit channels, the input has ${channels}; use mode 'multiclass'`);
  }
  if (mode === 'multiclass' && channels < 2) {
    throw new FinalizeOptionsError(`multiclass mode needs at least 2 logit channels, the input has ${channels}; use mode 'binary'`);
  }
  const activation = options.activation ?? (channels === 1 ? 'sigmoid' : 'softmax');
  if (activation !== 'softmax' && activation !== 'sigmoid') {
    throw new FinalizeOptionsError(`activation ${JSON.stringify(activation)} is not 'softmax' or 'sigmoid'`);
  }
  if (activation === 'softmax' && channels === 1) {
    throw new FinalizeOptionsError(`softmax over 1 logit channel is always 1; use activation 'sigmoid' (the default for 1 channel)`);
  }
  const dtype = options.dtype ?? 'uint8';
  if (dtype !== 'uint8' && dtype !== 'float32') throw new FinalizeOptionsError(`dtype ${JSON.stringify(dtype)} is not 'uint8' or 'float32'`);
  const rounding = options.rounding ?? 'nearest';
  if (rounding !== 'nearest' && rounding !== 'truncate') {
    throw new FinalizeOptionsError(`rounding ${JSON.stringify(rounding)} is not 'nearest' or 'truncate'`);
  }
  const maskDownsample = options.maskDownsample ?? 'max';
  if (maskDownsample !== 'max' && maskDownsample !== 'mode') {
    throw new FinalizeOptionsError(`maskDownsample ${JSON.stringify(maskDownsample)} is not 'max' or 'mode'`);
  }
  const threshold = resolveThreshold(options.threshold);
  if (threshold !== null && dtype === 'float32') {
    throw new FinalizeOptionsError(`dtype float32 writes probabilities, but a threshold writes a uint8 mask/label; drop one of the two`);
  }
  if (mode === 'multiclass' && threshold !== null && threshold !== 0.5) {
    throw new FinalizeOptionsError(
      `a threshold value (${threshold}) applies to binary mode only; multiclass with threshold writes the argmax channel, so pass threshold: true`,
    );
  }
  if (mode === 'multiclass' && dtype === 'uint8' && channels > 256) {
    throw new FinalizeOptionsError(`${channels} classes do not fit a uint8 argmax channel (at most 256); use dtype 'float32'`);
  }

  let channelNames: string[];
  let channelKinds: ChannelKind[];
  if (mode === 'binary') {
    channelNames = [threshold === null ? 'foreground' : 'mask'];
    channelKinds = [threshold === null ? 'probability' : 'mask'];
  } else if (threshold !== null) {
    channelNames = ['argmax'];
    channelKinds = ['label'];
  } else {
    channelNames = [...Array.from({ length: channels }, (_, c) => `class_${c}`), 'argmax'];
    channelKinds = [...Array.from({ length: channels }, (): ChannelKind => 'probability'), 'label'];
  }
  const channelDownsample = channelKinds.map((k): DownsampleMethod => (k === 'probability' ? 'mean' : k === 'label' ? 'mode' : maskDownsample));
  return {
    mode,
    channels,
    activation,
    threshold,
    thresholdLogit: mode === 'binary' && threshold !== null ? thresholdLogit(threshold) : null,
    dtype,
    rounding,
    maskDownsample,
    outputChannels: channelNames.length,
    channelNames,
    channelKinds,
    channelDownsample,
  };
}
