/**
 * The inference step of one partition: tiles of TILE_SIZE every STRIDE over the image (the reference
 * container's grid: a last tile flush with each edge), this partition's band of tile rows only
 * (`rowBandForPart`), in batches of BATCH_SIZE. Per tile, as the reference does: the layers as
 * `(1, C, T, T)` normalized per the model card, the model, sigmoid, bilinear resize of the output to
 * the tile, and a weighted add into Σ w·p and Σ w for the pixels whose input is non-zero in some layer.
 * The weights are the border-safe Hann window of `blend-window.ts`. Tiles with no valid pixel are not
 * run at all (they would add nothing). Finished rows go to the partition's Zarrs as they complete.
 */
import { performance } from 'node:perf_hooks';
import { normalizeInPlace } from '@voxelflow/normalization';
import { rowBandForPart, tileGrid2D } from '@voxelflow/tiling';
import { ChunkCache, float16ToFloat32, float32ToFloat16 } from '@voxelflow/volume-io';
import { axisResample, resizeBilinear, type AxisResample } from './bilinear-upsample';
import { blendWeights2D } from './blend-window';
import type { InkConfig } from './config';
import { UnsupportedInkModelError } from './errors';
import { normalizationTable, type InkModel } from './ink-model';
import { LayerWindow } from './layer-window';
import { completePartition, createPartition, readPartitionRecord, runKeyOf, type PartitionRecord, type PartitionRunSettings } from './partition-store';
import { RollingAccumulator } from './rolling-accumulator';
import type { SurfaceVolume } from './surface-volume';

/** How the blend and resize are done; recorded with every partition. */
export const BLEND_DESCRIPTION = 'hann(T+2)[1:-1] outer product, probabilities, valid pixels only';
export const UPSAMPLE_DESCRIPTION = 'sigmoid then bilinear (align_corners=False)';

/** Progress of one partition, in tiles. */
export interface PartProgress {
  partId: number;
  done: number;
  total: number;
  skipped: number;
  elapsedSeconds: number;
}

/** What one partition did. */
export interface PartResult {
  record: PartitionRecord;
  /** True when a complete partition of the same run was already there and nothing was computed. */
  reused: boolean;
}

/** The settings every partition of this run shares. */
export function runSettings(config: InkConfig, model: InkModel, surface: SurfaceVolume): PartitionRunSettings {
  return {
    model: { label: model.location.label, source: model.location.source, sha256: model.resolved.sha256, modelType: config.modelType },
    startLayer: config.startLayer,
    endLayer: config.endLayer,
    surfaceVolume: config.surfaceVolumeZarr,
    surfaceVolumeRunId: surface.record?.runId,
    tileSize: config.tileSize,
    stride: config.stride,
    numParts: config.numParts,
    normalization: model.normalization,
    activation: model.activation,
    forceReverse: config.forceReverse,
    blend: BLEND_DESCRIPTION,
    upsample: UPSAMPLE_DESCRIPTION,
  };
}

