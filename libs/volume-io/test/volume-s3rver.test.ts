import { openStore, startS3rver, type S3rverHandle } from '@voxelflow/remote-storage';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from './helpers';
import { volumeSuite } from './volume-suite';

let s3: S3rverHandle;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(() => s3?.close());

const backend: Backend = {
  name: 's3rver',
  readOnly: false,
  fullMatrix: false,
  async fresh(name) {
    const url = `s3://${s3.bucket}/suite/${name}`;
    const store = await openStore(url, { s3: s3.storeOptions });
    return { url, store, readStore: store };
  },
};

describe('Zarr volumes on S3 (s3rver)', () => volumeSuite(() => backend));
