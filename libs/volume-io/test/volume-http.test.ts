import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, startStaticServer, type StaticServerHandle } from '@voxelflow/remote-storage';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from './helpers';
import { volumeSuite } from './volume-suite';

let dir: string;
let server: StaticServerHandle;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-volume-http-'));
  server = await startStaticServer({ root: dir });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

// Written to local files, read back over HTTP (read-only).
const backend: Backend = {
  name: 'http',
  readOnly: true,
  fullMatrix: false,
  async fresh(name) {
    const store = await openStore(join(dir, name));
    const url = `${server.url}${name}`;
    return { url, store, readStore: await openStore(url) };
  },
};

describe('Zarr volumes read over HTTP', () => volumeSuite(() => backend));
