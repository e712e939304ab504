/**
 * The reduce step: merge the partitions' accumulators into the prediction image and publish it.
 * Per pixel p = Σ_parts Σ w·p / Σ_parts Σ w (0 where Σ w = 0: pixels whose input is 0 in every layer),
 * clipped to [0, 1] and stored as uint8 ⌊255 · p⌋, as the reference container does. The image goes to
 * `<S3_PATH>/predictions/prediction_<MODEL>_<SS>_<EE>.png` (or OUTPUT_PATH), written atomically
 * through its store; its URI then goes to RESULT_URL_FILE (also atomically). Rows are merged one chunk
 * row at a time, so only the uint8 image is held whole.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ChunkCache, writeImage2D } from '@voxelflow/volume-io';
import type { InkConfig } from './config';
import { PartitionError } from './errors';
import { countPartName, joinUrl, predictionFileName, predictionUrl } from './locations';
import { openPartition, readPartitionRecord, type PartitionArrays, type PartitionRecord } from './partition-store';

/** What reduce produced. */
export interface ReduceResult {
  /** URI of the prediction image (also written to RESULT_URL_FILE). */
  url: string;
  height: number;
  width: number;
  numParts: number;
}

/** Reads and checks every partition's record: all present, complete, and of one run. */
export async function partitionRecords(config: InkConfig, cache: ChunkCache): Promise<PartitionRecord[]> {
  const dir = config.zarrOutputDir;
  const first = await readPartitionRecord(dir, 0, cache);
  const numParts = config.numPartsGiven ? config.numParts : (first?.numParts ?? config.numParts);
  const records: PartitionRecord[] = [];
  for (let id = 0; id < numParts; id++) {
    const r = id === 0 ? first : await readPartitionRecord(dir, id, cache);
    const where = joinUrl(dir, countPartName(id));
    if (r === undefined || !r.complete) {
      throw new PartitionError(
        `partition ${id} of ${numParts} is ${r === undefined ? 'missing' : 'incomplete'} (${where}); run STEP=inference PART_ID=${id} NUM_PARTS=${numParts} with the same ZARR_OUTPUT_DIR first`,
      );
    }
    if (r.numParts !== numParts) {
      throw new PartitionError(`partition ${id} (${where}) was made with NUM_PARTS=${r.numParts}, not ${numParts}; rerun inference for all partitions with one NUM_PARTS`);
    }
    if (r.runKey !== records[0]?.runKey && records.length > 0) {
      throw new PartitionError(`partition ${id} (${where}) comes from a different run than partition 0 (model, layers, tiling or surface volume differ); rerun inference for all partitions`);
    }
    if (r.run.startLayer !== config.startLayer || r.run.endLayer !== config.endLayer) {
      throw new PartitionError(
        `partition ${id} (${where}) holds layers ${r.run.startLayer} … ${r.run.endLayer}, not START_LAYER=${config.startLayer} … END_LAYER=${config.endLayer}; check ZARR_OUTPUT_DIR`,
      );
    }
    records.push(r);
  }
  return records;
}

/**
 * Merges the accumulators of `records` into a uint8 image (H × W) — pure numerics over the arrays.
 * Rows are processed in bands of `rowsPerBand`.
 */
export async function mergePartitions(parts: { record: PartitionRecord; arrays: PartitionArrays }[], height: number, width: number, rowsPerBand: number): Promise<Uint8Array> {
  const image = new Uint8Array(height * width);
  const weighted = new Float64Array(rowsPerBand * width);
  const weights = new Float64Array(rowsPerBand * width);
  for (let y0 = 0; y0 < height; y0 += rowsPerBand) {
    const y1 = Math.min(height, y0 + rowsPerBand);
    weighted.fill(0);
    weights.fill(0);
    for (const { record, arrays } of parts) {
      const a = Math.max(y0, record.yStart);
      const b = Math.min(y1, record.yStop);
      if (b <= a) continue;
      const box = { start: [a, 0], stop: [b, width] };
      const [p, c] = await Promise.all([arrays.pred.read(box), arrays.count.read(box)]);
      const pd = p.data as Float32Array;
      const cd = c.data as Float32Array;
      const off = (a - y0) * width;
      for (let i = 0; i < pd.length; i++) {
        weighted[off + i] = weighted[off + i]! + pd[i]!;
        weights[off + i] = weights[off + i]! + cd[i]!;
      }
    }
    const out = y0 * width;
    const n = (y1 - y0) * width;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (w <= 0) continue; // image is 0 already: no valid input here
      const p = weighted[i]! / w;
      image[out + i] = p <= 0 ? 0 : p >= 1 ? 255 : Math.floor(255 * p);
    }
  }
  return image;
}

/** Writes `text` to a local file atomically (temp file + rename), creating its folder. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Removes the result file so a failed run can never leave an older URI behind as if it had succeeded. */
export async function clearResultFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** The reduce step: checks the partitions, merges them, uploads the image, writes RESULT_URL_FILE. */
export async function reducePartitions(config: InkConfig, modelLabel: string): Promise<ReduceResult> {
  const cache = new ChunkCache({ maxBytes: 64 * 1024 * 1024 });
  const records = await partitionRecords(config, cache);
  const { height, width } = records[0]!;
  const parts = await Promise.all(records.map(async (record) => ({ record, arrays: await openPartition(config.zarrOutputDir, record.partId, cache) })));
  const rowsPerBand = parts[0]!.arrays.count.chunkShape[0]!;
  const image = await mergePartitions(parts, height, width, rowsPerBand);
  const url = predictionUrl(config.s3Path, predictionFileName(modelLabel, config.startLayer, config.endLayer, config.outputFormat), config.outputPath);
  await writeImage2D(url, { data: image, shape: [height, width], dtype: 'uint8' }, { format: config.outputFormat });
  await writeFileAtomic(config.resultUrlFile, url);
  return { url, height, width, numParts: records.length };
}
