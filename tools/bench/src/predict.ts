/**
 * Benchmark of `predict`: the UNet test model over a 128×256×256 uint8 volume in 64³ patches, TTA off.
 * Reports wall time against the summed `session.run` time of the same patches (the engine's overhead:
 * reading, normalizing, writing that does not overlap the model), patches/s and peak RSS.
 *
 *   npx tsx --conditions=@voxelflow/source tools/bench/src/predict.ts [--threads N] [--batch N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { predict } from '@voxelflow/inference';
import { createOnnxWorkerBackend } from '@voxelflow/runtime-onnx';
import { createVolume } from '@voxelflow/volume-io';
import { peakRssMiB, printTable } from './report';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const shape = [128, 256, 256];
const dir = await mkdtemp(join(tmpdir(), 'vf-bench-predict-'));
try {
  // A smooth, sheet-like uint8 volume in 64³ Blosc-zstd chunks.
  const [Z, Y, X] = shape as [number, number, number];
  const data = new Uint8Array(Z * Y * X);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) data[(z * Y + y) * X + x] = 128 + 100 * Math.sin((x + 2 * y) / 9 + z / 17) * Math.cos(y / 23);
  const input = join(dir, 'input.zarr');
  const vol = await createVolume(input, { format: 'zarr2', shape, dtype: 'uint8', chunkShape: [64, 64, 64] });
  await vol.write({ start: [0, 0, 0], stop: shape }, { data, shape });

  const model = fileURLToPath(new URL('../../../test-data/models/unet3d-tiny.onnx', import.meta.url));
  const threads = arg('threads', 1);
  const batchSize = arg('batch', 1);
  const t0 = performance.now();
  const r = await predict({
    input,
    output: join(dir, 'out'),
    model,
    backendFactory: createOnnxWorkerBackend,
    threads,
    batchSize,
    tta: 'none',
  });
  const wall = (performance.now() - t0) / 1000;
  printTable(`predict: unet3d-tiny, ${shape.join('×')} uint8, 64³ patches, overlap 0.5, threads ${threads}, batch ${batchSize}`, [
    { name: 'predict wall time', seconds: wall, items: r.processed, itemLabel: 'patches' },
    { name: 'summed session.run', seconds: r.timings.modelSeconds, items: r.processed, itemLabel: 'patches' },
  ]);
  console.log(
    `patches ${r.processed} (+${r.skippedEmpty} empty); wall / model = ${(wall / r.timings.modelSeconds).toFixed(3)}×; ` +
      `read wait ${r.timings.readWaitSeconds.toFixed(2)} s, write ${r.timings.writeSeconds.toFixed(2)} s; ` +
      `input read ${(r.bytesRead / 1e6).toFixed(1)} MB for ${(data.length / 1e6).toFixed(1)} MB of voxels (${(r.bytesRead / data.length).toFixed(2)}× of raw; ${r.chunksDecoded} chunk decodes); peak RSS ${peakRssMiB().toFixed(0)} MiB`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
