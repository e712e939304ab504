// float16 with a global Float16Array polyfill installed (as apps do for zarrita): onnxruntime-common then
// hands float16 outputs back as polyfill objects, which are not typed arrays; the backend must still
// return the raw bits as a Uint16Array. Its own file, so the global does not leak into other tests.
import { fileURLToPath } from 'node:url';
import { Float16Array as Float16Polyfill } from '@petamoriken/float16';
import { describe, expect, it } from 'vitest';
import { loadTestModel } from '@voxelflow/runtime-onnx';
import { createOrtWebBackend } from '../src/index';

const testData = fileURLToPath(new URL('../../../test-data/', import.meta.url));

describe('float16 under a Float16Array polyfill', () => {
  it('analytic3d-fp16 still takes and returns Uint16Array bits', async () => {
    const g = globalThis as { Float16Array?: unknown };
    const had = g.Float16Array;
    g.Float16Array ??= Float16Polyfill;
    const b = await createOrtWebBackend(loadTestModel(testData, 'analytic3d-fp16'), { device: 'cpu', threads: 1 });
    try {
      // x = 1, 2, −0.5 → (−2x + 1, 2x − 1) = (−1, −3, 2) and (1, 3, −2), all exact in float16.
      const out = await b.run({ dtype: 'float16', data: new Uint16Array([0x3c00, 0x4000, 0xb800]), shape: [1, 1, 1, 1, 3] });
      expect(out.dtype).toBe('float16');
      expect(out.data).toBeInstanceOf(Uint16Array);
      expect(Array.from(out.data)).toEqual([0xbc00, 0xc200, 0x4000, 0x3c00, 0x4200, 0xc000]);
    } finally {
      await b.dispose();
      if (had === undefined) delete g.Float16Array;
    }
  });
});
