/**
 * One invocation of the container: the step STEP names, or (STEP unset) prepare → the inference of
 * every partition in this process → reduce. Partitions of a distributed run are separate invocations
 * with STEP=inference and their own PART_ID; they share SURFACE_VOLUME_ZARR and ZARR_OUTPUT_DIR.
 */
import { ProgressDisplay, type ProgressLike } from '@voxelflow/cli-kit';
import { ChunkCache } from '@voxelflow/volume-io';
import type { InkConfig } from './config';
import { checkChannels, loadInkModel, type InkModel } from './ink-model';
import { runInferencePart, type PartProgress, type PartResult } from './infer-part';
import { loadModelTable, locateModel } from './model-table';
import { clearResultFile, reducePartitions, type ReduceResult } from './reduce';
import { openSurfaceVolume, prepareSurfaceVolume, type SurfaceVolumeRecord } from './surface-volume';

/** What an invocation did, step by step. */
export interface InkRunResult {
  prepared?: SurfaceVolumeRecord;
  parts: PartResult[];
  reduced?: ReduceResult;
}

/** Options of {@link runInk}. */
export interface RunInkOptions {
  /** Where progress and messages go (default: stderr; bars on a TTY, plain lines otherwise). */
  display?: ProgressDisplay;
}

function progressEvent(phase: string, done: number, total: number, skipped: number, elapsedSeconds: number, unit: string): ProgressLike {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const etaSeconds = rate > 0 ? (total - done) / rate : undefined;
  return { phase, done, total, skipped, elapsedSeconds, rate, unit, ...(etaSeconds !== undefined ? { etaSeconds } : {}) };
}

/** Runs the partitions `partIds` with one loaded model. */
async function inferParts(config: InkConfig, model: InkModel, partIds: number[], display: ProgressDisplay): Promise<PartResult[]> {
  const cache = new ChunkCache({ maxBytes: 64 * 1024 * 1024 });
  const surface = await openSurfaceVolume(config, cache);
  checkChannels(model, surface.layers, `surface volume ${config.surfaceVolumeZarr}`);
  const results: PartResult[] = [];
  for (const partId of partIds) {
    const label = `inference part ${partId}/${config.numParts}`;
    const onProgress = (p: PartProgress): void =>
      display.update(progressEvent(label, p.done, p.total, p.skipped, p.elapsedSeconds, 'tiles'), label);
    const result = await runInferencePart(config, model, surface, partId, onProgress);
    const s = result.record.stats;
    display.log(
      result.reused
        ? `voxelflow-ink: ${label}: already complete in ${config.zarrOutputDir}, reused`
        : `voxelflow-ink: ${label}: ${s?.tiles ?? 0} tiles (${s?.skippedTiles ?? 0} empty skipped) in ${(s?.seconds ?? 0).toFixed(2)} s, ${(s?.tilesPerSecond ?? 0).toFixed(1)} tiles/s`,
    );
    results.push(result);
  }
  return results;
}

async function prepare(config: InkConfig, display: ProgressDisplay): Promise<SurfaceVolumeRecord> {
  const t0 = Date.now();
  const record = await prepareSurfaceVolume(config, (done, total) =>
    display.update(progressEvent('prepare', done, total, 0, (Date.now() - t0) / 1000, 'layers'), 'prepare'),
  );
  display.log(`voxelflow-ink: prepare: ${record.shape.join(' × ')} surface volume written to ${config.surfaceVolumeZarr}`);
  return record;
}

async function reduce(config: InkConfig, display: ProgressDisplay): Promise<ReduceResult> {
  const label = locateModel(config.model, loadModelTable(config.modelTable)).label;
  const result = await reducePartitions(config, label);
  display.log(`voxelflow-ink: reduce: ${result.numParts} partition(s) → ${result.url} (URI in ${config.resultUrlFile})`);
  return result;
}

/** Runs the invocation `config` describes; see the module comment. */
export async function runInk(config: InkConfig, options: RunInkOptions = {}): Promise<InkRunResult> {
  const display = options.display ?? new ProgressDisplay();
  if (config.cudaVisibleDevices !== undefined) process.env['CUDA_VISIBLE_DEVICES'] = config.cudaVisibleDevices;
  if (config.hfToken !== undefined) process.env['HF_TOKEN'] = config.hfToken;
  const result: InkRunResult = { parts: [] };
  try {
    switch (config.step) {
      case 'validate': {
        const model = await loadInkModel(config);
        display.log(`voxelflow-ink: model ${model.location.label} (${model.location.source}, sha256 ${model.resolved.sha256.slice(0, 12)}) takes ${model.layers} layers of ${model.tile}×${model.tile}: OK`);
        await model.backend.dispose();
        break;
      }
      case 'prepare':
        result.prepared = await prepare(config, display);
        break;
      case 'inference': {
        const model = await loadInkModel(config);
        try {
          result.parts = await inferParts(config, model, [config.partId], display);
        } finally {
          await model.backend.dispose();
        }
        break;
      }
      case 'reduce':
        await clearResultFile(config.resultUrlFile);
        result.reduced = await reduce(config, display);
        break;
      case 'all': {
        await clearResultFile(config.resultUrlFile);
        // The model first: a wrong MODEL or layer range fails before any data is read.
        const model = await loadInkModel(config);
        try {
          result.prepared = await prepare(config, display);
          result.parts = await inferParts(config, model, Array.from({ length: config.numParts }, (_, i) => i), display);
        } finally {
          await model.backend.dispose();
        }
        result.reduced = await reduce(config, display);
        break;
      }
    }
  } finally {
    display.stop();
  }
  return result;
}
