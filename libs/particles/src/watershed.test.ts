import { describe, expect, it } from 'vitest';
import { paintSphere } from '../test/helpers';
import { centerOfMass } from './center-of-mass';
import { distanceTransformEDT } from './distance-transform';
import { watershed } from './watershed';
import type { Shape3 } from './volume-shape';

describe('watershed', () => {
  it('floods a ridge from both ends; the tie on the crest goes to the basin that reached it first', () => {
    const image = Float32Array.from([0, 1, 2, 3, 2, 1, 0]);
    const markers = Int32Array.from([1, 0, 0, 0, 0, 0, 2]);
    // Both seeds have value 0 and age 0; seed 1 pops first, so it reaches the crest (age 5) first.
    expect(Array.from(watershed(image, markers, [1, 1, 7]))).toEqual([1, 1, 1, 1, 2, 2, 2]);
  });

  it('follows low values first: a valley beyond a peak is taken by the seed on its side', () => {
    const image = Float32Array.from([0, 5, 0, 0, 0, 9, 0]);
    const markers = Int32Array.from([1, 0, 0, 0, 0, 0, 2]);
    // From seed 1 the path crosses 5 into the valley at index 2 before seed 2 can cross 9.
    expect(Array.from(watershed(image, markers, [1, 1, 7]))).toEqual([1, 1, 1, 1, 1, 2, 2]);
  });

  it('stays inside the mask and leaves unreachable mask voxels at 0', () => {
    const image = new Float32Array(6);
    const markers = Int32Array.from([3, 0, 0, 0, 0, 0]);
    const mask = Uint8Array.from([1, 1, 0, 1, 1, 1]);
    expect(Array.from(watershed(image, markers, [1, 1, 6], mask))).toEqual([3, 3, 0, 0, 0, 0]);
    // Labels in place, with a marker outside the mask dropped.
    const inPlace = Int32Array.from([3, 0, 7, 0, 0, 0]);
    watershed(image, inPlace, [1, 1, 6], mask, inPlace);
    expect(Array.from(inPlace)).toEqual([3, 3, 0, 0, 0, 0]);
  });

  it('splits two touching spheres at their neck when flooding −distance from their centres', () => {
    const shape: Shape3 = [20, 20, 32];
    const mask = new Uint8Array(20 * 20 * 32);
    paintSphere(mask, shape, 10, 10, 9, 6, 1);
    paintSphere(mask, shape, 10, 10, 20, 6, 1); // centres 11 apart, radius 6: they overlap a little
    const dist = distanceTransformEDT(mask, shape);
    for (let i = 0; i < dist.length; i++) dist[i] = -dist[i]!;
    const markers = new Int32Array(mask.length);
    markers[(10 * 20 + 10) * 32 + 9] = 1;
    markers[(10 * 20 + 10) * 32 + 20] = 2;
    const labels = watershed(dist, markers, shape, mask);
    const { sizes, centres } = centerOfMass(labels, shape, 2);
    // Every mask voxel is labelled, and each half's centroid sits on its own side of the neck (x = 14.5).
    expect(sizes[1]! + sizes[2]!).toBe(mask.reduce((a, b) => a + b, 0));
    expect(Math.abs(sizes[1]! - sizes[2]!)).toBeLessThan(0.05 * sizes[1]!);
    expect(centres[3 * 1 + 2]!).toBeLessThan(10);
    expect(centres[3 * 2 + 2]!).toBeGreaterThan(19);
    expect(centres[3 * 1 + 0]!).toBeCloseTo(10, 6); // symmetric in z
  });
});

describe('centerOfMass', () => {
  it('gives sizes and unweighted centres per label', () => {
    const labels = Int32Array.from([1, 1, 0, 2, 0, 2, 0, 2]); // shape 2×2×2
    const { sizes, centres } = centerOfMass(labels, [2, 2, 2], 2);
    expect(Array.from(sizes)).toEqual([3, 2, 3]);
    // Label 1 at (0,0,0) and (0,0,1); label 2 at (0,1,1), (1,0,1), (1,1,1).
    expect(Array.from(centres.slice(3, 6))).toEqual([0, 0, 0.5]);
    expect(Array.from(centres.slice(6, 9)).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([2 / 3, 2 / 3, 1].map((v) => Math.round(v * 1e9) / 1e9));
  });
});
