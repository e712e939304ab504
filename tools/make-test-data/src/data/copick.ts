/**
 * A small copick project (filesystem backend): a config with three particle types, two runs whose
 * `wbp` tomograms (OME-Zarr 0.4 on Zarr v2, 10 Å) contain spheres of each type at known centres, and
 * the ground-truth picks. Particle type k has intensity band k (background 0) plus bounded noise, so
 * multiclass3d.onnx's argmax reproduces the painted label map exactly.
 */
import type { Array3D } from '../array3d';
import { arrayFacts } from '../describe';
import type { OutputDir } from '../output-dir';
import { Random } from '../random';
import { writeOmeZarr } from '../writers/ome-zarr';
import { PARTICLE_TYPES, type ParticleType } from './particle-types';
import { TestDataError } from '../errors';

/** Project-wide settings; recorded in the manifest. */
export const COPICK = {
  voxelSize: 10,
  voxelSpacingDir: 'VoxelSpacing10.000',
  tomoType: 'wbp',
  shape: [64, 96, 96] as [number, number, number],
  /** Gaussian noise σ, clamped to ±noiseClamp, then rounded to multiples of 1/256 (so the float32 data compresses). */
  noise: 0.08,
  noiseClamp: 0.3,
  noiseQuantum: 1 / 256,
  /** Minimum gap in voxels between two sphere surfaces, and between a sphere and the border. */
  gap: 2,
  pickUser: 'curation',
  pickSession: '0',
  runs: [
    { name: 'TS_001', seed: 101, counts: [6, 6, 5] },
    { name: 'TS_002', seed: 202, counts: [7, 5, 6] },
  ],
};

/** One placed particle. */
export interface Particle {
  type: ParticleType;
  /** Integer voxel centre (z, y, x). */
  centre: [number, number, number];
}

/** Places non-overlapping spheres (largest first) away from the border. */
export function placeParticles(seed: number, counts: number[]): Particle[] {
  const rng = new Random(seed);
  const placed: Particle[] = [];
  const order = PARTICLE_TYPES.map((t, i) => ({ t, n: counts[i]! })).sort((a, b) => b.t.radius - a.t.radius);
  for (const { t, n } of order) {
    const r = t.radius / COPICK.voxelSize;
    for (let k = 0; k < n; k++) {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 10000) throw new TestDataError(`placeParticles: no room for ${t.name} #${k} (seed ${seed})`);
        const lo = Math.ceil(r) + COPICK.gap;
        const c = COPICK.shape.map((size) => rng.int(lo, size - 1 - lo)) as [number, number, number];
        const clear = placed.every((p) => {
          const d = Math.hypot(p.centre[0] - c[0], p.centre[1] - c[1], p.centre[2] - c[2]);
          return d >= r + p.type.radius / COPICK.voxelSize + COPICK.gap;
        });
        if (clear) {
          placed.push({ type: t, centre: c });
          break;
        }
      }
    }
  }
  return placed;
}

/** Paints the label map (0 background, else the type's label) and the tomogram intensities. */
export function makeTomogram(particles: Particle[], seed: number): { tomogram: Array3D<Float32Array>; labels: Array3D<Uint8Array> } {
  const [nz, ny, nx] = COPICK.shape;
  const labels = new Uint8Array(nz * ny * nx);
  for (const p of particles) {
    const r = p.type.radius / COPICK.voxelSize;
    const [cz, cy, cx] = p.centre;
    const ri = Math.floor(r);
    for (let z = cz - ri; z <= cz + ri; z++)
      for (let y = cy - ri; y <= cy + ri; y++)
        for (let x = cx - ri; x <= cx + ri; x++)
          if ((z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2 <= r * r) labels[(z * ny + y) * nx + x] = p.type.label;
  }
  const rng = new Random(seed ^ 0x5eed);
  const tomogram = new Float32Array(labels.length);
  const q = COPICK.noiseQuantum;
  for (let i = 0; i < labels.length; i++) {
    const noise = Math.max(-COPICK.noiseClamp, Math.min(COPICK.noiseClamp, COPICK.noise * rng.normal()));
    tomogram[i] = labels[i]! + Math.round(noise / q) * q;
  }
  return { tomogram: { data: tomogram, shape: COPICK.shape }, labels: { data: labels, shape: COPICK.shape } };
}

/** Number of voxels a painted sphere of radius r (voxels) covers: integer offsets with d² ≤ r². */
export function sphereVoxelCount(r: number): number {
  let n = 0;
  const ri = Math.floor(r);
  for (let z = -ri; z <= ri; z++) for (let y = -ri; y <= ri; y++) for (let x = -ri; x <= ri; x++) if (z * z + y * y + x * x <= r * r) n++;
  return n;
}

/** The copick config JSON (roots relative to the config's folder). */
export function copickConfig(): Record<string, unknown> {
  return {
    config_type: 'filesystem',
    name: 'voxelflow-test',
    description: 'VoxelFlow test project: spheres of three particle types in two small tomograms.',
    version: '0.5.0',
    pickable_objects: PARTICLE_TYPES.map((t) => ({
      name: t.name,
      is_particle: true,
      label: t.label,
      color: t.color,
      radius: t.radius,
      metadata: { weight: 1 },
    })),
    user_id: 'voxelflow',
    session_id: '1',
    overlay_root: 'local://./overlay',
    static_root: 'local://./static',
    overlay_fs_args: { auto_mkdir: true },
  };
}

const IDENTITY = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
];

