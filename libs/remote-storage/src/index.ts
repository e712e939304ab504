/**
 * @packageDocumentation
 * One Store interface over local paths, s3://, http(s):// and hf://, with atomic writes, composable
 * wrappers (retry, byte counting) and a zarrita adapter.
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@voxelflow/remote-storage';

// The contract
export type { ByteRange, ObjectInfo, Store } from './store';
export { openStore, urlScheme, type OpenStoreOptions } from './open-store';

// Keys and ranges
export { checkKey, checkPrefix, keyProblem, joinKey, parentKey, baseName, compareKeys } from './keys';
export {
  resolveRange,
  rangeHeader,
  isEmptyRange,
  checkRange,
  parseContentRange,
  fitRange,
  type ContentRange,
} from './byte-range';

// Stores
export { FileStore, localPathFromUrl, isFileStoreTempName, readLocalFile } from './file-store';
export { S3Store, parseS3Url, makeS3Client, s3EndpointFromEnv, type S3StoreOptions } from './s3-store';
export { HttpStore, type HttpStoreOptions } from './http-store';
export { HubStore, parseHfUrl, hfRepoFolderName, type HubStoreOptions, type HubLocation } from './hub-store';
export { hfHubCacheDir, hfHome, hfEndpoint, hfToken, hfOffline } from './hf-cache';

// Composable wrappers
export { withRetry, isRetryableError, backoffDelay, type RetryOptions } from './with-retry';
export { withByteCounter, type ByteCounterStats, type CountingStore } from './with-byte-counter';

// Adapters
export { toZarritaStore, type ZarritaStore } from './zarrita-store';

// Errors
export {
  StoreError,
  InvalidKeyError,
  ReadOnlyStoreError,
  UnsupportedOperationError,
  InvalidStoreUrlError,
  AccessDeniedError,
  StoreNotFoundError,
  EndpointUnreachableError,
  RemoteStoreError,
  isRetryableStatus,
  networkErrorCode,
  isUnreachableCode,
} from './errors';

// Test servers: real local servers for tests of this and other packages (s3rver is loaded lazily,
// so production users do not need it installed).
export {
  startS3rver,
  type StartS3rverOptions,
  type S3rverHandle,
  startFakeHub,
  type FakeHubOptions,
  type FakeHubRepo,
  type FakeHubHandle,
  startStaticServer,
  type StaticServerOptions,
  type StaticServerHandle,
  type RecordedRequest,
} from './testing';
