/**
 * Test helpers: run `voxelflow-ink` from source as a real child process, upload the test segment to
 * a store, and compute the analytic model's expected prediction independently of the app's code.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '@voxelflow/remote-storage';
import { decode } from 'tiff';
import { INK_VARIABLES } from '../src/config';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const testData = (p: string): string => fileURLToPath(new URL(`../../../test-data/${p}`, import.meta.url));
export const appRoot = fileURLToPath(new URL('../', import.meta.url));
const cliSource = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Exit code and output of one run. */
export interface InkRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the app with exactly the ink variables in `env` (any set in the test's own environment are
 * removed, as are AWS / HF settings), plus `args` as flags.
 */
export function runInkCli(env: Record<string, string>, args: string[] = []): Promise<InkRun> {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const v of INK_VARIABLES) delete base[v.env];
  for (const k of Object.keys(base)) if (/^(AWS_|HF_|HUGGING)/.test(k) || k === 'NODE_OPTIONS' || k === 'JOB_COMPLETION_INDEX') delete base[k];
  return new Promise((resolve, reject) => {
    // `npm test` builds first and sets VOXELFLOW_TEST_DIST=1: run the built bin (no per-child TypeScript compile).
    const entry = process.env['VOXELFLOW_TEST_DIST'] === '1' ? [cliSource.replace(/src[\\/]cli\.ts$/, 'dist/cli.js')] : ['--conditions=@voxelflow/source', '--import', 'tsx', cliSource];
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: repoRoot,
      env: { ...base, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Copies `<dir>/layers/*.tif` into `store` under `layers/`. */
export async function uploadLayers(dir: string, store: Store): Promise<number> {
  const names = (await readdir(join(dir, 'layers'))).filter((n) => n.endsWith('.tif')).sort();
  await Promise.all(names.map(async (n) => store.set(`layers/${n}`, new Uint8Array(await readFile(join(dir, 'layers', n))))));
  return names.length;
}

/** The 8-bit values of the 16-bit test layers (v16 = 257 · v8), read with the `tiff` package directly. */
export async function readSegment16As8(): Promise<{ layers: Uint8Array[]; height: number; width: number }> {
  const dir = testData('ink/segment16/layers');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.tif')).sort();
  const layers: Uint8Array[] = [];
  let height = 0;
  let width = 0;
  for (const n of names) {
    const [ifd] = decode(await readFile(join(dir, n)));
    if (!ifd || ifd.bitsPerSample !== 16) throw new Error(`${n} is not a 16-bit TIFF`);
    height = ifd.height;
    width = ifd.width;
    const v16 = ifd.data as Uint16Array;
    const v8 = new Uint8Array(v16.length);
    for (let i = 0; i < v16.length; i++) {
      if (v16[i]! % 257 !== 0) throw new Error(`${n}: ${v16[i]} is not 257 × an 8-bit value`);
      v8[i] = v16[i]! / 257;
    }
    layers.push(v8);
  }
  return { layers, height, width };
}

/**
 * The expected prediction, in float64 from the formulas alone: the ink25d model (logit = 4·(m − 0.5),
 * m = mean over layers and 4×4 blocks of min(v, 200) / 200), sigmoid, PyTorch-style bilinear resize
 * 16 → 64, tiles every `stride` plus one flush with each edge (one zero-padded tile when the image is
 * smaller than a tile), weights sin²(π(n+1)/(T+1)) per axis,
 * pixels valid where any layer is non-zero, ⌊255 · Σwp / Σw⌋ (0 where not valid).
 */
export function expectedPrediction(layers: Uint8Array[], height: number, width: number, tile = 64, stride = 16): Uint8Array {
  const starts = (size: number): number[] => {
    if (size <= tile) return [0];
    const out: number[] = [];
    for (let s = 0; s + tile <= size; s += stride) out.push(s);
    if (out[out.length - 1] !== size - tile) out.push(size - tile);
    return out;
  };
  const L = layers.length;
  const valid = new Uint8Array(height * width);
  for (const layer of layers) for (let i = 0; i < layer.length; i++) if (layer[i] !== 0) valid[i] = 1;
  const w1 = Array.from({ length: tile }, (_, n) => Math.sin((Math.PI * (n + 1)) / (tile + 1)) ** 2);
  const out = 16;
  const pool = tile / out;
  // PyTorch bilinear, align_corners=False, for out → tile.
  const src = Array.from({ length: tile }, (_, d) => {
    const s = Math.max(0, (out / tile) * (d + 0.5) - 0.5);
    const i0 = Math.min(Math.floor(s), out - 1);
    return { i0, i1: Math.min(i0 + 1, out - 1), l: s - i0 };
  });
  const num = new Float64Array(height * width);
  const den = new Float64Array(height * width);
  for (const y0 of starts(height)) {
    for (const x0 of starts(width)) {
      const q = new Float64Array(out * out);
      for (let i = 0; i < out; i++) {
        for (let j = 0; j < out; j++) {
          let sum = 0;
          for (const layer of layers) {
            for (let a = 0; a < pool; a++) {
              for (let b = 0; b < pool; b++) {
                // Outside the image the tile is zero-padded.
                const y = y0 + i * pool + a;
                const x = x0 + j * pool + b;
                if (y < height && x < width) sum += Math.min(layer[y * width + x]!, 200) / 200;
              }
            }
          }
          const m = sum / (L * pool * pool);
          q[i * out + j] = 1 / (1 + Math.exp(-4 * (m - 0.5)));
        }
      }
      for (let ty = 0; ty < Math.min(tile, height - y0); ty++) {
        const sy = src[ty]!;
        for (let tx = 0; tx < Math.min(tile, width - x0); tx++) {
          const sx = src[tx]!;
          const at = (i: number, j: number): number => q[i * out + j]!;
          const p =
            (1 - sy.l) * ((1 - sx.l) * at(sy.i0, sx.i0) + sx.l * at(sy.i0, sx.i1)) + sy.l * ((1 - sx.l) * at(sy.i1, sx.i0) + sx.l * at(sy.i1, sx.i1));
          const k = (y0 + ty) * width + x0 + tx;
          const w = w1[ty]! * w1[tx]! * valid[k]!;
          num[k] = num[k]! + w * p;
          den[k] = den[k]! + w;
        }
      }
    }
  }
  const image = new Uint8Array(height * width);
  for (let k = 0; k < image.length; k++) image[k] = den[k]! > 0 ? Math.floor((255 * num[k]!) / den[k]!) : 0;
  return image;
}

/** Pixels where `a` and `b` differ, and the largest difference. */
export function compareImages(a: Uint8Array, b: Uint8Array): { differing: number; maxDiff: number } {
  let differing = 0;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > 0) differing++;
    if (d > maxDiff) maxDiff = d;
  }
  return { differing, maxDiff };
}
