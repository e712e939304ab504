import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@voxelflow/remote-storage';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from './helpers';
import { volumeSuite } from './volume-suite';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-volume-local-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const backend: Backend = {
  name: 'local',
  readOnly: false,
  fullMatrix: true,
  async fresh(name) {
    const url = join(dir, name);
    const store = await openStore(url);
    return { url, store, readStore: store };
  },
};

describe('Zarr volumes on local files', () => volumeSuite(() => backend));
