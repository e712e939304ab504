/**
 * The ink segment read back with the `tiff` package: 26 layers at 8 and 16 bits (16 = 257 × 8),
 * and ink25d.onnx on a clip-scaled tile gives the expected logits, higher on ink.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { decode } from 'tiff';
import { describe, expect, it } from 'vitest';
import { manifest, sha256, td } from './helpers';

const ink = manifest.datasets.ink;
const [L, H, W] = ink.shape as [number, number, number];

function readLayers(dir: string, bits: 8 | 16): Uint8Array | Uint16Array {
  const files = readdirSync(td(dir)).sort();
  expect(files).toEqual(Array.from({ length: L }, (_, l) => `${String(l).padStart(2, '0')}.tif`));
  const out = bits === 8 ? new Uint8Array(L * H * W) : new Uint16Array(L * H * W);
  files.forEach((f, l) => {
    const [page, ...rest] = decode(readFileSync(td(dir, f)));
    expect(rest).toHaveLength(0);
    expect([page!.width, page!.height, page!.bitsPerSample]).toEqual([W, H, bits]);
    out.set(page!.data as never, l * H * W);
  });
  return out;
}

describe('ink segment', () => {
  it('has 8-bit and 16-bit layers with 16 = 257 × 8 over the full range', () => {
    const l8 = readLayers('ink/segment8/layers', 8) as Uint8Array;
    const l16 = readLayers('ink/segment16/layers', 16) as Uint16Array;
    expect(sha256(l8)).toBe(ink.segment8.dataSha256);
    expect(sha256(l16)).toBe(ink.segment16.dataSha256);
    for (let i = 0; i < l8.length; i++) if (l16[i] !== 257 * l8[i]!) throw new Error(`voxel ${i}: ${l16[i]} != 257 * ${l8[i]}`);
    expect(l16.reduce((a, b) => Math.min(a, b), 65535)).toBe(0);
    expect(l16.reduce((a, b) => Math.max(a, b), 0)).toBe(65535);
    const [labels] = decode(readFileSync(td('ink/inklabels.tif')));
    let inkPixels = 0;
    for (const v of labels!.data as Uint8Array) inkPixels += v === 255 ? 1 : 0;
    expect(inkPixels).toBe(ink.inkLabels.inkPixels);
  });

  it('ink25d on a clip-scaled tile gives 4·(block mean − 0.5), above 0 on ink blocks, below on bare papyrus', async () => {
    const l8 = readLayers('ink/segment8/layers', 8) as Uint8Array;
    const labels = decode(readFileSync(td('ink/inklabels.tif')))[0]!.data as Uint8Array;
    const [y0, x0] = [16, 0]; // a tile holding the "I" bar and part of the "V"
    const tile = new Float32Array(L * 64 * 64);
    for (let l = 0; l < L; l++)
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 64; x++) tile[(l * 64 + y) * 64 + x] = Math.min(l8[(l * H + y0 + y) * W + x0 + x]!, 200) / 200;
    const s = await ort.InferenceSession.create(td('models/ink25d.onnx'), { intraOpNumThreads: 1 });
    const out = (await s.run({ input: new ort.Tensor('float32', tile, [1, 1, L, 64, 64]) })).logits!.data as Float32Array;
    let inkBlocks = 0;
    let bareBlocks = 0;
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) {
        let sum = 0;
        let inked = 0;
        for (let y = 4 * i; y < 4 * i + 4; y++)
          for (let x = 4 * j; x < 4 * j + 4; x++) {
            for (let l = 0; l < L; l++) sum += tile[(l * 64 + y) * 64 + x]!;
            inked += labels[(y0 + y) * W + x0 + x] ? 1 : 0;
          }
        const logit = out[i * 16 + j]!;
        expect(logit).toBeCloseTo(4 * (sum / (16 * L) - 0.5), 5);
        const outsideFragment = 4 * i + 3 + y0 + 4 * j + 3 + x0 < 24;
        if (inked === 16) {
          expect(logit).toBeGreaterThan(0);
          inkBlocks++;
        } else if (inked === 0 && !outsideFragment) {
          expect(logit).toBeLessThan(0);
          bareBlocks++;
        }
      }
    }
    expect(inkBlocks).toBeGreaterThan(5);
    expect(bareBlocks).toBeGreaterThan(100);
    await s.release();
  });
});
