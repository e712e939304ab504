/**
 * Starts s3rver (an S3-compatible server) on 127.0.0.1 for tests. It runs in a child Node process with
 * `--openssl-legacy-provider`, which s3rver needs for paginated ListObjectsV2 (its continuation tokens
 * use DES), so test runners need no extra Node flags. s3rver is a devDependency, loaded only here.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Options of {@link startS3rver}. */
export interface StartS3rverOptions {
  /** Buckets to create (default `['test-bucket']`). */
  buckets?: string[];
  /** Directory s3rver stores objects in (default: a fresh temp dir, removed on close). */
  directory?: string;
}

/** A running s3rver. */
export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The first bucket. */
  bucket: string;
  /** All buckets created. */
  buckets: string[];
  /** Where s3rver keeps its files. */
  directory: string;
  /** s3rver's fixed credentials. */
  credentials: {
    /** Access key id. */
    accessKeyId: string;
    /** Secret access key. */
    secretAccessKey: string;
  };
  /** Options for {@link S3Store} / `openStore(..., { s3 })` that point at this server. */
  storeOptions: {
    /** The server's URL. */
    endpoint: string;
    /** Region to sign requests for (s3rver accepts any). */
    region: string;
    /** s3rver's fixed credentials. */
    credentials: {
      /** Access key id. */
      accessKeyId: string;
      /** Secret access key. */
      secretAccessKey: string;
    };
  };
  /** Environment variables that point the standard AWS chain at this server (for child processes). */
  env: Record<string, string>;
  /** Stops the server (and removes its temp directory if it made one). */
  close(): Promise<void>;
}

const CHILD_SOURCE = `
const [modulePath, directory, bucketsJson] = process.argv.slice(1);
const { default: S3rver } = await import(modulePath);
const server = new S3rver({
  address: '127.0.0.1', port: 0, silent: true, directory,
  configureBuckets: JSON.parse(bucketsJson).map((name) => ({ name, configs: [] })),
});
const { port } = await server.run();
process.stdout.write(JSON.stringify({ port }) + '\\n');
// The parent closes our stdin to stop us (and stdin ends if the parent dies).
process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
process.stdin.resume();
`;

/** Starts s3rver on 127.0.0.1 with a free port; see {@link S3rverHandle}. */
export async function startS3rver(options: StartS3rverOptions = {}): Promise<S3rverHandle> {
  const buckets = options.buckets ?? ['test-bucket'];
  const ownDir = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'vf-s3rver-')));
  const modulePath = pathToFileURL(createRequire(import.meta.url).resolve('s3rver')).href;
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--input-type=module', '-e', CHILD_SOURCE, modulePath, directory, JSON.stringify(buckets)],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) {
        child.stdout.off('data', onData);
        try {
          resolve((JSON.parse(line) as { port: number }).port);
        } catch {
          reject(new Error(`s3rver printed ${JSON.stringify(line)} instead of its port`));
        }
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code} before listening: ${stderr.trim()}`)));
    child.once('error', reject);
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    bucket: buckets[0] ?? '',
    buckets,
    directory,
    credentials,
    storeOptions: { endpoint, region: 'us-east-1', credentials },
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      if (ownDir) await rm(directory, { recursive: true, force: true });
    },
  };
}
