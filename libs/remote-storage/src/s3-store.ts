/**
 * A Store over `s3://bucket/prefix` with the AWS SDK v3. Small objects are one PutObject; large ones a
 * multipart upload, which S3 only makes visible on CompleteMultipartUpload — so neither path ever shows
 * a partial object under the final key. The client makes one attempt per request: retrying is the job of
 * the composable `withRetry` wrapper (which `openStore` adds), not something buried in the base store.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { checkRange, fitRange, isEmptyRange, parseContentRange, rangeHeader } from './byte-range';
import {
  AccessDeniedError,
  EndpointUnreachableError,
  InvalidStoreUrlError,
  RemoteStoreError,
  StoreError,
  StoreNotFoundError,
  isRetryableStatus,
  isUnreachableCode,
  networkErrorCode,
} from './errors';
import { checkKey, checkPrefix, compareKeys, keyProblem } from './keys';
import type { ByteRange, ObjectInfo, Store } from './store';

/** Options of {@link S3Store}. Everything is optional: the standard AWS configuration chain fills the rest. */
export interface S3StoreOptions {
  /**
   * Endpoint of an S3-compatible server (`http://127.0.0.1:9000`). Default: `AWS_ENDPOINT_URL_S3`, then
   * `AWS_ENDPOINT_URL`, then AWS itself. A custom endpoint switches to path-style addressing.
   */
  endpoint?: string;
  /** Region. Default: `AWS_REGION`/`AWS_DEFAULT_REGION`, the profile's region, or us-east-1 for custom endpoints. */
  region?: string;
  /** Explicit credentials; default is the SDK's chain (env vars, AWS_PROFILE/shared files, SSO, IMDS…). */
  credentials?: S3ClientConfig['credentials'];
  /** Path-style addressing (`endpoint/bucket/key`). Default: true with a custom endpoint. */
  forcePathStyle?: boolean;
  /** Objects larger than this are uploaded in parts (default 16 MiB). */
  multipartThreshold?: number;
  /** Part size of multipart uploads (default 8 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
  /** Parts uploaded concurrently (default 4). */
  queueSize?: number;
  /** Keys per ListObjectsV2 page (default 1000, S3's maximum). */
  pageSize?: number;
  /** Connection timeout in ms (default 10 000). */
  connectionTimeoutMs?: number;
  /** Use this client instead of building one (the options above that configure a client are then ignored). */
  client?: S3Client;
}

/** Bucket and key prefix of an `s3://bucket/prefix` URL (prefix without slashes at either end). */
export function parseS3Url(url: string): {
  /** The bucket name. */
  bucket: string;
  /** Key prefix below the bucket, without slashes at either end ('' for the bucket root). */
  prefix: string;
} {
  const m = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(url);
  if (m === null || !m[1]) throw new InvalidStoreUrlError(url, 'expected s3://bucket[/prefix]');
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  if (prefix !== '') {
    const problem = keyProblem(prefix);
    if (problem !== undefined) throw new InvalidStoreUrlError(url, `the prefix is invalid: ${problem}`);
  }
  return { bucket: m[1], prefix };
}

/** The S3 endpoint from the environment: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`. */
export function s3EndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || undefined;
}

/** Builds an S3 client the way {@link S3Store} does: checksums only when required, one attempt per request. */
export function makeS3Client(options: S3StoreOptions = {}): S3Client {
  const endpoint = options.endpoint ?? s3EndpointFromEnv();
  const region =
    options.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? (endpoint ? 'us-east-1' : undefined);
  return new S3Client({
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    followRegionRedirects: true,
    // S3-compatible servers (s3rver, older MinIO) store the aws-chunked framing of streamed uploads when
    // the SDK adds checksums it was not asked for.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    requestHandler: { connectionTimeout: options.connectionTimeoutMs ?? 10_000 },
  });
}

interface AwsLikeError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  hostname?: string;
  address?: string;
  port?: number;
}

const THROTTLING_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'InternalError', 'ServiceUnavailable', 'TimeoutError']);
const DENIED_NAMES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'AllAccessDisabled']);

function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Store over an S3 bucket and key prefix; see the module comment. */
export class S3Store implements Store {
  readonly url: string;
  readonly readOnly = false;
  /** The bucket name. */
  readonly bucket: string;
  /** Key prefix inside the bucket, without slashes at either end (`''` for the bucket root). */
  readonly prefix: string;
  /** The SDK client (shared by every request of this store). */
  readonly client: S3Client;
  /** The custom endpoint, if any (for messages). */
  readonly endpoint: string | undefined;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly pageSize: number | undefined;

  /** @param url `s3://bucket[/prefix]` */
  constructor(url: string, options: S3StoreOptions = {}) {
    const { bucket, prefix } = parseS3Url(url);
    this.bucket = bucket;
    this.prefix = prefix;
    this.url = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
    this.endpoint = options.endpoint ?? s3EndpointFromEnv();
    this.client = options.client ?? makeS3Client(options);
    this.multipartThreshold = options.multipartThreshold ?? 16 * 1024 * 1024;
    this.partSize = Math.max(5 * 1024 * 1024, options.partSize ?? 8 * 1024 * 1024);
    this.queueSize = options.queueSize ?? 4;
    this.pageSize = options.pageSize;
  }

