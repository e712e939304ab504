import { buildMultiscales, standardAxes } from '@voxelflow/ome-ngff';
import { describe, expect, it } from 'vitest';
import { geometryFromNgff, ngffLevelTransform, ngffTransformFromGeometry, spatialAxisIndices } from './ngff-geometry';

describe('NGFF ↔ geometry', () => {
  it('maps z, y, x axes (by name, else by position) to x, y, z', () => {
    expect(spatialAxisIndices(standardAxes('czyx'))).toEqual([3, 2, 1]);
    expect(spatialAxisIndices(standardAxes('yx'))).toEqual([1, 0, -1]);
    expect(spatialAxisIndices([{ name: 'a', type: 'space' }, { name: 'b', type: 'space' }, { name: 'c', type: 'space' }])).toEqual([2, 1, 0]);
    expect(spatialAxisIndices([{ name: 'x', type: 'space' }, { name: 'y', type: 'space' }, { name: 'z', type: 'space' }])).toEqual([0, 1, 2]);
  });

  it('composes dataset and multiscale transformations', () => {
    const m = buildMultiscales({
      version: '0.5',
      axes: standardAxes('czyx', 'angstrom'),
      datasets: [{ path: '0', scale: [1, 10, 10, 10], translation: [0, 5, 6, 7] }],
      coordinateTransformations: [{ type: 'scale', scale: [1, 2, 2, 2] }, { type: 'translation', translation: [0, 100, 0, 0] }],
    });
    expect(ngffLevelTransform(m, 0)).toEqual({ scale: [1, 20, 20, 20], translation: [0, 110, 12, 14] });
    const g = geometryFromNgff(m, 0);
    expect(g.spacing).toEqual([20, 20, 20]);
    expect(g.origin).toEqual([14, 12, 110]);
    expect(g.unit).toBe('angstrom');
    expect(g.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('2D images get z spacing 1 and origin 0; geometry → NGFF vectors round-trips', () => {
    const m = buildMultiscales({ version: '0.4', axes: standardAxes('yx', 'micrometer'), datasets: [{ path: '0', scale: [3, 4] }] });
    expect(geometryFromNgff(m, 0).spacing).toEqual([4, 3, 1]);
    const g = { spacing: [0.5, 0.6, 0.7] as [number, number, number], origin: [1, 2, 3] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as never };
    expect(ngffTransformFromGeometry(g, standardAxes('czyx'))).toEqual({ scale: [1, 0.7, 0.6, 0.5], translation: [0, 3, 2, 1] });
  });
});
