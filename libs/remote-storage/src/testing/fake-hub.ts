/**
 * A small HTTP server that speaks the Hugging Face hub routes @huggingface/hub uses, serving repos from
 * local directories: revision info, the tree listing (paginated with a `Link` header), paths-info, and
 * resolve (with Range and ETag). Files ≥ `lfsThreshold` bytes are described as LFS objects, as the hub
 * does for large files. Enough for downloadFileToCacheDir, listFiles, pathsInfo and snapshotDownload.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { readIfFile, sendBytes } from './serve-file';

/** One repo the fake hub serves. */
export interface FakeHubRepo {
  /** Directory whose files are the repo's files. */
  dir: string;
  /** Commit sha of `main` (default: sha1 of the repo id). */
  sha?: string;
}

/** Options of {@link startFakeHub}. */
export interface FakeHubOptions {
  /** Repos by id: `'org/name'` for models, `'datasets/org/name'`, `'spaces/org/name'`. */
  repos: Record<string, string | FakeHubRepo>;
  /** When set, every request must carry `Authorization: Bearer <token>`, else 401. */
  token?: string;
  /** Entries per tree page (default 1000). */
  treePageSize?: number;
  /** Files at least this large are reported as LFS objects (default 1 MiB). */
  lfsThreshold?: number;
}

/** A running fake hub. */
export interface FakeHubHandle {
  /** Base URL to pass as `hubUrl` or `HF_ENDPOINT` (`http://127.0.0.1:<port>`). */
  hubUrl: string;
  /** `METHOD path?query` of every request, in order (clear with `requests.length = 0`). */
  requests: string[];
  /** The commit sha `main` resolves to for `repo`. */
  sha(repo: string): string;
  /** Stops the server. */
  close(): Promise<void>;
}

