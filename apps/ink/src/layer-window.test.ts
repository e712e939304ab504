import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@voxelflow/remote-storage';
import { ChunkCache, createVolume, openZarr } from '@voxelflow/volume-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerWindow } from './layer-window';

const H = 11;
const W = 9;
const C = 4;
let dir: string;
/** value(y, x, l); 0 in every layer at (y, x) with y + x < 3. */
const value = (y: number, x: number, l: number): number => (y + x < 3 ? 0 : (y * 31 + x * 7 + l * 3) % 251 || 1);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-ink-window-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LayerWindow', () => {
  it('holds the requested rows as per-layer planes with a validity mask, decoding each chunk once', async () => {
    const volume = await createVolume(join(dir, 'sv.zarr'), { format: 'zarr2', shape: [H, W, C], dtype: 'uint8', chunkShape: [4, 4, 1], codec: { name: 'none' } });
    const data = new Uint8Array(H * W * C);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let l = 0; l < C; l++) data[(y * W + x) * C + l] = value(y, x, l);
    await volume.write({ start: [0, 0, 0], stop: [H, W, C] }, { data, shape: [H, W, C] });

    const cache = new ChunkCache({ maxBytes: 1 });
    const reader = await openZarr(await openStore(join(dir, 'sv.zarr')), '', { cache });
    // Layers 1 … 3 of 4, tiles of 5 rows every 2 rows.
    const window = new LayerWindow(reader, { layerStart: 1, layers: 3, maxRows: 5 });
    for (const y0 of [0, 2, 4, 6]) {
      await window.ensure(y0, y0 + 5);
      expect(window.rowStart).toBeLessThanOrEqual(y0);
      expect(window.rowStop).toBeGreaterThanOrEqual(Math.min(H, y0 + 5));
      for (let y = y0; y < Math.min(H, y0 + 5); y++) {
        for (let x = 0; x < W; x++) {
          const at = (y - window.rowStart) * W + x;
          for (let l = 0; l < 3; l++) expect(window.planes[l]![at]).toBe(value(y, x, l + 1));
          expect(window.valid[at]).toBe(y + x < 3 ? 0 : 1);
        }
      }
    }
    // 3 chunk rows × 3 chunk columns × 3 layers, each decoded once although the cache keeps nothing.
    expect(cache.stats.chunksDecoded).toBe(27);
  });
});
