/** Test helpers: a seeded PRNG, a sphere painter, and the committed copick project. */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Shape3 } from '../src/volume-shape';

/** Mulberry32: deterministic uniform numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Paints value `v` into every voxel with (z−cz)² + (y−cy)² + (x−cx)² ≤ r² (the test-data rule). */
export function paintSphere(data: Uint8Array, shape: Shape3, cz: number, cy: number, cx: number, r: number, v: number): number {
  const [Z, Y, X] = shape;
  let painted = 0;
  for (let z = Math.max(0, Math.floor(cz - r)); z <= Math.min(Z - 1, Math.ceil(cz + r)); z++) {
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(Y - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(X - 1, Math.ceil(cx + r)); x++) {
        if ((z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2 <= r * r) {
          data[(z * Y + y) * X + x] = v;
          painted++;
        }
      }
    }
  }
  return painted;
}

/** The committed copick test project (read-only: tests that write use {@link copyTestProject}). */
export const TEST_COPICK_DIR = fileURLToPath(new URL('../../../test-data/copick/', import.meta.url));
export const TEST_COPICK_CONFIG = join(TEST_COPICK_DIR, 'copick_config.json');

/** Copies the committed copick project into a fresh temp folder; returns the copy's config path. */
export async function copyTestProject(): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'particles-copick-'));
  await cp(TEST_COPICK_DIR, dir, { recursive: true });
  return { dir, config: join(dir, 'copick_config.json') };
}

/** The `datasets.copick` section of test-data/MANIFEST.json. */
export interface CopickManifest {
  voxelSize: number;
  shape: [number, number, number];
  particleTypes: { name: string; label: number; radius: number; radiusVoxels: number; voxelsPerSphere: number }[];
  runs: Record<
    string,
    {
      labelMap: { voxelsPerLabel: number[]; shape: number[] };
      picks: Record<string, { centresZYXVoxels: [number, number, number][]; locationsXYZAngstrom: [number, number, number][] }>;
    }
  >;
}

export async function copickManifest(): Promise<CopickManifest> {
  const text = await readFile(fileURLToPath(new URL('../../../test-data/MANIFEST.json', import.meta.url)), 'utf8');
  return (JSON.parse(text) as { datasets: { copick: CopickManifest } }).datasets.copick;
}
