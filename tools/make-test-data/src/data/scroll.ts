/**
 * A scroll-like uint8 volume (z, y, x): a papyrus sheet rolled into a spiral inside a cylinder,
 * with noise. Outside the cylinder, below the bottom cut and in one torn-off corner block every voxel
 * is exactly 0, so several 32³ chunks are all fill and absent from the Zarrs.
 */
import type { Array3D } from '../array3d';
import { arrayFacts, sampleVoxels } from '../describe';
import type { OutputDir } from '../output-dir';
import { Random } from '../random';
import { writeOmeZarr } from '../writers/ome-zarr';
import { encodeTiff } from '../writers/tiff';
import { writeZarrV2Array } from '../writers/zarr-v2';
import { writeZarrV3Array } from '../writers/zarr-v3';

/** Everything that defines the scroll; recorded in the manifest. */
export const SCROLL = {
  shape: [96, 160, 160] as [number, number, number],
  seed: 7,
  /** Cylinder axis along z through (y, x) = centre. */
  centre: [79.5, 79.5],
  radius: 62,
  /** Spiral r = innerRadius + pitch · (θ / 2π + k); sheets are `thickness` voxels thick. */
  innerRadius: 6,
  pitch: 7,
  thickness: 3,
  /** Rotation of the spiral per z slice (rad), so slices differ. */
  twistPerSlice: 0.01,
  papyrus: { mean: 150, noise: 10 },
  air: { mean: 14, noise: 3, min: 1 },
  /** Half-open boxes [start, end) in (z, y, x) where every voxel is 0. */
  emptyBoxes: [
    { start: [0, 0, 0], end: [5, 160, 160], why: 'bottom cut (not chunk-aligned: chunks there are partly filled)' },
    { start: [64, 96, 0], end: [96, 160, 64], why: 'torn-off corner block (chunk-aligned)' },
  ],
  voxelSize: 7.91,
  unit: 'micrometer',
};

/** Builds the scroll volume. */
export function makeScrollVolume(): Array3D<Uint8Array> {
  const [nz, ny, nx] = SCROLL.shape;
  const data = new Uint8Array(nz * ny * nx);
  const rng = new Random(SCROLL.seed);
  const [cy, cx] = SCROLL.centre as [number, number];
  const { radius, innerRadius, pitch, thickness, twistPerSlice, papyrus, air } = SCROLL;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const dy = y - cy;
        const dx = x - cx;
        const r = Math.hypot(dy, dx);
        if (r > radius || insideEmptyBox(z, y, x)) continue; // exactly 0
        const theta = Math.atan2(dy, dx) + twistPerSlice * z;
        const u = (r - innerRadius) / pitch - theta / (2 * Math.PI);
        const distance = pitch * Math.abs(u - Math.round(u)); // to the nearest wrap
        // A soft sheet edge: full papyrus within the sheet, falling to air over one voxel.
        const sheet = r < innerRadius ? 0 : Math.min(1, Math.max(0, thickness / 2 + 0.5 - distance));
        const fibre = 12 * Math.sin(0.9 * z + 5 * theta); // texture along the sheet
        const value =
          air.mean + air.noise * rng.normal() + sheet * (papyrus.mean - air.mean + fibre + (papyrus.noise - air.noise) * rng.normal());
        data[(z * ny + y) * nx + x] = Math.max(air.min, Math.min(255, Math.round(value)));
      }
    }
  }
  return { data, shape: SCROLL.shape };
}

function insideEmptyBox(z: number, y: number, x: number): boolean {
  return SCROLL.emptyBoxes.some(
    (b) => z >= b.start[0]! && z < b.end[0]! && y >= b.start[1]! && y < b.end[1]! && x >= b.start[2]! && x < b.end[2]!,
  );
}

/** Blosc-zstd level 3 with byte shuffle: what Vesuvius volumes and VoxelFlow's logits use. */
const BLOSC_ZSTD = { id: 'blosc', cname: 'zstd', clevel: 3, shuffle: 1, blocksize: 0 } as const;
const CHUNKS = [32, 32, 32];

