/**
 * A CT-like int16 volume in Hounsfield-like units with a non-identity geometry (anisotropic
 * spacing, a flipped z axis, an off-centre origin), written as .nii.gz and .mha.
 */
import type { Array3D } from '../array3d';
import { arrayFacts, sampleVoxels } from '../describe';
import type { OutputDir } from '../output-dir';
import { Random } from '../random';
import { rasAffine, type ImageGeometry } from '../writers/geometry';
import { encodeMha } from '../writers/mha';
import { encodeNifti1 } from '../writers/nifti';

/** Geometry in ITK's LPS convention; index axes are x (fastest), y, z. */
export const CT_GEOMETRY: ImageGeometry = {
  size: [80, 64, 40],
  spacing: [0.8, 0.8, 2.0],
  origin: [-31.5, 12.25, 61.0],
  // z flipped: slice k lies at LPS z = 61 − 2k (slices stored head to foot).
  direction: [1, 0, 0, 0, 1, 0, 0, 0, -1],
};

/** What the CT contains (voxel index units, x/y/z). */
export const CT_CONTENT = {
  seed: 3,
  air: { value: -1000, noise: 5 },
  body: { centre: [40, 34], semiAxes: [30, 22], value: 40, noise: 12, note: 'elliptic cylinder along z' },
  lung: { centre: [24, 34, 20], radii: [9, 8, 12], value: -800, noise: 20 },
  bone: { centre: [55, 30, 12], radii: [8, 7, 5], value: 700, noise: 30 },
};

/** Builds the CT volume, in memory as (z, y, x) C order = NIfTI's x-fastest order. */
export function makeCtVolume(): Array3D<Int16Array> {
  const [nx, ny, nz] = CT_GEOMETRY.size;
  const data = new Int16Array(nx * ny * nz);
  const rng = new Random(CT_CONTENT.seed);
  const { air, body, lung, bone } = CT_CONTENT;
  const inside = (c: number[], r: number[], x: number, y: number, z: number): boolean =>
    ((x - c[0]!) / r[0]!) ** 2 + ((y - c[1]!) / r[1]!) ** 2 + ((z - c[2]!) / r[2]!) ** 2 <= 1;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        let value = air.value + air.noise * rng.normal();
        const inBody = ((x - body.centre[0]!) / body.semiAxes[0]!) ** 2 + ((y - body.centre[1]!) / body.semiAxes[1]!) ** 2 <= 1;
        if (inBody) value = body.value + body.noise * rng.normal();
        if (inBody && inside(lung.centre, lung.radii, x, y, z)) value = lung.value + lung.noise * rng.normal();
        if (inBody && inside(bone.centre, bone.radii, x, y, z)) value = bone.value + bone.noise * rng.normal();
        data[(z * ny + y) * nx + x] = Math.round(value);
      }
    }
  }
  return { data, shape: [nz, ny, nx] };
}

/** Writes `volumes/ct.nii.gz` and `volumes/ct.mha`; returns the manifest entry. */
export async function writeCt(out: OutputDir): Promise<Record<string, unknown>> {
  const volume = makeCtVolume();
  await out.write('volumes/ct.nii.gz', encodeNifti1(volume.data, CT_GEOMETRY, { gzip: true, description: 'voxelflow test CT' }));
  await out.write('volumes/ct.mha', encodeMha(volume.data, CT_GEOMETRY));
  const affine = rasAffine(CT_GEOMETRY);
  const world = (i: number, j: number, k: number): number[] =>
    [0, 1, 2].map((r) => {
      const d = CT_GEOMETRY.direction;
      const s = CT_GEOMETRY.spacing;
      return CT_GEOMETRY.origin[r]! + d[3 * r]! * s[0] * i + d[3 * r + 1]! * s[1] * j + d[3 * r + 2]! * s[2] * k;
    });
  return {
    description: 'CT-like int16 volume (HU-like: air, soft-tissue body, lung, bone blob) with a non-identity geometry.',
    files: ['volumes/ct.nii.gz', 'volumes/ct.mha'],
    content: CT_CONTENT,
    /** Array order (z, y, x); the file order is x fastest, so NIfTI dims / MHA DimSize are (x, y, z). */
    axes: ['z', 'y', 'x'],
    ...arrayFacts(volume.shape, volume.data),
    geometry: {
      convention: 'ITK/LPS: world = origin + direction · diag(spacing) · (i, j, k), i along x (fastest)',
      sizeXYZ: CT_GEOMETRY.size,
      spacingXYZ: CT_GEOMETRY.spacing,
      originLPS: CT_GEOMETRY.origin,
      directionLPSRowMajor: CT_GEOMETRY.direction,
      affineRAS: [...affine, [0, 0, 0, 1]],
      mhaTransformMatrix: 'direction column by column (the transpose of directionLPSRowMajor); equal here as it is diagonal',
    },
    nifti: {
      datatype: 4,
      bitpix: 16,
      qformCode: 1,
      sformCode: 1,
      quaternion: { b: 0, c: 0, d: 1, qfac: -1 },
      note: 'sform rows = affineRAS (float32 in the header); qform encodes the same map; scl_slope 1, scl_inter 0',
    },
    mha: { elementType: 'MET_SHORT', compressed: 'zlib (deflate with zlib header)' },
    samples: sampleVoxels(volume, 16, 5).map((s) => {
      const [k, j, i] = s.index as [number, number, number];
      return { ...s, ijk: [i, j, k], worldLPS: world(i, j, k) };
    }),
  };
}
