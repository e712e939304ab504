/**
 * Localization throughput on Kaggle-size label maps: a 184×630×630 uint8 volume with 100 spheres of
 * three particle types (painted at 0.7 × radius, like octopi's training targets). Times `localizeRun`
 * in this thread (watershed and com), then `localizeProject` over a temp copick project of `runs`
 * copies with 1 and 2 worker threads.
 *
 *   npx tsx --conditions=@voxelflow/source tools/bench/src/localize.ts [runs=4]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localizeProject, localizeRun, openCopickProject, type LocalizeObjectSpec } from '@voxelflow/particles';
import { printTable, timeIt, type BenchRow } from './report';

const RUNS = Number(process.argv[2] ?? 4);
const SHAPE = [184, 630, 630] as const;
const VOXEL = 10;
const OBJECTS: LocalizeObjectSpec[] = [
  { name: 'apo-ferritin', label: 1, radius: 60 },
  { name: 'beta-galactosidase', label: 2, radius: 90 },
  { name: 'ribosome', label: 3, radius: 150 },
];
const N_SPHERES = 100;
const TARGET_SCALE = 0.7;

/** Seeded uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 100 non-overlapping spheres, types in turn, centres away from the faces. */
function makeLabels(): { data: Uint8Array; centres: number } {
  const [Z, Y, X] = SHAPE;
  const data = new Uint8Array(Z * Y * X);
  const rand = rng(2025);
  const placed: { z: number; y: number; x: number; r: number }[] = [];
  while (placed.length < N_SPHERES) {
    const o = OBJECTS[placed.length % OBJECTS.length]!;
    const r = (o.radius * TARGET_SCALE) / VOXEL;
    const m = Math.ceil(r) + 2;
    const c = { z: m + rand() * (Z - 2 * m), y: m + rand() * (Y - 2 * m), x: m + rand() * (X - 2 * m), r };
    if (placed.some((p) => Math.hypot(p.z - c.z, p.y - c.y, p.x - c.x) < p.r + c.r + 2)) continue;
    placed.push(c);
    for (let z = Math.floor(c.z - r); z <= Math.ceil(c.z + r); z++) {
      for (let y = Math.floor(c.y - r); y <= Math.ceil(c.y + r); y++) {
        for (let x = Math.floor(c.x - r); x <= Math.ceil(c.x + r); x++) {
          if ((z - c.z) ** 2 + (y - c.y) ** 2 + (x - c.x) ** 2 <= r * r) data[(z * Y + y) * X + x] = o.label;
        }
      }
    }
  }
  return { data, centres: placed.length };
}

async function main(): Promise<void> {
  const voxels = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const { data } = makeLabels();
  const rows: BenchRow[] = [];
  for (const method of ['watershed', 'com'] as const) {
    let found = 0;
    const seconds = await timeIt(async () => {
      const out = localizeRun({ segmentation: data, shape: SHAPE, voxelSize: VOXEL, objects: OBJECTS, method });
      found = out.reduce((a, o) => a + o.particles.length, 0);
    });
    rows.push({ name: `localizeRun ${method}, in-thread`, seconds, bytes: voxels, note: `${found}/${N_SPHERES} particles` });
  }

  const dir = await mkdtemp(join(tmpdir(), 'bench-localize-'));
  try {
    const config = join(dir, 'copick_config.json');
    await writeFile(
      config,
      JSON.stringify({
        config_type: 'filesystem',
        name: 'bench',
        pickable_objects: OBJECTS.map((o) => ({ name: o.name, is_particle: true, label: o.label, radius: o.radius })),
        overlay_root: 'local://./overlay',
      }),
    );
    const project = await openCopickProject(config);
    const seg = { name: 'predict', userId: 'bench', sessionId: '0', voxelSize: VOXEL };
    const writeSeconds = await timeIt(async () => {
      for (let r = 0; r < RUNS; r++) await project.run(`TS_${r + 1}`).writeSegmentation({ ...seg, data, shape: SHAPE });
    });
    rows.push({ name: `writeSegmentation (NGFF 0.4, blosc-lz4) × ${RUNS}`, seconds: writeSeconds, bytes: voxels * RUNS });
    rows.push({ name: 'readSegmentation × 1', seconds: await timeIt(() => project.run('TS_1').readSegmentation(seg)), bytes: voxels });
    // nProcs 1 runs inline; 2 starts two worker threads (under tsx each compiles the TypeScript first).
    for (const nProcs of [1, 2]) {
      let found = 0;
      let perRun = 0;
      const seconds = await timeIt(async () => {
        const res = await localizeProject(project, { segmentation: seg, pick: { userId: 'bench', sessionId: String(nProcs) }, nProcs });
        found = res.runs.reduce((a, run) => a + run.objects.reduce((b, o) => b + o.count, 0), 0);
        perRun = res.runs.reduce((a, run) => a + run.seconds, 0) / res.runs.length;
      });
      rows.push({
        name: `localizeProject watershed, ${RUNS} runs, ${nProcs} worker${nProcs > 1 ? 's' : ''}`,
        seconds,
        bytes: voxels * RUNS,
        items: RUNS,
        itemLabel: 'runs',
        note: `${found}/${N_SPHERES * RUNS} particles, ${perRun.toFixed(2)} s per run inside the ${nProcs > 1 ? 'workers' : 'thread'}`,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable(`localize: ${SHAPE.join('×')} uint8 label map, ${N_SPHERES} spheres of 3 types (MB/s of label voxels)`, rows);
}

await main();
