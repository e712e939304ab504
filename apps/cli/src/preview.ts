/**
 * A PNG preview of a result: the three middle slices (axial, coronal, sagittal) of the input in gray
 * with the output mask or probability overlaid in red, side by side.
 */
import sharp from 'sharp';
import { openVolume, toFloat32 } from '@voxelflow/volume-io';

/** Writes the preview of `output` (level 0 of an OME-Zarr) over `input` to `pngPath`. */
export async function writePreview(input: string, output: string, pngPath: string): Promise<void> {
  const vin = await openVolume(input);
  const vout = await openVolume(output);
  const [Z, Y, X] = vin.shape.slice(-3) as [number, number, number];
  const img = toFloat32(await vin.read({ start: vin.shape.map(() => 0), stop: [...vin.shape] }), vin.dtype);
  const out = toFloat32(await vout.read({ start: vout.shape.map(() => 0), stop: [...vout.shape] }), vout.dtype);
  // Gray levels from the input's own range; the output's first channel is the foreground.
  let lo = Infinity;
  let hi = -Infinity;
  const vox = Z * Y * X;
  for (let i = 0; i < vox; i++) {
    lo = Math.min(lo, img[i]!);
    hi = Math.max(hi, img[i]!);
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const outScale = vout.dtype === 'uint8' ? 1 / 255 : 1;
  const panels: [number, number, (r: number, c: number) => number][] = [
    [Y, X, (r, c) => (Math.floor(Z / 2) * Y + r) * X + c],
    [Z, X, (r, c) => (r * Y + Math.floor(Y / 2)) * X + c],
    [Z, Y, (r, c) => (r * Y + c) * X + Math.floor(X / 2)],
  ];
  const height = Math.max(...panels.map((p) => p[0]));
  const gap = 4;
  const width = panels.reduce((w, p) => w + p[1], 0) + gap * (panels.length - 1);
  const rgb = new Uint8Array(width * height * 3);
  let x0 = 0;
  for (const [rows, cols, at] of panels) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = at(r, c);
        const g = (img[i]! - lo) * scale;
        const p = Math.min(1, Math.max(0, out[i]! * outScale));
        const o = (r * width + x0 + c) * 3;
        // Red overlay with the probability as opacity.
        rgb[o] = g * (1 - p) + 255 * p;
        rgb[o + 1] = g * (1 - p);
        rgb[o + 2] = g * (1 - p);
      }
    }
    x0 += cols + gap;
  }
  await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toFile(pngPath);
}
