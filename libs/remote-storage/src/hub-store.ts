/**
 * A read-only Store over a Hugging Face hub repo: `hf://org/repo[@revision]/path`, also
 * `hf://datasets/org/repo…` and `hf://spaces/org/repo…`. Files are downloaded with @huggingface/hub
 * into the standard cache layout (`models--org--repo/{blobs,snapshots/<sha>,refs/<revision>}`), so the
 * Python tools share them. The revision is resolved to a commit sha once per store: every read then
 * sees one commit, and files already cached cost no request at all.
 */
import { rename, mkdir, readFile, writeFile, stat, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import {
  HUB_URL,
  HubApiError,
  datasetInfo,
  downloadFileToCacheDir,
  listFiles,
  modelInfo,
  pathsInfo,
  spaceInfo,
} from '@huggingface/hub';
import { checkRange } from './byte-range';
import {
  AccessDeniedError,
  EndpointUnreachableError,
  InvalidStoreUrlError,
  ReadOnlyStoreError,
  RemoteStoreError,
  StoreError,
  StoreNotFoundError,
  isRetryableStatus,
  isUnreachableCode,
  networkErrorCode,
} from './errors';
import { FileStore, readLocalFile } from './file-store';
import { hfEndpoint, hfHubCacheDir, hfOffline, hfToken } from './hf-cache';
import { checkKey, checkPrefix, compareKeys, keyProblem } from './keys';
import type { ByteRange, ObjectInfo, Store } from './store';

/** Options of {@link HubStore}; each defaults to the environment variable the Python hub client reads. */
export interface HubStoreOptions {
  /** Hub endpoint (default `HF_ENDPOINT`, else the public hub). */
  hubUrl?: string;
  /** Access token, must start with `hf_` (default `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`, or the login token file). */
  accessToken?: string;
  /** Cache directory (default {@link hfHubCacheDir}). */
  cacheDir?: string;
  /** Use only the cache, never the network (default `HF_HUB_OFFLINE`). */
  offline?: boolean;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

/** The parts of an `hf://` URL. */
export interface HubLocation {
  /** Repo kind. */
  type: 'model' | 'dataset' | 'space';
  /** `org/repo` */
  name: string;
  /** Branch, tag or commit sha (default `main`). */
  revision: string;
  /** Path inside the repo the store is rooted at (`''` for the repo root). */
  path: string;
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** Parses `hf://[datasets/|spaces/]org/repo[@revision][/path]`; a revision containing '/' is written URL-encoded. */
export function parseHfUrl(url: string): HubLocation {
  const m = /^hf:\/\/(?:(models|datasets|spaces)\/)?([^/@]+)\/([^/@]+)(?:@([^/]+))?(?:\/(.*))?$/i.exec(url);
  if (m === null || !m[2] || !m[3]) {
    throw new InvalidStoreUrlError(url, 'expected hf://[datasets/|spaces/]org/repo[@revision][/path]');
  }
  const kind = (m[1] ?? 'models').toLowerCase();
  const type = kind === 'datasets' ? 'dataset' : kind === 'spaces' ? 'space' : 'model';
  const path = (m[5] ?? '').replace(/\/+$/, '');
  if (path !== '') {
    const problem = keyProblem(path);
    if (problem !== undefined) throw new InvalidStoreUrlError(url, `the path is invalid: ${problem}`);
  }
  return { type, name: `${m[2]}/${m[3]}`, revision: m[4] ? decodeURIComponent(m[4]) : 'main', path };
}

/** The cache folder name of a repo (`models--org--repo`), as both hub clients lay it out. */
export function hfRepoFolderName(type: HubLocation['type'], name: string): string {
  return [`${type}s`, ...name.split('/')].join('--');
}

// downloadFileToCacheDir announces each download with console.debug, which goes to stdout and would
// corrupt a CLI's output. Only that line is dropped, and only while our downloads run.
let quietDepth = 0;
let savedDebug: typeof console.debug | undefined;
async function withoutDownloadChatter<T>(run: () => Promise<T>): Promise<T> {
  if (quietDepth++ === 0) {
    const original = console.debug;
    savedDebug = original;
    console.debug = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && /^Downloading .* to .*\.incomplete$/.test(args[0])) return;
      original.apply(console, args);
    };
  }
  try {
    return await run();
  } finally {
    if (--quietDepth === 0 && savedDebug !== undefined) {
      console.debug = savedDebug;
      savedDebug = undefined;
    }
  }
}

/** Read-only store over a hub repo; see the module comment. */
export class HubStore implements Store {
  readonly url: string;
  readonly readOnly = true;
  /** Repo, revision and root path of this store. */
  readonly location: HubLocation;
  /** The hub cache directory files are downloaded into. */
  readonly cacheDir: string;
  /** The endpoint used (for messages). */
  readonly hubUrl: string;
  private readonly accessToken: string | undefined;
  private readonly offline: boolean;
  private readonly fetchImpl: typeof fetch | undefined;
  private commitPromise: Promise<string> | undefined;
  /** Paths known to be absent at the resolved commit (a commit never changes, so this is safe to keep). */
  private readonly missing = new Set<string>();
  private readonly downloads = new Map<string, Promise<string | undefined>>();

  /** @param url `hf://[datasets/|spaces/]org/repo[@revision][/path]` */
  constructor(url: string, options: HubStoreOptions = {}) {
    this.location = parseHfUrl(url);
    const { type, name, revision, path } = this.location;
    this.url = `hf://${type === 'model' ? '' : `${type}s/`}${name}${revision === 'main' ? '' : `@${encodeURIComponent(revision)}`}${path ? `/${path}` : ''}`;
    this.cacheDir = options.cacheDir ?? hfHubCacheDir();
    this.hubUrl = options.hubUrl?.replace(/\/+$/, '') ?? hfEndpoint() ?? HUB_URL;
    this.accessToken = options.accessToken ?? hfToken();
    this.offline = options.offline ?? hfOffline();
    this.fetchImpl = options.fetch;
    if (this.accessToken !== undefined && !this.accessToken.startsWith('hf_')) {
      throw new StoreError(`cannot open ${this.url}: the access token (HF_TOKEN) must start with 'hf_'; create one in your hub account settings`, {
        url: this.url,
      });
    }
  }

  /** The repo's folder in the cache. */
  get storageFolder(): string {
    return join(this.cacheDir, hfRepoFolderName(this.location.type, this.location.name));
  }

  /** The commit sha this store reads (the revision resolved once, then fixed). */
  commit(): Promise<string> {
    this.commitPromise ??= this.resolveCommit().catch((err: unknown) => {
      this.commitPromise = undefined; // let a later call try again
      throw err;
    });
    return this.commitPromise;
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array | undefined> {
    const repoPath = this.repoPath(key);
    checkRange(range, `${this.url}/${key}`);
    const local = await this.localFile(repoPath, key);
    return local === undefined ? undefined : readLocalFile(local, range);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const repoPath = this.repoPath(key);
    const sha = await this.commit();
    if (this.missing.has(repoPath)) return undefined;
    if (this.offline) {
      const info = await stat(this.snapshotPath(sha, repoPath)).catch(() => undefined);
      return info?.isFile() ? { size: info.size } : undefined;
    }
    try {
      const [info] = await pathsInfo({ ...this.params(), paths: [repoPath], revision: sha, expand: false });
      if (info === undefined || info.type !== 'file') {
        this.missing.add(repoPath);
        return undefined;
      }
      const etag = info.lfs?.oid ?? info.xetHash ?? info.oid;
      return { size: info.lfs?.size ?? info.size, ...(etag ? { etag } : {}) };
    } catch (err) {
      throw this.mapError(err, key, 'head');
    }
  }

  async list(prefix?: string): Promise<string[]> {
    const dirPrefix = checkPrefix(prefix, this.url);
    const sha = await this.commit();
    const root = this.location.path ? `${this.location.path}/` : '';
    if (this.offline) {
      return new FileStore(join(this.storageFolder, 'snapshots', sha, ...root.split('/').filter(Boolean))).list(dirPrefix);
    }
    const keys: string[] = [];
    const dir = (root + dirPrefix).replace(/\/$/, '');
    try {
      for await (const entry of listFiles({ ...this.params(), ...(dir ? { path: dir } : {}), recursive: true, revision: sha })) {
        if (entry.type === 'file' && entry.path.startsWith(root)) keys.push(entry.path.slice(root.length));
      }
    } catch (err) {
      if (err instanceof HubApiError && err.statusCode === 404 && dir !== '') return []; // no such folder
      throw this.mapError(err, dirPrefix, 'list');
    }
    return keys.sort(compareKeys);
  }

  async set(key: string): Promise<void> {
    checkKey(key, this.url);
    throw new ReadOnlyStoreError(this.url, key, 'write');
  }

  async delete(key: string): Promise<void> {
    checkKey(key, this.url);
    throw new ReadOnlyStoreError(this.url, key, 'delete');
  }

  private repoPath(key: string): string {
    checkKey(key, this.url);
    return this.location.path ? `${this.location.path}/${key}` : key;
  }

  private snapshotPath(sha: string, repoPath: string): string {
    return join(this.storageFolder, 'snapshots', sha, ...repoPath.split('/'));
  }

  private params(): { repo: { type: HubLocation['type']; name: string }; hubUrl: string; fetch?: typeof fetch; accessToken?: string } {
    return {
      repo: { type: this.location.type, name: this.location.name },
      hubUrl: this.hubUrl,
      ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}),
      ...(this.accessToken ? { accessToken: this.accessToken } : {}),
    };
  }

  /** The cached file of `repoPath`, downloading it first if needed; `undefined` when the repo has no such file. */
  private localFile(repoPath: string, key: string): Promise<string | undefined> {
    let pending = this.downloads.get(repoPath);
    if (pending === undefined) {
      // One download per file at a time: concurrent downloadFileToCacheDir calls would share one
      // `.incomplete` temp name.
      pending = this.download(repoPath, key).finally(() => this.downloads.delete(repoPath));
      this.downloads.set(repoPath, pending);
    }
    return pending;
  }

  private async download(repoPath: string, key: string): Promise<string | undefined> {
    const sha = await this.commit();
    if (this.missing.has(repoPath)) return undefined;
    const cached = this.snapshotPath(sha, repoPath);
    if ((await stat(cached).catch(() => undefined))?.isFile()) return cached;
    if (this.offline) {
      throw new StoreError(`${this.url}/${key} is not in the hub cache ${this.cacheDir} and offline mode (HF_HUB_OFFLINE) is on; download it once online`, {
        url: this.url,
        key,
      });
    }
    try {
      return await withoutDownloadChatter(() =>
        downloadFileToCacheDir({ ...this.params(), path: repoPath, revision: sha, cacheDir: this.cacheDir }),
      );
    } catch (err) {
      // paths-info answered no entry (missing file), or the path is a folder that resolve cannot serve.
      if (err instanceof Error && /^(cannot get path info|invalid response for file)/.test(err.message)) {
        this.missing.add(repoPath);
        return undefined;
      }
      // The library probes every file with `Range: bytes=0-0`, which an empty file cannot satisfy.
      if (err instanceof HubApiError && err.statusCode === 416) {
        const empty = await this.cacheEmptyFile(sha, repoPath).catch(() => undefined);
        if (empty !== undefined) return empty;
      }
      throw this.mapError(err, key, 'get');
    }
  }

  /** Puts an empty file into the cache layout as the library would (blob + snapshot symlink); undefined if the file is not empty. */
  private async cacheEmptyFile(sha: string, repoPath: string): Promise<string | undefined> {
    const [info] = await pathsInfo({ ...this.params(), paths: [repoPath], revision: sha, expand: false });
    const etag = info?.lfs?.oid ?? info?.xetHash ?? info?.oid;
    if (info === undefined || info.type !== 'file' || info.size !== 0 || etag === undefined) return undefined;
    const blob = join(this.storageFolder, 'blobs', etag);
    const pointer = this.snapshotPath(sha, repoPath);
    await mkdir(dirname(blob), { recursive: true });
    await mkdir(dirname(pointer), { recursive: true });
    await writeFile(blob, new Uint8Array(0));
    await symlink(relative(dirname(pointer), blob), pointer).catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    });
    return pointer;
  }

  private async resolveCommit(): Promise<string> {
    const { type, name, revision } = this.location;
    if (COMMIT_SHA.test(revision)) return revision;
    const refFile = join(this.storageFolder, 'refs', ...revision.split('/'));
    if (this.offline) {
      const cached = (await readFile(refFile, 'utf8').catch(() => '')).trim();
      if (COMMIT_SHA.test(cached)) return cached;
      throw new StoreError(`cannot resolve ${this.url} offline (HF_HUB_OFFLINE): ${refFile} is missing; go online once or pin a commit sha with @<sha>`, {
        url: this.url,
      });
    }
    let sha: string | undefined;
    try {
      const common = { ...this.params(), name, revision, additionalFields: ['sha'] as ['sha'] };
      const info =
        type === 'model' ? await modelInfo(common) : type === 'dataset' ? await datasetInfo(common) : await spaceInfo(common);
      sha = info.sha;
    } catch (err) {
      const mapped = this.mapError(err, '', 'resolve');
      if (mapped instanceof EndpointUnreachableError) {
        // The hub is unreachable but this revision was resolved before: work from the cache.
        const cached = (await readFile(refFile, 'utf8').catch(() => '')).trim();
        if (COMMIT_SHA.test(cached)) return cached;
      }
      throw mapped;
    }
    if (sha === undefined || !COMMIT_SHA.test(sha)) {
      throw new RemoteStoreError(`the hub at ${this.hubUrl} returned no commit sha for ${name}@${revision}`, { url: this.url, status: 200 });
    }
    // Record the ref as the hub clients do, so later offline runs can resolve it.
    await mkdir(join(refFile, '..'), { recursive: true });
    const temp = `${refFile}.${process.pid}.tmp`;
    await writeFile(temp, sha);
    await rename(temp, refFile);
    return sha;
  }

  private mapError(err: unknown, key: string, operation: string): Error {
    if (err instanceof StoreError) return err;
    const { name, revision } = this.location;
    const target = `${this.url}${key ? `/${key}` : ''}`;
    if (err instanceof HubApiError) {
      const status = err.statusCode;
      if (status === 404) {
        return new StoreNotFoundError(`hub repo ${name} at revision ${revision}`, this.url, `check the repo id and revision in ${this.url} and the endpoint ${this.hubUrl} (HF_ENDPOINT)`, {
          key,
          cause: err,
        });
      }
      if (status === 401 || status === 403) {
        return new AccessDeniedError(
          target,
          this.url,
          `the hub answered ${status}; set HF_TOKEN to a token (hf_…) that can read ${name}, accept the terms of gated repos, and check the repo id (the hub answers 401 for repos that do not exist)`,
          { key, status, cause: err },
        );
      }
      return new RemoteStoreError(`hub ${operation} ${target} failed: HTTP ${status}: ${err.message}`, {
        url: this.url,
        key,
        status,
        retryable: isRetryableStatus(status),
        cause: err,
      });
    }
    const code = networkErrorCode(err);
    if (code !== undefined && isUnreachableCode(code)) {
      return new EndpointUnreachableError(this.hubUrl, target, code, { key, cause: err });
    }
    const detail = err instanceof Error ? err.message : String(err);
    return new RemoteStoreError(`hub ${operation} ${target} failed: ${code ?? detail}`, {
      url: this.url,
      key,
      status: 0,
      retryable: code !== undefined,
      cause: err,
    });
  }
}