/** A picks file as copick writes it (field order of CopickPicksFile, 4-space indent). */
export function picksFile(run: string, type: ParticleType, particles: Particle[]): string {
  const file = {
    pickable_object_name: type.name,
    user_id: COPICK.pickUser,
    session_id: COPICK.pickSession,
    run_name: run,
    voxel_spacing: null,
    unit: 'angstrom',
    points: particles
      .filter((p) => p.type === type)
      .map((p) => ({
        location: { x: p.centre[2] * COPICK.voxelSize, y: p.centre[1] * COPICK.voxelSize, z: p.centre[0] * COPICK.voxelSize },
        transformation_: IDENTITY,
        instance_id: 0,
        score: 1.0,
      })),
    trust_orientation: true,
  };
  return JSON.stringify(file, null, 4) + '\n';
}

/** Writes the project under `copick/`; returns the manifest entry. */
export async function writeCopick(out: OutputDir): Promise<Record<string, unknown>> {
  await out.write('copick/copick_config.json', JSON.stringify(copickConfig(), null, 4) + '\n');
  const runs: Record<string, unknown> = {};
  const segName = `${COPICK.voxelSize.toFixed(3)}_${COPICK.pickUser}_${COPICK.pickSession}_particles-multilabel.zarr`;
  for (const run of COPICK.runs) {
    const particles = placeParticles(run.seed, run.counts);
    const { tomogram, labels } = makeTomogram(particles, run.seed);
    const tomoPath = `copick/static/ExperimentRuns/${run.name}/${COPICK.voxelSpacingDir}/${COPICK.tomoType}.zarr`;
    const levels = await writeOmeZarr(out.path(tomoPath), tomogram, {
      name: COPICK.tomoType,
      levels: 3,
      unit: 'angstrom',
      voxelSize: COPICK.voxelSize,
      translations: false, // as copick writes them
      chunks: [64, 64, 64],
      compressor: { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 }, // zarr-python 2's default, as copick 1.x
      dimensionSeparator: '/',
      fillValue: 0,
      type: 'mean',
    });
    const segPath = `copick/overlay/ExperimentRuns/${run.name}/Segmentations/${segName}`;
    await writeOmeZarr(out.path(segPath), labels, {
      name: 'particles',
      levels: 1,
      unit: 'angstrom',
      voxelSize: COPICK.voxelSize,
      translations: false,
      chunks: [64, 64, 64],
      compressor: { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 },
      dimensionSeparator: '/',
      fillValue: 0,
      type: 'nearest',
    });
    const picks: Record<string, unknown> = {};
    for (const t of PARTICLE_TYPES) {
      const path = `copick/overlay/ExperimentRuns/${run.name}/Picks/${COPICK.pickUser}_${COPICK.pickSession}_${t.name}.json`;
      await out.write(path, picksFile(run.name, t, particles));
      picks[t.name] = {
        path,
        centresZYXVoxels: particles.filter((p) => p.type === t).map((p) => p.centre),
        locationsXYZAngstrom: particles
          .filter((p) => p.type === t)
          .map((p) => [p.centre[2], p.centre[1], p.centre[0]].map((v) => v * COPICK.voxelSize)),
      };
    }
    const voxelsPerLabel = [0, 0, 0, 0];
    for (const v of labels.data) voxelsPerLabel[v]! += 1;
    runs[run.name] = {
      seed: run.seed,
      tomogram: {
        path: tomoPath,
        levels: levels.map((l) => ({ path: l.path, scale: l.scale, ...arrayFacts(l.shape, l.array.data), emptyChunks: l.chunks.empty })),
      },
      labelMap: { path: segPath, ...arrayFacts(labels.shape, labels.data), voxelsPerLabel },
      picks,
    };
  }
  return {
    description:
      'copick filesystem project. Tomograms live in the static root, picks and the label map in the overlay root. ' +
      'Voxel index = Å / voxelSize (no half-voxel offset); picks are x, y, z in Å.',
    config: 'copick/copick_config.json',
    roots: {
      overlay: 'copick/overlay',
      static: 'copick/static',
      note: "the config's roots are local:// URLs relative to the config file's folder (copick resolves them against the working directory)",
    },
    voxelSize: COPICK.voxelSize,
    voxelSpacingDir: COPICK.voxelSpacingDir,
    tomoType: COPICK.tomoType,
    shape: COPICK.shape,
    axes: ['z', 'y', 'x'],
    dtype: 'float32',
    particleTypes: PARTICLE_TYPES.map((t) => ({
      ...t,
      radiusVoxels: t.radius / COPICK.voxelSize,
      voxelsPerSphere: sphereVoxelCount(t.radius / COPICK.voxelSize),
      intensityBand: t.label,
    })),
    intensity:
      'tomogram = label + n, n = round(clamp(0.08·N(0,1), −0.3, 0.3) · 256) / 256; label 0 is background. ' +
      'A voxel belongs to a sphere when (z−cz)² + (y−cy)² + (x−cx)² ≤ r², r = radius / voxelSize.',
    multiclassArgmax: 'argmax of multiclass3d.onnx on level 0 equals the label map exactly (|n| ≤ 0.3 < 0.5)',
    picks: { user: COPICK.pickUser, session: COPICK.pickSession, file: 'Picks/<user>_<session>_<name>.json' },
    labelMap: { file: `Segmentations/${segName}`, dtype: 'uint8', levels: 1 },
    noise: { sigma: COPICK.noise, clamp: COPICK.noiseClamp, quantum: COPICK.noiseQuantum },
    runs,
  };
}
