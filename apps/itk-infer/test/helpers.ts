/**
 * Test helpers: paths, running the real CLI as a child process, writing small images, and building
 * small ONNX files byte by byte (protobuf wire format) independently of the code under test.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMedicalImage, openVolume, type Geometry } from '@voxelflow/volume-io';

export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = resolve(APP_DIR, '../..');
export const CLI = join(APP_DIR, 'src', 'cli.ts');
export const TEST_DATA = join(REPO_DIR, 'test-data');
export const ANALYTIC = join(TEST_DATA, 'models', 'analytic3d.onnx');
export const UNET = join(TEST_DATA, 'models', 'unet3d-tiny.onnx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `itk-infer args…` from source as a real process (what a user gets from the built bin). */
export function runCli(args: string[]): Promise<CliResult> {
  return new Promise((done, fail) => {
    // `npm test` builds first and sets VOXELFLOW_TEST_DIST=1: run the built bin (no per-child TypeScript compile).
    const entry = process.env['VOXELFLOW_TEST_DIST'] === '1' ? [CLI.replace(/src[\\/]cli\.ts$/, 'dist/cli.js')] : ['--conditions=@voxelflow/source', '--import', 'tsx', CLI];
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: REPO_DIR,
      env: { ...process.env, NO_COLOR: '1', VOXELFLOW_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** A deterministic pseudo-random generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** HU-like int16 voxels in [-300, 400], with every value near the window centre present. */
export function huVoxels(n: number, seed: number): Int16Array {
  const r = random(seed);
  const data = new Int16Array(n);
  for (let i = 0; i < n; i++) data[i] = i % 97 === 0 ? 40 : Math.floor(r() * 701) - 300;
  return data;
}

/** Writes an int16 image with volume-io's medical-image writer. */
export async function writeImage(path: string, shape: [number, number, number], geometry: Geometry, data: Int16Array): Promise<void> {
  const vol = await createMedicalImage(path, { shape, dtype: 'int16', geometry });
  await vol.write({ start: [0, 0, 0], stop: shape }, { data, shape, dtype: 'int16' });
  await vol.close();
}

/** Reads an image's voxels (as numbers) and geometry. */
export async function readImage(path: string): Promise<{ data: ArrayLike<number>; shape: number[]; geometry: Geometry }> {
  const vol = await openVolume(path);
  const nd = await vol.read({ start: [0, 0, 0], stop: [...vol.shape] });
  return { data: nd.data as ArrayLike<number>, shape: [...vol.shape], geometry: vol.geometry };
}

/** World position (LPS) of array index (z, y, x): origin + D · diag(spacing) · (x, y, z). */
export function worldOf(g: Geometry, z: number, y: number, x: number): [number, number, number] {
  const ijk = [x * g.spacing[0], y * g.spacing[1], z * g.spacing[2]];
  return [0, 1, 2].map((r) => g.origin[r]! + g.direction[r * 3]! * ijk[0]! + g.direction[r * 3 + 1]! * ijk[1]! + g.direction[r * 3 + 2]! * ijk[2]!) as [
    number,
    number,
    number,
  ];
}

/** Continuous array index (z, y, x) of a world position: diag(1/spacing) · Dᵀ · (p − origin) (D orthonormal). */
export function indexOf(g: Geometry, p: readonly number[]): [number, number, number] {
  const d = [p[0]! - g.origin[0], p[1]! - g.origin[1], p[2]! - g.origin[2]];
  const ijk = [0, 1, 2].map((c) => (g.direction[c]! * d[0]! + g.direction[3 + c]! * d[1]! + g.direction[6 + c]! * d[2]!) / g.spacing[c]!);
  return [ijk[2]!, ijk[1]!, ijk[0]!];
}

// --- ONNX bytes -------------------------------------------------------------------------------

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
/** A length-delimited field. */
const field = (no: number, bytes: number[]): number[] => [...varint((no << 3) | 2), ...varint(bytes.length), ...bytes];
/** A varint field. */
const num = (no: number, v: number): number[] => [...varint(no << 3), ...varint(v)];

/** ModelProto.metadata_props entries (field 14), to append to a model's bytes: repeated fields may come anywhere. */
export function metadataProps(props: Record<string, string>): Uint8Array {
  return Uint8Array.from(Object.entries(props).flatMap(([k, v]) => field(14, [...field(1, utf8(k)), ...field(2, utf8(v))])));
}

/** `bytes` with extra metadata_props appended. */
export function withMetadata(bytes: Uint8Array, props: Record<string, string>): Uint8Array {
  const extra = metadataProps(props);
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return out;
}

function valueInfo(name: string, dims: (number | string)[]): number[] {
  const dimMsgs = dims.flatMap((d) => field(1, typeof d === 'number' ? num(1, d) : field(2, utf8(d))));
  const tensorType = [...num(1, 1 /* FLOAT */), ...field(2, dimMsgs)];
  return [...field(1, utf8(name)), ...field(2, field(1, tensorType))];
}

/** An ONNX model (IR 8, opset 17) whose one node is Identity: float32 [N, channels, Z, Y, X] in and out. */
export function identityModel(channels: number): Uint8Array {
  const dims = ['N', channels, 'Z', 'Y', 'X'];
  const node = [...field(1, utf8('input')), ...field(2, utf8('logits')), ...field(4, utf8('Identity'))];
  const graph = [...field(1, node), ...field(2, utf8('identity')), ...field(11, valueInfo('input', dims)), ...field(12, valueInfo('logits', dims))];
  return Uint8Array.from([...num(1, 8), ...field(2, utf8('itk-infer-test')), ...field(7, graph), ...field(8, num(2, 17))]);
}
