/**
 * An ink segment: 26 surface layers (`layers/00.tif … 25.tif`), H×W = 96×128, once as 8-bit and once
 * as 16-bit (each 16-bit value is exactly 257 × the 8-bit one, so 0…255 maps onto 0…65535 and any
 * exact rescaling — ÷257, >>8, ·255/65535 — gives back the 8-bit layers). Ink raises the middle
 * layers, so the mean over layers (after clip 200, ÷200) is above 0.5 on ink and below it elsewhere.
 * One corner lies outside the fragment: 0 in every layer.
 */
import { sha256OfArray } from '../describe';
import type { OutputDir } from '../output-dir';
import { Random } from '../random';
import { encodeTiff } from '../writers/tiff';

/** Everything that defines the segment; recorded in the manifest. */
export const INK = {
  layers: 26,
  height: 96,
  width: 128,
  seed: 26,
  /** Papyrus profile over layers: base + peak·exp(−((l − centre)/width)²). */
  papyrus: { base: 60, peak: 80, centre: 12, width: 6 },
  /** Ink adds peak·exp(−((l − centre)/width)²) on ink pixels. */
  ink: { peak: 120, centre: 13, width: 3 },
  noise: 4,
  /** Inside the fragment values are clamped to [1, 255], so only outside pixels are 0. */
  outsideFragment: 'y + x < 24 (top-left corner triangle)',
  /** Ink shapes in pixel (y, x) coordinates. */
  shapes: {
    bar: { y: [20, 76], x: [16, 24] },
    vStrokes: [
      { from: [20, 36], to: [76, 52], halfWidth: 3 },
      { from: [20, 68], to: [76, 52], halfWidth: 3 },
    ],
    discs: [
      { centre: [48, 100], radius: 14 },
      { centre: [82, 20], radius: 6 },
    ],
  },
  clipValue: 200,
};

/** True where the segment has ink. */
export function inkMask(): Uint8Array {
  const { height, width, shapes } = INK;
  const mask = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let ink = y >= shapes.bar.y[0]! && y < shapes.bar.y[1]! && x >= shapes.bar.x[0]! && x < shapes.bar.x[1]!;
      for (const s of shapes.vStrokes) ink ||= distanceToSegment(y, x, s.from, s.to) <= s.halfWidth;
      for (const d of shapes.discs) ink ||= Math.hypot(y - d.centre[0]!, x - d.centre[1]!) <= d.radius;
      if (ink && !outside(y, x)) mask[y * width + x] = 1;
    }
  }
  return mask;
}

function outside(y: number, x: number): boolean {
  return y + x < 24;
}

function distanceToSegment(y: number, x: number, a: number[], b: number[]): number {
  const [ay, ax] = a as [number, number];
  const [by, bx] = b as [number, number];
  const t = Math.max(0, Math.min(1, ((y - ay) * (by - ay) + (x - ax) * (bx - ax)) / ((by - ay) ** 2 + (bx - ax) ** 2)));
  return Math.hypot(y - (ay + t * (by - ay)), x - (ax + t * (bx - ax)));
}

/** The 8-bit layers, (layer, y, x) C order. */
export function makeInkLayers(): Uint8Array {
  const { layers, height, width, papyrus, ink, noise } = INK;
  const mask = inkMask();
  const rng = new Random(INK.seed);
  const data = new Uint8Array(layers * height * width);
  for (let l = 0; l < layers; l++) {
    const base = papyrus.base + papyrus.peak * Math.exp(-(((l - papyrus.centre) / papyrus.width) ** 2));
    const extra = ink.peak * Math.exp(-(((l - ink.centre) / ink.width) ** 2));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const value = base + mask[i]! * extra + noise * rng.normal();
        data[l * height * width + i] = outside(y, x) ? 0 : Math.max(1, Math.min(255, Math.round(value)));
      }
    }
  }
  return data;
}

/** Writes `ink/segment8`, `ink/segment16` and `ink/inklabels.tif`; returns the manifest entry. */
export async function writeInk(out: OutputDir): Promise<Record<string, unknown>> {
  const { layers, height, width, clipValue } = INK;
  const layers8 = makeInkLayers();
  const layers16 = new Uint16Array(layers8.length);
  for (let i = 0; i < layers8.length; i++) layers16[i] = layers8[i]! * 257;
  const plane = height * width;
  for (let l = 0; l < layers; l++) {
    const name = `${String(l).padStart(2, '0')}.tif`;
    await out.write(`ink/segment8/layers/${name}`, encodeTiff({ width, height, pages: [layers8.subarray(l * plane, (l + 1) * plane)] }));
    await out.write(`ink/segment16/layers/${name}`, encodeTiff({ width, height, pages: [layers16.subarray(l * plane, (l + 1) * plane)] }));
  }
  const mask = inkMask();
  const labels = mask.map((v) => v * 255);
  await out.write('ink/inklabels.tif', encodeTiff({ width, height, pages: [labels] }));

  // The per-pixel mean over layers after clip_scale, by region: shows the 0.5 threshold separates ink.
  const ranges = { ink: [Infinity, -Infinity], papyrus: [Infinity, -Infinity], outside: [Infinity, -Infinity] };
  let valid = 0;
  for (let i = 0; i < plane; i++) {
    let sum = 0;
    let any = false;
    for (let l = 0; l < layers; l++) {
      const v = layers8[l * plane + i]!;
      sum += Math.min(v, clipValue) / clipValue;
      any ||= v !== 0;
    }
    if (any) valid++;
    const m = sum / layers;
    const r = !any ? ranges.outside : mask[i] ? ranges.ink : ranges.papyrus;
    r[0] = Math.min(r[0]!, m);
    r[1] = Math.max(r[1]!, m);
  }
  let inkPixels = 0;
  for (const v of mask) inkPixels += v;
  let min = 255;
  let max = 0;
  for (const v of layers8) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    description: 'Ink segment: 26 surface layers with an ink pattern that raises the mean over layers.',
    construction: INK,
    shape: [layers, height, width],
    axes: ['layer', 'y', 'x'],
    segment8: {
      path: 'ink/segment8',
      layers: 'ink/segment8/layers/00.tif … 25.tif',
      dtype: 'uint8',
      min,
      max,
      dataSha256: sha256OfArray(layers8),
    },
    segment16: {
      path: 'ink/segment16',
      layers: 'ink/segment16/layers/00.tif … 25.tif',
      dtype: 'uint16',
      relation: 'value16 = 257 * value8 exactly',
      min: min * 257,
      max: max * 257,
      dataSha256: sha256OfArray(layers16),
    },
    inkLabels: { path: 'ink/inklabels.tif', dtype: 'uint8', values: '255 = ink, 0 = no ink', inkPixels },
    /** Pixels with any non-zero layer (the rest are outside the fragment: 0 in all layers). */
    validPixels: valid,
    clipScaleMeanRanges: {
      note: 'per pixel: mean over the 26 layers of min(v8, 200) / 200',
      ink: ranges.ink,
      papyrus: ranges.papyrus,
      outsideFragment: ranges.outside,
    },
    tiff: 'little-endian, single page, uncompressed, width 128, height 96',
  };
}
