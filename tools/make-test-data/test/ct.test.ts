/**
 * The CT volume read back: nifti-reader-js for ct.nii.gz (dims, spacing, datatype, RAS affine,
 * voxels), and the MetaImage header parsed by hand plus zlib for ct.mha (same voxels and geometry).
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { manifest, readArrayBuffer, sha256, td } from './helpers';

const ct = manifest.datasets.ct;
const g = ct.geometry;

/** The RAS affine expected from the LPS geometry: negate world x and y. */
function expectedRas(): number[][] {
  const flip = [-1, -1, 1];
  return [0, 1, 2].map((r) => [
    ...[0, 1, 2].map((c) => flip[r]! * g.directionLPSRowMajor[3 * r + c] * g.spacingXYZ[c] + 0),
    flip[r]! * g.originLPS[r] + 0,
  ]);
}

function readNifti(): { header: nifti.NIFTI1; voxels: Int16Array } {
  let data = readArrayBuffer(td('volumes/ct.nii.gz'));
  expect(nifti.isCompressed(data)).toBe(true);
  data = nifti.decompress(data) as ArrayBuffer;
  expect(nifti.isNIFTI1(data)).toBe(true);
  const header = nifti.readHeader(data) as nifti.NIFTI1;
  return { header, voxels: new Int16Array(nifti.readImage(header, data)) };
}

describe('ct.nii.gz', () => {
  it('has dims, spacing, datatype int16 and the RAS affine of the LPS geometry', () => {
    const { header } = readNifti();
    expect(header.dims.slice(0, 4)).toEqual([3, 80, 64, 40]);
    header.pixDims.slice(1, 4).forEach((v, i) => expect(v).toBeCloseTo(g.spacingXYZ[i], 6));
    expect(header.datatypeCode).toBe(nifti.NIFTI1.TYPE_INT16);
    expect(header.numBitsPerVoxel).toBe(16);
    expect(header.sform_code).toBe(1);
    expect(header.qform_code).toBe(1);
    expect(header.littleEndian).toBe(true);
    const want = expectedRas();
    expect(want).toEqual(ct.geometry.affineRAS.slice(0, 3));
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(header.affine[r]![c]).toBeCloseTo(want[r]![c]!, 5);
    // The qform encodes the same map.
    const q = header.getQformMat();
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(q[r]![c]).toBeCloseTo(want[r]![c]!, 5);
    expect(header.pixDims[0]).toBe(-1); // qfac: the z flip makes the rotation improper
  });

  it('has the recorded voxels; samples sit at their world positions', () => {
    const { header, voxels } = readNifti();
    expect(voxels.length).toBe(80 * 64 * 40);
    expect(sha256(voxels)).toBe(ct.dataSha256);
    let min = Infinity;
    let max = -Infinity;
    for (const v of voxels) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([ct.min, ct.max]);
    expect(min).toBeLessThan(-950); // air
    expect(max).toBeGreaterThan(600); // bone
    for (const s of ct.samples) {
      const [i, j, k] = s.ijk as [number, number, number];
      expect(voxels[(k * 64 + j) * 80 + i]).toBe(s.value);
      const ras = [0, 1, 2].map((r) => header.affine[r]![0]! * i + header.affine[r]![1]! * j + header.affine[r]![2]! * k + header.affine[r]![3]!);
      expect(-ras[0]!).toBeCloseTo(s.worldLPS[0], 4);
      expect(-ras[1]!).toBeCloseTo(s.worldLPS[1], 4);
      expect(ras[2]).toBeCloseTo(s.worldLPS[2], 4);
    }
  });
});

describe('ct.mha', () => {
  it('has the NIfTI voxels and geometry (in LPS)', () => {
    const bytes = readFileSync(td('volumes/ct.mha'));
    const marker = 'ElementDataFile = LOCAL\n';
    const end = bytes.indexOf(marker) + marker.length;
    expect(end).toBeGreaterThan(marker.length);
    const fields = Object.fromEntries(
      bytes
        .subarray(0, end)
        .toString('latin1')
        .trim()
        .split('\n')
        .map((line) => line.split(' = ') as [string, string]),
    );
    expect(fields).toMatchObject({
      ObjectType: 'Image',
      NDims: '3',
      BinaryData: 'True',
      BinaryDataByteOrderMSB: 'False',
      CompressedData: 'True',
      DimSize: '80 64 40',
      ElementType: 'MET_SHORT',
    });
    const nums = (k: string): number[] => fields[k]!.split(' ').map(Number);
    const body = bytes.subarray(end);
    expect(nums('CompressedDataSize')).toEqual([body.length]);
    const voxels = new Int16Array(new Uint8Array(inflateSync(body)).buffer);
    const { header, voxels: niftiVoxels } = readNifti();
    expect(Buffer.from(voxels.buffer).equals(Buffer.from(niftiVoxels.buffer))).toBe(true);

    // Geometry from the NIfTI's RAS affine, turned back into LPS, must match the MHA fields.
    const A = header.affine;
    const spacing = [0, 1, 2].map((c) => Math.hypot(A[0]![c]!, A[1]![c]!, A[2]![c]!));
    nums('ElementSpacing').forEach((v, i) => expect(v).toBeCloseTo(spacing[i]!, 5));
    const originLps = [-A[0]![3]!, -A[1]![3]!, A[2]![3]!];
    nums('Offset').forEach((v, i) => expect(v).toBeCloseTo(originLps[i]!, 5));
    // TransformMatrix lists the direction column by column: entries 3c..3c+2 are axis c's direction.
    const tm = nums('TransformMatrix');
    const flip = [-1, -1, 1];
    for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) expect(tm[3 * c + r]).toBeCloseTo((flip[r]! * A[r]![c]!) / spacing[c]!, 5);
  });
});