interface FileEntry {
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

function gitBlobOid(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory()) out.push(...(await walk(join(dir, e.name), `${prefix}${e.name}/`)));
    else if (e.isFile()) out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse, code: 'RepoNotFound' | 'RevisionNotFound' | 'EntryNotFound', message: string): void {
  json(res, 404, { error: message }, { 'x-error-code': code });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the fake hub on 127.0.0.1 with a free port; see {@link FakeHubHandle}. */
export async function startFakeHub(options: FakeHubOptions): Promise<FakeHubHandle> {
  const repos = new Map<string, { dir: string; sha: string }>();
  for (const [id, repo] of Object.entries(options.repos)) {
    const r = typeof repo === 'string' ? { dir: repo } : repo;
    const key = id.startsWith('datasets/') || id.startsWith('spaces/') ? id : `models/${id}`;
    repos.set(key, { dir: resolve(r.dir), sha: r.sha ?? createHash('sha1').update(id).digest('hex') });
  }
  const lfsThreshold = options.lfsThreshold ?? 1024 * 1024;
  const pageSize = options.treePageSize ?? 1000;
  const requests: string[] = [];

  async function entry(dir: string, path: string): Promise<FileEntry | undefined> {
    const full = resolve(dir, path);
    if (!full.startsWith(dir + sep)) return undefined;
    const bytes = await readIfFile(full);
    if (bytes === undefined) return undefined;
    const e: FileEntry = { path, size: bytes.length, oid: gitBlobOid(bytes) };
    if (bytes.length >= lfsThreshold) {
      e.lfs = { oid: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, pointerSize: 134 };
    }
    return e;
  }

  async function isDir(dir: string, path: string): Promise<boolean> {
    const full = resolve(dir, path);
    return (full === dir || full.startsWith(dir + sep)) && ((await stat(full).catch(() => undefined))?.isDirectory() ?? false);
  }

  const revOk = (repo: { sha: string }, rev: string): boolean => rev === 'main' || rev === 'HEAD' || rev === repo.sha;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      json(res, 401, { error: 'Invalid credentials in Authorization header' });
      return;
    }
    const seg = url.pathname.split('/').slice(1).map(decodeURIComponent);
    if (seg[0] === 'api' && (seg[1] === 'models' || seg[1] === 'datasets' || seg[1] === 'spaces')) {
      const repoKey = `${seg[1]}/${seg[2]}/${seg[3]}`;
      const repo = repos.get(repoKey);
      if (!repo) return notFound(res, 'RepoNotFound', 'Repository not found');
      const [op, rev = 'main', ...rest] = seg.slice(4);
      if (!revOk(repo, rev)) return notFound(res, 'RevisionNotFound', `Invalid rev id: ${rev}`);
      const commit = { id: repo.sha, title: 'fake commit', date: '2026-01-01T00:00:00.000Z' };
      if (op === 'revision' && req.method === 'GET') {
        const files = await walk(repo.dir);
        return json(res, 200, {
          _id: repo.sha.slice(0, 24),
          id: `${seg[2]}/${seg[3]}`,
          sha: repo.sha,
          private: false,
          gated: false,
          disabled: false,
          downloads: 0,
          likes: 0,
          tags: [],
          lastModified: commit.date,
          createdAt: commit.date,
          siblings: files.map((rfilename) => ({ rfilename })),
        });
      }
      if (op === 'tree' && req.method === 'GET') {
        const sub = rest.join('/');
        if (sub !== '' && !(await isDir(repo.dir, sub))) return notFound(res, 'EntryNotFound', `${sub} does not exist on "${rev}"`);
        const recursive = url.searchParams.get('recursive') === 'true';
        const files = (await walk(join(repo.dir, sub), sub ? `${sub}/` : '')) ?? [];
        const items: unknown[] = [];
        const dirs = new Set<string>();
        for (const f of files) {
          const parts = f.slice(sub ? sub.length + 1 : 0).split('/');
          // Directories appear as their own entries, as on the hub.
          for (let i = 1; i < parts.length && (recursive || i === 1); i++) {
            const d = `${sub ? `${sub}/` : ''}${parts.slice(0, i).join('/')}`;
            if (!dirs.has(d)) {
              dirs.add(d);
              items.push({ type: 'directory', path: d, oid: createHash('sha1').update(d).digest('hex'), size: 0 });
            }
          }
          if (!recursive && parts.length > 1) continue;
          const e = await entry(repo.dir, f);
          if (e) items.push({ type: 'file', ...e });
        }
        const cursor = Number(url.searchParams.get('cursor') ?? '0');
        const page = items.slice(cursor, cursor + pageSize);
        const headers: Record<string, string> = {};
        if (cursor + pageSize < items.length) {
          const next = new URL(`http://${req.headers.host}${url.pathname}${url.search}`);
          next.searchParams.set('cursor', String(cursor + pageSize));
          headers['link'] = `<${next.href}>; rel="next"`;
        }
        return json(res, 200, page, headers);
      }
      if (op === 'paths-info' && req.method === 'POST') {
        const body = JSON.parse((await readBody(req)) || '{}') as { paths?: string[] };
        const out: unknown[] = [];
        for (const p of body.paths ?? []) {
          const e = await entry(repo.dir, p);
          if (e) out.push({ type: 'file', ...e, lastCommit: commit });
          else if (await isDir(repo.dir, p)) out.push({ type: 'directory', path: p, oid: createHash('sha1').update(p).digest('hex'), size: 0 });
        }
        return json(res, 200, out);
      }
      return json(res, 404, { error: 'Sorry, we can\'t find the page you are looking for.' });
    }
    // /{org}/{name}/resolve/{rev}/{path} for models, /datasets/… and /spaces/… otherwise
    const typed = seg[0] === 'datasets' || seg[0] === 'spaces';
    const [org, name, op, rev = 'main', ...rest] = typed ? seg.slice(1) : seg;
    const repo = repos.get(`${typed ? seg[0] : 'models'}/${org}/${name}`);
    if ((req.method === 'GET' || req.method === 'HEAD') && op === 'resolve') {
      if (!repo) return notFound(res, 'RepoNotFound', 'Repository not found');
      if (!revOk(repo, rev)) return notFound(res, 'RevisionNotFound', `Invalid rev id: ${rev}`);
      const path = rest.join('/');
      const e = await entry(repo.dir, path);
      const bytes = e ? await readIfFile(resolve(repo.dir, path)) : undefined;
      if (!e || !bytes) return notFound(res, 'EntryNotFound', `${path} does not exist on "${rev}"`);
      const etag = e.lfs?.oid ?? e.oid;
      return sendBytes(req, res, bytes, etag, { 'x-repo-commit': repo.sha, ...(e.lfs ? { 'x-linked-etag': `"${etag}"`, 'x-linked-size': String(e.size) } : {}) });
    }
    json(res, 404, { error: 'not found' });
  }

  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(req, res).catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hubUrl,
    requests,
    sha(repo: string) {
      const key = repo.startsWith('datasets/') || repo.startsWith('spaces/') ? repo : `models/${repo}`;
      const r = repos.get(key);
      if (!r) throw new Error(`fake hub serves no repo ${repo}`);
      return r.sha;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
