/**
 * OME-NGFF 0.4 multiscale images on Zarr v2: a group whose `.zattrs` holds `multiscales`, and one
 * array per level ("0" full resolution, then 2× mean downsampling per level).
 */
import { join } from 'node:path';
import { downsampleMean2, type Array3D } from '../array3d';
import type { ChunkReport } from './zarr-chunks';
import { writeZarrV2Array, writeZarrV2Group, type V2Compressor } from './zarr-v2';

/** Options of {@link writeOmeZarr}. */
export interface OmeZarrOptions {
  name: string;
  levels: number;
  /** NGFF unit of the z, y, x axes, e.g. 'micrometer' or 'angstrom'. */
  unit: string;
  /** Voxel size of level 0 (same on z, y, x). */
  voxelSize: number;
  /**
   * Add a translation of (2^i − 1)/2 level-0 voxels to level i, so voxel centres of every level
   * line up (a 2× mean puts level-1 voxel 0 at level-0 position 0.5). copick writes none.
   */
  translations: boolean;
  chunks: number[];
  compressor: V2Compressor;
  dimensionSeparator: '.' | '/';
  fillValue: number;
  /** Downsampling method named in the metadata. */
  type: string;
}

/** What was written per level. */
export interface OmeLevel {
  path: string;
  shape: [number, number, number];
  scale: number[];
  translation?: number[];
  array: Array3D;
  chunks: ChunkReport;
}

/** The NGFF 0.4 `multiscales` attribute for the given levels. */
export function multiscalesAttribute(options: OmeZarrOptions, levels: Pick<OmeLevel, 'path' | 'scale' | 'translation'>[]): Record<string, unknown> {
  return {
    multiscales: [
      {
        version: '0.4',
        name: options.name,
        axes: ['z', 'y', 'x'].map((name) => ({ name, type: 'space', unit: options.unit })),
        datasets: levels.map((l) => ({
          path: l.path,
          coordinateTransformations: [
            { type: 'scale', scale: l.scale },
            ...(l.translation ? [{ type: 'translation', translation: l.translation }] : []),
          ],
        })),
        type: options.type,
      },
    ],
  };
}

/** Writes `a` and its downsampled levels as an OME-Zarr 0.4 group in folder `dir`. */
export async function writeOmeZarr(dir: string, a: Array3D, options: OmeZarrOptions): Promise<OmeLevel[]> {
  const levels: OmeLevel[] = [];
  let current = a;
  for (let i = 0; i < options.levels; i++) {
    if (i > 0) current = downsampleMean2(current);
    const factor = 2 ** i;
    const scale = [0, 1, 2].map(() => tidy(options.voxelSize * factor));
    const translation = options.translations && i > 0 ? [0, 1, 2].map(() => tidy((options.voxelSize * (factor - 1)) / 2)) : undefined;
    const chunks = await writeZarrV2Array(join(dir, String(i)), current, {
      chunks: options.chunks,
      compressor: options.compressor,
      dimensionSeparator: options.dimensionSeparator,
      fillValue: options.fillValue,
    });
    levels.push({ path: String(i), shape: current.shape, scale, ...(translation ? { translation } : {}), array: current, chunks });
  }
  await writeZarrV2Group(dir, multiscalesAttribute(options, levels));
  return levels;
}

/** Rounds away binary noise (7.91 · 3 / 2 = 11.865, not 11.865000000000002) so metadata reads as intended. */
function tidy(v: number): number {
  return Number(v.toFixed(10));
}
