#!/usr/bin/env node
// npm 11 can write a package-lock.json that lacks an entry some package needs (seen here: optional
// platform binaries missing from the registry, and a transitive dep dropped after a partial reinstall).
// `npm ci` then fails on a fresh machine while `npm install` says "up to date". This walks the lock
// with Node's resolution rules and fails on any dependency without an entry.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The lock to check: an argument (tests pass a damaged copy), else the repository's.
const lockPath = process.argv[2] ?? join(root, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const pkgs = lock.packages ?? {};
const missing = [];

function resolve(from, name) {
  // Walk up from `from`'s own node_modules, as Node does.
  let dir = from;
  for (;;) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (pkgs[key]) return key;
    if (!dir) return null;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i >= 0 ? dir.slice(0, i) : dir.startsWith('node_modules/') ? '' : dirname(dir) === '.' ? '' : dirname(dir);
  }
}

for (const [path, meta] of Object.entries(pkgs)) {
  if (meta.link) {
    if (!pkgs[meta.resolved]) missing.push(`${path} links to ${meta.resolved}, which has no entry`);
    continue;
  }
  const isLocal = path === '' || !path.includes('node_modules/');
  const groups = [meta.dependencies, meta.optionalDependencies, isLocal ? meta.devDependencies : undefined];
  const peers = Object.keys(meta.peerDependencies ?? {}).filter((n) => !meta.peerDependenciesMeta?.[n]?.optional);
  const names = new Set([...groups.flatMap((g) => Object.keys(g ?? {})), ...peers]);
  for (const name of names) {
    if (!resolve(path, name)) missing.push(`${path || '(root)'} needs ${name}`);
  }
}

if (missing.length) {
  console.error(`${lockPath} is incomplete (${missing.length} missing):`);
  for (const m of missing.slice(0, 40)) console.error(`  ${m}`);
  console.error('Fix: rm -rf node_modules */*/node_modules package-lock.json && npm install');
  process.exit(1);
}
console.log(`package-lock.json: ${Object.keys(pkgs).length} entries, every dependency resolves`);
