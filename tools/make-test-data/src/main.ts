#!/usr/bin/env node
/** `make-test-data [outDir]`: writes test-data/ (default: <repo>/test-data). */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestData } from './make-test-data';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = resolve(process.argv[2] ?? resolve(repoRoot, 'test-data'));
const started = performance.now();
await makeTestData({ outDir, log: (line) => console.log(line) });
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
