// Measures the 64³ UNet patch on this machine: session creation, first (cold) run, and the median of
// 5 runs after warm-up, with 1 and 2 intra-op threads. Not a test (no .test suffix); run it with
//   node --conditions=@voxelflow/source --import tsx libs/runtime-onnx/test/bench-unet-patch.ts
import { fileURLToPath } from 'node:url';
import { createOnnxBackend, type OnnxBackend } from '@voxelflow/runtime-onnx';
import { loadTestModel } from '../src/testing/test-models';
import { uniformFloat32 } from '../src/testing/random';

const testData = fileURLToPath(new URL('../../../test-data/', import.meta.url));
const model = loadTestModel(testData, 'unet3d-tiny');
const shape = [1, 1, 64, 64, 64];
const input = uniformFloat32(64 ** 3, -1, 1, 1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t0: number) => performance.now() - t0;

for (const threads of [1, 2, 1, 2]) {
  let t0 = performance.now();
  const b = (await createOnnxBackend(model, { device: 'cpu', threads })) as OnnxBackend;
  const create = ms(t0);
  t0 = performance.now();
  await b.run({ dtype: 'float32', data: input, shape });
  const first = ms(t0);
  await b.run({ dtype: 'float32', data: input, shape });
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    await b.run({ dtype: 'float32', data: input, shape });
    runs.push(ms(t0));
  }
  await b.dispose();
  console.log(
    `threads ${threads}: create ${create.toFixed(0)} ms, first run ${first.toFixed(0)} ms, ` +
      `median of 5 ${median(runs).toFixed(0)} ms (min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)})`,
  );
}