/** Runs partition `partId` of `config.numParts` and writes its accumulators to ZARR_OUTPUT_DIR. */
export async function runInferencePart(
  config: InkConfig,
  model: InkModel,
  surface: SurfaceVolume,
  partId: number,
  onProgress?: (p: PartProgress) => void,
): Promise<PartResult> {
  const T = model.tile;
  const C = surface.layers;
  const { height: H, width: W } = surface;
  const grid = tileGrid2D(H, W, T, config.stride);
  const band = rowBandForPart(config.numParts, partId, grid);
  const settings = runSettings(config, model, surface);
  const runKey = runKeyOf(settings);
  const cache = new ChunkCache({ maxBytes: 32 * 1024 * 1024 });

  const existing = await readPartitionRecord(config.zarrOutputDir, partId, cache);
  if (existing?.complete && existing.runKey === runKey && existing.partId === partId) return { record: existing, reused: true };

  const record: PartitionRecord = {
    complete: false,
    partId,
    numParts: config.numParts,
    height: H,
    width: W,
    yStart: band.yStart,
    yStop: band.yStop,
    runKey,
    run: settings,
  };
  const arrays = await createPartition(config.zarrOutputDir, record, config.chunkSize, config.useZarrCompression, cache);
  const nx = grid.xs.length;
  const total = (band.rowStop - band.rowStart) * nx;
  const t0 = performance.now();
  let done = 0;
  let skipped = 0;
  let batches = 0;
  let modelSeconds = 0;

  if (total > 0) {
    const B = config.batchSize;
    const TT = T * T;
    const tileValues = C * TT;
    const window = new LayerWindow(surface.volume, { layerStart: surface.layerStart, layers: C, maxRows: T });
    const flushRows = arrays.count.chunkShape[0]!;
    const acc = new RollingAccumulator(
      {
        width: W,
        yStart: band.yStart,
        yStop: band.yStop,
        // The unflushed part of a chunk row, one tile, and the rows a full batch spans.
        capacity: flushRows + T + config.stride * (Math.ceil(B / nx) + 1),
        flushRows,
      },
      async (y0, y1, weighted, weights) => {
        const box = { start: [y0, 0], stop: [y1, W] };
        await arrays.pred.write(box, { data: weighted, shape: [y1 - y0, W], dtype: 'float32' });
        await arrays.count.write(box, { data: weights, shape: [y1 - y0, W], dtype: 'float32' });
      },
    );
    const lut = normalizationTable(model.normalization);
    const zero = lut ? lut[0]! : 0;
    const weights = blendWeights2D(T);
    const input = new Float32Array(B * tileValues);
    const input16 = model.backend.inputs[0]!.dtype === 'float16' ? new Uint16Array(B * tileValues) : undefined;
    const validMask = new Uint8Array(B * TT);
    const tileY = new Int32Array(B);
    const tileX = new Int32Array(B);
    const tileProb = new Float32Array(TT);
    let resize: { h: number; w: number; ry: AxisResample; rx: AxisResample; rows: Float32Array } | undefined;
    let n = 0;

    const runBatch = async (): Promise<void> => {
      if (n === 0) return;
      const shape = [n, 1, C, T, T];
      const batchInput = input.subarray(0, n * tileValues);
      const tRun = performance.now();
      const result = await model.backend.run(
        input16
          ? { dtype: 'float16', data: float32ToFloat16(batchInput, input16.subarray(0, n * tileValues)), shape }
          : { dtype: 'float32', data: batchInput, shape },
      );
      modelSeconds += (performance.now() - tRun) / 1000;
      const out = result.dtype === 'float16' ? float16ToFloat32(result.data as Uint16Array) : (result.data as Float32Array);
      const [on, oc, oh, ow] = result.shape as [number, number, number, number];
      if (result.shape.length !== 4 || on !== n || oc !== 1) {
        throw new UnsupportedInkModelError(`model ${model.location.label} returned shape [${result.shape.join(', ')}] for ${n} tiles; expected [${n}, 1, h, w]`);
      }
      if (resize === undefined || resize.h !== oh || resize.w !== ow) {
        resize = { h: oh, w: ow, ry: axisResample(oh, T), rx: axisResample(ow, T), rows: new Float32Array(oh * T) };
      }
      const plane = oh * ow;
      if (model.activation === 'sigmoid') {
        for (let i = 0; i < n * plane; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
      }
      for (let b = 0; b < n; b++) {
        resizeBilinear(out, b * plane, resize.ry, resize.rx, resize.rows, tileProb);
        const y0 = tileY[b]!;
        const x0 = tileX[b]!;
        const cols = Math.min(T, W - x0);
        const rows = Math.min(T, H - y0);
        const wsum = acc.weightedSum;
        const wcnt = acc.weightSum;
        for (let ty = 0; ty < rows; ty++) {
          const a = acc.rowOffset(y0 + ty) + x0;
          const t = ty * T;
          const v = b * TT + t;
          for (let tx = 0; tx < cols; tx++) {
            // valid is 0 or 1: invalid pixels add exactly nothing.
            const w = weights[t + tx]! * validMask[v + tx]!;
            wsum[a + tx] = wsum[a + tx]! + w * tileProb[t + tx]!;
            wcnt[a + tx] = wcnt[a + tx]! + w;
          }
        }
      }
      done += n;
      batches++;
      n = 0;
      onProgress?.({ partId, done: done + skipped, total, skipped, elapsedSeconds: (performance.now() - t0) / 1000 });
    };

    for (let r = band.rowStart; r < band.rowStop; r++) {
      const y0 = grid.ys[r]!;
      const rows = Math.min(T, H - y0);
      await window.ensure(y0, y0 + T);
      // Rows before this tile row get nothing more once the pending batch has run.
      if (Math.min(y0 + T, band.yStop) > acc.rowStart + acc.heldRows) {
        await runBatch();
        await acc.release(y0);
      }
      const rowBase = (y0 - window.rowStart) * W;
      for (let c = 0; c < nx; c++) {
        const x0 = grid.xs[c]!;
        const cols = Math.min(T, W - x0);
        // The validity of the tile's pixels (0 outside the image), and whether any is valid.
        const vBase = n * TT;
        validMask.fill(0, vBase, vBase + TT);
        let any = 0;
        for (let ty = 0; ty < rows; ty++) {
          const src = rowBase + ty * W + x0;
          const dst = vBase + ty * T;
          for (let tx = 0; tx < cols; tx++) {
            const v = window.valid[src + tx]!;
            validMask[dst + tx] = v;
            any |= v;
          }
        }
        if (any === 0) {
          skipped++;
          continue;
        }
        // The tile's layers as (C, T, T), zero-padded past the image edge as the reference reads them.
        const base = n * tileValues;
        for (let l = 0; l < C; l++) {
          const p = window.planes[config.forceReverse ? C - 1 - l : l]!;
          const lBase = base + l * TT;
          for (let ty = 0; ty < T; ty++) {
            const o = lBase + ty * T;
            if (ty >= rows) {
              input.fill(zero, o, o + T);
              continue;
            }
            const src = rowBase + ty * W + x0;
            if (lut) for (let tx = 0; tx < cols; tx++) input[o + tx] = lut[p[src + tx]!]!;
            else for (let tx = 0; tx < cols; tx++) input[o + tx] = p[src + tx]!;
            if (cols < T) input.fill(zero, o + cols, o + T);
          }
        }
        if (!lut) normalizeInPlace(input.subarray(base, base + tileValues), model.normalization);
        tileY[n] = y0;
        tileX[n] = x0;
        n++;
        if (n === B) {
          await runBatch();
          await acc.release(y0);
        }
      }
    }
    await runBatch();
    await acc.finish();
  }

  const seconds = (performance.now() - t0) / 1000;
  const finished: PartitionRecord = {
    ...record,
    complete: true,
    stats: { tiles: done, skippedTiles: skipped, batches, seconds, modelSeconds, tilesPerSecond: seconds > 0 ? done / seconds : 0 },
  };
  await completePartition(arrays, finished);
  onProgress?.({ partId, done: total, total, skipped, elapsedSeconds: seconds });
  return { record: finished, reused: false };
}