  /** The object key inside the bucket for a store key. */
  objectKey(key: string): string {
    checkKey(key, this.url);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array | undefined> {
    const Key = this.objectKey(key);
    checkRange(range, `${this.url}/${key}`);
    if (isEmptyRange(range)) {
      return (await this.head(key)) === undefined ? undefined : new Uint8Array(0);
    }
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, ...(range ? { Range: rangeHeader(range) } : {}) }),
      );
      const body = res.Body === undefined ? new Uint8Array(0) : plain(await res.Body.transformToByteArray());
      if (range === undefined) return body;
      const fitted = fitRange(body, range, parseContentRange(res.ContentRange));
      if (fitted instanceof Uint8Array) return fitted;
      // The server answered a different range than asked (S3-compatible servers and suffix ranges):
      // ask again with explicit offsets, which every server handles.
      if ('suffixLength' in range) return this.get(key, fitted.refetch);
      return body;
    } catch (err) {
      const e = err as AwsLikeError;
      if (e.name === 'NoSuchKey' || (e.$metadata?.httpStatusCode === 404 && e.name !== 'NoSuchBucket')) return undefined;
      // A range starting past the end of an existing object: clamp to nothing, as the contract says.
      if (e.name === 'InvalidRange' || e.$metadata?.httpStatusCode === 416) return new Uint8Array(0);
      throw this.mapError(err, key, 'get');
    }
  }

  async set(key: string, bytes: Uint8Array): Promise<void> {
    const Key = this.objectKey(key);
    try {
      if (bytes.byteLength <= this.multipartThreshold) {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: bytes, ContentLength: bytes.byteLength }));
        return;
      }
      // Multipart: parts stay invisible until CompleteMultipartUpload; on failure lib-storage aborts the
      // upload (leavePartsOnError false) so no orphaned parts are billed either.
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key, Body: bytes },
        partSize: this.partSize,
        queueSize: this.queueSize,
        leavePartsOnError: false,
      });
      await upload.done();
    } catch (err) {
      throw this.mapError(err, key, 'set');
    }
  }

  async list(prefix?: string): Promise<string[]> {
    const dirPrefix = checkPrefix(prefix, this.url);
    const rootPrefix = this.prefix ? `${this.prefix}/` : '';
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const res = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: rootPrefix + dirPrefix,
            ...(token ? { ContinuationToken: token } : {}),
            ...(this.pageSize ? { MaxKeys: this.pageSize } : {}),
          }),
        );
        for (const obj of res.Contents ?? []) {
          const k = obj.Key;
          // Zero-byte "folder" markers made by web consoles end in '/': not objects in our sense.
          if (k === undefined || k.endsWith('/') || !k.startsWith(rootPrefix)) continue;
          keys.push(k.slice(rootPrefix.length));
        }
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.mapError(err, dirPrefix, 'list');
    }
    return keys.sort(compareKeys);
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (err) {
      const e = err as AwsLikeError;
      if (e.name === 'NoSuchKey') return;
      throw this.mapError(err, key, 'delete');
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.objectKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      const etag = res.ETag?.replace(/^"|"$/g, '');
      return { size: res.ContentLength ?? 0, ...(etag ? { etag } : {}) };
    } catch (err) {
      const e = err as AwsLikeError;
      // HEAD responses have no body, so a missing bucket is also a bare 404 here; it reads as a missing
      // key and surfaces as StoreNotFoundError on the next get/set/list.
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return undefined;
      throw this.mapError(err, key, 'head');
    }
  }

  /** Translates an SDK or network error into this package's typed errors. */
  private mapError(err: unknown, key: string, operation: string): Error {
    if (err instanceof StoreError) return err;
    const e = (err ?? {}) as AwsLikeError;
    const target = `${this.url}${key ? `/${key}` : ''}`;
    const status = e.$metadata?.httpStatusCode ?? 0;
    const name = e.name ?? 'Error';
    const detail = e.message ?? String(err);
    if (name === 'NoSuchBucket') {
      return new StoreNotFoundError(`bucket ${this.bucket}`, this.url, `check the bucket name in ${this.url}, the region and AWS_ENDPOINT_URL`, { key, cause: err });
    }
    if (status === 401 || status === 403 || DENIED_NAMES.has(name)) {
      return new AccessDeniedError(
        target,
        this.url,
        `S3 refused ${operation} (${status || ''} ${name}); check your credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and the bucket policy`,
        { key, status: status || 403, cause: err },
      );
    }
    if (name === 'CredentialsProviderError') {
      return new AccessDeniedError(target, this.url, `no AWS credentials found (${detail}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`, {
        key,
        status: 0,
        cause: err,
      });
    }
    const code = networkErrorCode(err);
    if (code !== undefined && isUnreachableCode(code)) {
      const endpoint = this.endpoint ?? (e.hostname ? `https://${e.hostname}` : e.address ? `${e.address}:${e.port ?? ''}` : 'the S3 endpoint');
      return new EndpointUnreachableError(endpoint, target, code, { key, cause: err });
    }
    if (code !== undefined) {
      return new RemoteStoreError(`S3 ${operation} ${target} failed: connection error ${code}; it is retried by withRetry`, {
        url: this.url,
        key,
        status: 0,
        retryable: true,
        cause: err,
      });
    }
    if (/region is missing/i.test(detail)) {
      return new StoreError(`S3 ${operation} ${target}: no AWS region configured; set AWS_REGION or pass { region }`, { url: this.url, key, cause: err });
    }
    return new RemoteStoreError(`S3 ${operation} ${target} failed: ${status || ''} ${name}: ${detail}`.replace(/\s+/g, ' '), {
      url: this.url,
      key,
      status,
      retryable: isRetryableStatus(status) || THROTTLING_NAMES.has(name),
      cause: err,
    });
  }
}
