import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('built packages', () => {
  it('load from plain Node as ESM and as CJS and compute the same grid', () => {
    const lib = join(root, 'libs/tiling/dist');
    // Plain Node, no tsx, no custom conditions: what a user of the published package gets.
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `import { computeSteps } from ${JSON.stringify(`${lib}/index.js`)}; console.log(JSON.stringify(computeSteps(193, 128, 0.5)))`], { encoding: 'utf8' });
    const cjs = execFileSync(process.execPath, ['-e', `const { computeSteps } = require(${JSON.stringify(`${lib}/index.cjs`)}); console.log(JSON.stringify(computeSteps(193, 128, 0.5)))`], { encoding: 'utf8' });
    expect(JSON.parse(esm)).toEqual([0, 32, 65]);
    expect(JSON.parse(cjs)).toEqual([0, 32, 65]);
  });

  it('every library loads from plain Node as ESM and as CJS', () => {
    const libs = readdirSync(join(root, 'libs'));
    expect(libs.length).toBeGreaterThanOrEqual(10);
    for (const lib of libs) {
      const dist = join(root, 'libs', lib, 'dist');
      const esm = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(`${dist}/index.js`)}); console.log(Object.keys(m).length)`], { encoding: 'utf8' });
      const cjs = spawnSync(process.execPath, ['-e', `console.log(Object.keys(require(${JSON.stringify(`${dist}/index.cjs`)})).length)`], { encoding: 'utf8' });
      expect(esm.stderr, `${lib} ESM`).toBe('');
      expect(cjs.stderr, `${lib} CJS`).toBe('');
      expect(Number(esm.stdout), lib).toBeGreaterThan(0);
      expect(Number(cjs.stdout), lib).toBe(Number(esm.stdout));
    }
  });
});

describe('package graph', () => {
  it('lists every package, no lib depends on an app, and there is no cycle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vf-graph-'));
    try {
      const file = join(dir, 'graph.json');
      execFileSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'graph', `--file=${file}`], { cwd: root, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } });
      const { graph } = JSON.parse(readFileSync(file, 'utf8')) as {
        graph: { nodes: Record<string, { data: { root: string } }>; dependencies: Record<string, { target: string }[]> };
      };
      const names = Object.keys(graph.nodes);
      const libs = ['remote-storage', 'volume-io', 'ome-ngff', 'normalization', 'tiling', 'runtime-onnx', 'inference', 'blend', 'finalize', 'particles'];
      const apps = ['cli', 'itk-infer', 'picker', 'ink'];
      for (const n of [...libs, ...apps]) expect(names).toContain(`@voxelflow/${n}`);
      const isApp = (n: string) => graph.nodes[n]!.data.root.startsWith('apps/');
      const isLib = (n: string) => graph.nodes[n]!.data.root.startsWith('libs/');
      for (const [from, deps] of Object.entries(graph.dependencies)) {
        if (!isLib(from)) continue;
        for (const d of deps) if (graph.nodes[d.target]) expect(isApp(d.target), `${from} → ${d.target}`).toBe(false);
      }
      // Depth-first search for a back edge.
      const state = new Map<string, 1 | 2>();
      const visit = (n: string, path: string[]): void => {
        state.set(n, 1);
        for (const d of graph.dependencies[n] ?? []) {
          if (!graph.nodes[d.target]) continue;
          if (state.get(d.target) === 1) throw new Error(`cycle: ${[...path, n, d.target].join(' → ')}`);
          if (!state.has(d.target)) visit(d.target, [...path, n]);
        }
        state.set(n, 2);
      };
      for (const n of names) if (!state.has(n)) visit(n, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lock-file check', () => {
  it('passes on the repository lock and fails, naming the entry, when one is missing', () => {
    const check = join(root, 'tools/check-lock.mjs');
    expect(spawnSync(process.execPath, [check]).status).toBe(0);
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    delete lock.packages['node_modules/get-east-asian-width'];
    const dir = mkdtempSync(join(tmpdir(), 'vf-lock-'));
    try {
      const broken = join(dir, 'package-lock.json');
      writeFileSync(broken, JSON.stringify(lock));
      const r = spawnSync(process.execPath, [check, broken], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/needs get-east-asian-width/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('API reference', () => {
  it('builds from the TSDoc comments without a warning', () => {
    const out = mkdtempSync(join(tmpdir(), 'vf-docs-'));
    try {
      // typedoc.json treats warnings as errors: an undocumented export fails here.
      const r = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--options', 'typedoc.json', '--out', out], {
        cwd: root,
        encoding: 'utf8',
      });
      const warnings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /\[warning\]/.test(l));
      expect(warnings).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
