/**
 * The physical grid of the output: NGFF scale, translation and unit of level 0, in (z, y, x) order.
 * Taken, in this order, from the caller's geometry, from the input when it is an OME-Zarr level,
 * from a `voxelflow.geometry` attribute ({ spacing, origin: [x, y, z], unit }) or an NGFF `ome` /
 * `multiscales` attribute on the input, and otherwise unit-less scale 1 (NGFF allows axes without
 * unit). Units are mapped to the NGFF (UDUNITS-2) names; unknown units are dropped and noted.
 */
import { fromNgffAttributes, isSpaceUnit } from '@voxelflow/ome-ngff';
import { geometryFromNgff, type Geometry, type Volume } from '@voxelflow/volume-io';

/** Level-0 grid of the output, in NGFF axis order (z, y, x). */
export interface OutputGeometry {
  /** Level-0 voxel size on z, y, x. */
  scale: [number, number, number];
  /** Physical position of level-0 voxel (0, 0, 0) on z, y, x. */
  translation: [number, number, number];
  /** NGFF space unit, when known. */
  unit?: string;
  /** Where it came from. */
  source: 'caller' | 'ngff' | 'voxelflow.geometry' | 'none';
  /** Why something was dropped (an unknown unit, a non-identity direction). */
  note?: string;
}

const UNIT_ALIASES: Record<string, string> = {
  mm: 'millimeter',
  millimeters: 'millimeter',
  um: 'micrometer',
  'µm': 'micrometer',
  'μm': 'micrometer',
  micron: 'micrometer',
  microns: 'micrometer',
  micrometers: 'micrometer',
  nm: 'nanometer',
  nanometers: 'nanometer',
  a: 'angstrom',
  'å': 'angstrom',
  angstroms: 'angstrom',
  cm: 'centimeter',
  m: 'meter',
};

/** The NGFF name of a space unit ('mm' → 'millimeter'), or undefined when it has none. */
export function ngffSpaceUnit(unit: string | undefined): string | undefined {
  if (unit === undefined) return undefined;
  const u = unit.trim().toLowerCase();
  const name = UNIT_ALIASES[u] ?? u;
  return isSpaceUnit(name) ? name : undefined;
}

const NONE: OutputGeometry = { scale: [1, 1, 1], translation: [0, 0, 0], source: 'none' };

/** The output grid of a volume-io Geometry (spacing/origin in x, y, z; direction is not representable in NGFF). */
export function geometryToOutput(geometry: Geometry, source: OutputGeometry['source']): OutputGeometry {
  const [sx, sy, sz] = geometry.spacing;
  const [ox, oy, oz] = geometry.origin;
  const notes: string[] = [];
  const unit = ngffSpaceUnit(geometry.unit);
  if (geometry.unit !== undefined && unit === undefined) notes.push(`unit ${JSON.stringify(geometry.unit)} is not an NGFF space unit and was left out`);
  const d = geometry.direction;
  if (d && d.some((v, i) => Math.abs(v - (i % 4 === 0 ? 1 : 0)) > 1e-9)) notes.push('the direction matrix is not the identity; NGFF cannot store it');
  const ok = [sx, sy, sz, ox, oy, oz].every((v) => Number.isFinite(v)) && [sx, sy, sz].every((v) => v > 0);
  if (!ok) return { ...NONE, note: `geometry spacing/origin ${JSON.stringify(geometry.spacing)} / ${JSON.stringify(geometry.origin)} is unusable; scale 1 was written` };
  return {
    scale: [sz, sy, sx],
    translation: [oz, oy, ox],
    ...(unit ? { unit } : {}),
    source,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}

function isNumberTriple(v: unknown): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number');
}

/** The output grid that the input's format or attributes describe (see the module comment). */
export function geometryFromInput(volume: Volume): OutputGeometry {
  if (volume.format === 'ome-zarr') return geometryToOutput(volume.geometry, 'ngff');
  const attrs = volume.attributes ?? {};
  const vf = attrs['voxelflow'] as { geometry?: Partial<Geometry> } | undefined;
  const g = vf?.geometry;
  if (g && isNumberTriple(g.spacing)) {
    return geometryToOutput(
      {
        spacing: g.spacing,
        origin: isNumberTriple(g.origin) ? g.origin : [0, 0, 0],
        direction: Array.isArray(g.direction) && g.direction.length === 9 ? g.direction : [1, 0, 0, 0, 1, 0, 0, 0, 1],
        ...(typeof g.unit === 'string' ? { unit: g.unit } : {}),
      },
      'voxelflow.geometry',
    );
  }
  const multiscale = fromNgffAttributes(attrs).content.multiscales?.[0];
  if (multiscale && Array.isArray(multiscale.axes)) return geometryToOutput(geometryFromNgff(multiscale, 0), 'ngff');
  return { ...NONE };
}
