import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@voxelflow/inference';
import { IncompatibleModelError, MissingWindowError, UsageError } from '../src/errors';
import { resolveSettings, resolveWindow, type ModelFacts } from '../src/model-settings';

const tensor = (shape: (number | string)[]): TensorInfo => ({ name: 't', dtype: 'float32', shape });

function facts(input: (number | string)[], over: Partial<ModelFacts> = {}): ModelFacts {
  return { source: 'm.onnx', inputs: [tensor(input)], outputs: [tensor(['N', 2, ...input.slice(2)])], card: {}, metadataProps: {}, ...over };
}

const WINDOW = { wl: 40, ww: 400 };

describe('resolveWindow', () => {
  it('prefers the flags, then the card (ONNX metadata)', () => {
    expect(resolveWindow({ wl: 50, ww: 350 }, { windowLevel: 1, windowWidth: 2 }, 'm')).toEqual({ level: 50, width: 350 });
    expect(resolveWindow({ wl: 50 }, { windowLevel: 1, windowWidth: 2 }, 'm')).toEqual({ level: 50, width: 2 });
    expect(resolveWindow({}, { windowLevel: 1, windowWidth: 2 }, 'm')).toEqual({ level: 1, width: 2 });
  });

  it('requires --wl/--ww when neither gives them, naming the model', () => {
    expect(() => resolveWindow({ wl: 40 }, {}, 'models/x.onnx')).toThrow(MissingWindowError);
    expect(() => resolveWindow({}, {}, 'models/x.onnx')).toThrow(/requires --wl\/--ww: model models\/x\.onnx/);
    expect(() => resolveWindow({ wl: 40, ww: 0 }, {}, 'm')).toThrow(UsageError);
  });
});

describe('resolveSettings', () => {
  it('takes the patch from a fixed input shape and the stride as half of it, like itk_infer', () => {
    const s = resolveSettings(facts(['N', 1, 64, 64, 48]), WINDOW);
    expect(s.patchSize).toEqual([64, 64, 48]);
    expect(s.stride).toEqual([32, 32, 24]);
    expect(s.batchSize).toBe(1);
  });

  it('refuses a --patch-size that contradicts a fixed input (itk_infer ignored it silently)', () => {
    expect(() => resolveSettings(facts(['N', 1, 64, 64, 64]), { ...WINDOW, patchSize: [32, 32, 32] })).toThrow(/fixed at 64×64×64/);
    expect(() => resolveSettings(facts(['N', 1, 'Z', 64, 'X']), { ...WINDOW, patchSize: [32, 32, 32] })).toThrow(UsageError);
    expect(resolveSettings(facts(['N', 1, 'Z', 64, 'X']), { ...WINDOW, patchSize: [32, 64, 16] }).patchSize).toEqual([32, 64, 16]);
  });

  it('uses the metadata for dynamic models: patch_size from the card, patch_stride and forward_batch_windows', () => {
    const s = resolveSettings(
      facts(['N', 1, 'Z', 'Y', 'X'], {
        card: { patchSize: [16, 16, 16], extra: { patchStride: [8, 8, 4] } },
        metadataProps: { inference_config: JSON.stringify({ forward_batch_windows: 4 }) },
      }),
      WINDOW,
    );
    expect(s).toEqual({ window: { level: 40, width: 400 }, patchSize: [16, 16, 16], stride: [8, 8, 4], batchSize: 4 });
    expect(resolveSettings(facts(['N', 1, 'Z', 'Y', 'X'], { card: { patchSize: [16, 16, 16] } }), { ...WINDOW, patchStride: [16, 2, 3], batchSize: 2 })).toMatchObject({
      stride: [16, 2, 3],
      batchSize: 2,
    });
  });

  it('follows a fixed batch dimension', () => {
    expect(resolveSettings(facts([3, 1, 8, 8, 8]), { ...WINDOW, batchSize: 5 }).batchSize).toBe(3);
  });

  it('explains what is missing or wrong', () => {
    expect(() => resolveSettings(facts(['N', 1, 'Z', 'Y', 'X']), WINDOW)).toThrow(/dynamic spatial axes .* pass --patch-size Z Y X/);
    expect(() => resolveSettings(facts(['N', 2, 8, 8, 8]), WINDOW)).toThrow(IncompatibleModelError);
    expect(() => resolveSettings(facts(['N', 2, 8, 8, 8]), WINDOW)).toThrow(/expects 2 input channels/);
    expect(() => resolveSettings(facts(['N', 1, 8, 8]), WINDOW)).toThrow(/\[N, 1, Z, Y, X\]/);
    expect(() => resolveSettings(facts(['N', 1, 8, 8, 8], { outputs: [tensor(['N', 1, 8, 8, 8])] }), WINDOW)).toThrow(/at least 2/);
    expect(() => resolveSettings(facts(['N', 1, 8, 8, 8]), { ...WINDOW, patchStride: [8, 9, 8] })).toThrow(/larger than the patch/);
    expect(() => resolveSettings(facts(['N', 1, 8, 8, 8]), { ...WINDOW, patchStride: [8, 0, 8] })).toThrow(/three positive integers/);
    expect(() => resolveSettings(facts(['N', 1, 8, 8, 8]), {})).toThrow(MissingWindowError);
  });
});
