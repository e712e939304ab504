/**
 * `segment` over a copick project: check the requested runs up front (unknown run ids and runs without
 * the tomogram are reported and dropped, as octopi drops them), then segment the rest one tomogram at
 * a time (or `tomoBatchSize` at a time) in this process, writing each label map as a multilabel
 * segmentation. A failing run is reported on one line and the others still finish.
 */
import { errorLine } from '@voxelflow/cli-kit';
import type { NormalizationScheme, ProgressCallback } from '@voxelflow/inference';
import type { CopickProject, SegmentationInfo, WriteSegmentationOptions } from '@voxelflow/particles';
import type { ModelSet } from './model-set';
import { segmentTomogram } from './segment-tomogram';

/** OME-NGFF version of the written segmentations: '0.4' (Zarr v2, copick 1.x) or '0.5' (Zarr v3). */
export type NgffVersion = NonNullable<WriteSegmentationOptions['ngffVersion']>;

/** Everything `segment` does to each run. */
export interface SegmentSettings {
  voxelSize: number;
  tomoAlg: string;
  /** Where the label maps go: name, user, session. */
  seg: SegmentationInfo;
  models: ModelSet;
  overlap: number;
  ntta: number;
  normalization: NormalizationScheme;
  swBatchSize: number;
  device: string;
  threads?: number;
  ngff: NgffVersion;
  /** Runs segmented at the same time in this process. */
  tomoBatchSize: number;
}

/** A run that passed the up-front checks, with its tomogram. */
export interface PlannedRun {
  name: string;
  tomogramUrl: string;
}

/** Where `segment` reports: result lines (stdout), one-line errors, progress. */
export interface SegmentReporter {
  info(line: string): void;
  error(line: string): void;
  progress?(run: string): ProgressCallback;
}

/**
 * The runs to segment: `requested` (default: every run of the project) that exist and have the
 * tomogram `tomoAlg` at `voxelSize`. Every other run is reported through `report.error` and listed in
 * `failed`.
 */
export async function planRuns(
  project: CopickProject,
  requested: readonly string[] | undefined,
  voxelSize: number,
  tomoAlg: string,
  report: SegmentReporter,
): Promise<{ runs: PlannedRun[]; failed: string[] }> {
  const names = requested && requested.length > 0 ? requested : await project.runs();
  const runs: PlannedRun[] = [];
  const failed: string[] = [];
  for (const name of names) {
    try {
      const run = await project.getRun(name);
      runs.push({ name, tomogramUrl: await run.tomogramUrl(voxelSize, tomoAlg) });
    } catch (err) {
      report.error(`segment ${name}: ${errorLine(err)}`);
      failed.push(name);
    }
  }
  return { runs, failed };
}

/** Segments one planned run and writes its segmentation; returns the segmentation's URL. */
export async function segmentCopickRun(
  project: CopickProject,
  planned: PlannedRun,
  settings: SegmentSettings,
  report: SegmentReporter,
  signal?: AbortSignal,
): Promise<string> {
  const { models } = settings;
  const seg = await segmentTomogram({
    input: planned.tomogramUrl,
    models: models.onnx,
    patchSize: models.patchSize,
    numClasses: models.numClasses,
    overlap: settings.overlap,
    ntta: settings.ntta,
    normalization: settings.normalization,
    swBatchSize: settings.swBatchSize,
    device: settings.device,
    threads: settings.threads,
    onProgress: report.progress?.(planned.name),
    signal,
  });
  const url = await project.run(planned.name).writeSegmentation({
    voxelSize: settings.voxelSize,
    name: settings.seg.name,
    userId: settings.seg.userId,
    sessionId: settings.seg.sessionId,
    multilabel: true,
    data: seg.labels,
    shape: seg.shape,
    ngffVersion: settings.ngff,
  });
  const r = seg.result;
  report.info(
    `${planned.name}: ${seg.shape.join('×')} voxels, ${r.patches} patches × ${settings.ntta} TTA × ${models.onnx.length} model${models.onnx.length === 1 ? '' : 's'} in ${r.seconds.toFixed(1)} s → ${url}`,
  );
  return url;
}

/**
 * Segments `runs` in this process, `settings.tomoBatchSize` at a time. Returns the names of the runs
 * that failed (each reported on one line).
 */
export async function segmentRunsInProcess(
  project: CopickProject,
  runs: readonly PlannedRun[],
  settings: SegmentSettings,
  report: SegmentReporter,
  signal?: AbortSignal,
): Promise<string[]> {
  const failed: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < runs.length) {
      const planned = runs[next++]!;
      if (signal?.aborted) {
        failed.push(planned.name);
        continue;
      }
      try {
        await segmentCopickRun(project, planned, settings, report, signal);
      } catch (err) {
        report.error(`segment ${planned.name}: ${errorLine(err)}`);
        failed.push(planned.name);
      }
    }
  };
  const lanes = Math.max(1, Math.min(settings.tomoBatchSize, runs.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return failed;
}