/** Writes the scroll in every format under `volumes/` and returns its manifest entry. */
export async function writeScroll(out: OutputDir): Promise<Record<string, unknown>> {
  const volume = makeScrollVolume();
  const v2 = await writeZarrV2Array(out.path('volumes/scroll_v2.zarr'), volume, {
    chunks: CHUNKS,
    compressor: BLOSC_ZSTD,
    dimensionSeparator: '.',
    fillValue: 0,
  });
  const v3 = await writeZarrV3Array(out.path('volumes/scroll_v3.zarr'), volume, {
    chunks: CHUNKS,
    compressors: [{ name: 'zstd', configuration: { level: 3, checksum: false } }],
    fillValue: 0,
    dimensionNames: ['z', 'y', 'x'],
  });
  const ome = await writeOmeZarr(out.path('volumes/scroll_ome.zarr'), volume, {
    name: 'scroll',
    levels: 3,
    unit: SCROLL.unit,
    voxelSize: SCROLL.voxelSize,
    translations: true,
    chunks: CHUNKS,
    compressor: BLOSC_ZSTD,
    dimensionSeparator: '/',
    fillValue: 0,
    type: 'mean',
  });
  const [nz, ny, nx] = SCROLL.shape;
  for (let z = 0; z < nz; z++) {
    const page = volume.data.subarray(z * ny * nx, (z + 1) * ny * nx);
    await out.write(`volumes/scroll_tiff/${String(z).padStart(3, '0')}.tif`, encodeTiff({ width: nx, height: ny, pages: [page] }));
  }
  return {
    description: 'Scroll-like uint8 volume: a spiral papyrus sheet in a cylinder (axis z), zero outside and in the empty boxes.',
    axes: ['z', 'y', 'x'],
    construction: SCROLL,
    ...arrayFacts(volume.shape, volume.data),
    voxelSize: SCROLL.voxelSize,
    unit: SCROLL.unit,
    samples: sampleVoxels(volume, 24, 11),
    chunks: CHUNKS,
    chunkGrid: volume.shape.map((n, d) => Math.ceil(n / CHUNKS[d]!)),
    /** Chunk grid indices (z, y, x) whose voxels are all 0: absent from every Zarr. */
    emptyChunks: v2.empty,
    formats: {
      zarrV2: {
        path: 'volumes/scroll_v2.zarr',
        zarrFormat: 2,
        node: 'array at the root',
        compressor: BLOSC_ZSTD,
        dimensionSeparator: '.',
        chunkKey: '<z>.<y>.<x>',
        fillValue: 0,
        writtenChunks: v2.written.length,
      },
      zarrV3: {
        path: 'volumes/scroll_v3.zarr',
        zarrFormat: 3,
        node: 'array at the root',
        codecs: ['bytes(little)', 'zstd(level 3)'],
        chunkKey: 'c/<z>/<y>/<x>',
        fillValue: 0,
        writtenChunks: v3.written.length,
      },
      omeZarr: {
        path: 'volumes/scroll_ome.zarr',
        zarrFormat: 2,
        ngffVersion: '0.4',
        compressor: BLOSC_ZSTD,
        dimensionSeparator: '/',
        chunkKey: '<level>/<z>/<y>/<x>',
        downsampling: '2x mean per level; uint8 rounded half up: floor((sum of 8 + 4) / 8)',
        levels: ome.map((l) => ({
          path: l.path,
          scale: l.scale,
          ...(l.translation ? { translation: l.translation } : {}),
          ...arrayFacts(l.shape, l.array.data),
          emptyChunks: l.chunks.empty,
        })),
      },
      tiffStack: {
        path: 'volumes/scroll_tiff',
        files: `000.tif … ${String(nz - 1).padStart(3, '0')}.tif`,
        count: nz,
        meaning: 'file z holds slice z: width = x (160), height = y (160)',
        tiff: 'little-endian, 8-bit unsigned, one uncompressed strip, single page',
      },
    },
  };
}
