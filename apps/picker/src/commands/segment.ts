/**
 * `voxelflow-pick segment`: octopi's segment flags. Builds the settings, checks the runs, writes the
 * segment log, then segments in this process or in one child process per GPU. No numerics here.
 */
import { availableParallelism } from 'node:os';
import { ProgressDisplay, errorLine, parseNumberList, withSnakeAliases } from '@voxelflow/cli-kit';
import type { NormalizationScheme } from '@voxelflow/inference';
import { checkCopickName, openCopickProject, writeSegmentationLog, type SegmentationInfo } from '@voxelflow/particles';
import type { Argv } from 'yargs';
import { dealRuns, runGpuChildren, type GpuShare } from '../gpu-children';
import { absoluteLocation, loadModelSet, splitList } from '../model-set';
import { planRuns, segmentRunsInProcess, type NgffVersion, type SegmentReporter, type SegmentSettings } from '../segment-runs';
import { RunFailuresError, UsageError } from '../usage-error';

/** `--normalization` values: octopi's whole-tomogram z-score, or raw intensities. */
const NORMALIZATIONS: Record<string, NormalizationScheme> = { zscore: 'global_zscore', none: 'none' };

export const segmentFlags = withSnakeAliases({
  config: { type: 'string', alias: 'c', demandOption: true, describe: 'copick config (JSON)' },
  'model-config': { type: 'string', demandOption: true, describe: 'model config(s), YAML or JSON, comma-separated for an ensemble (one config serves all weights)' },
  'model-weights': { type: 'string', describe: 'ONNX file(s), comma-separated, in --model-config order (default: each config’s "onnx")' },
  'voxel-size': { type: 'number', default: 10, describe: 'voxel size (Å) of the tomograms' },
  'tomo-alg': { type: 'string', default: 'wbp', describe: 'tomogram type (reconstruction algorithm), e.g. wbp, denoised' },
  'seg-info': { type: 'string', default: 'predict,octopi,1', describe: 'output segmentation: name,user_id,session_id' },
  'run-ids': { type: 'string', alias: 'runIDs', describe: 'runs to segment, comma-separated (default: all)' },
  'tomo-batch-size': { type: 'number', default: 1, describe: 'tomograms segmented at the same time in one process' },
  ntta: { type: 'number', default: 4, describe: 'test-time transforms of octopi’s list, 1–8' },
  overlap: { type: 'number', default: 0.5, describe: 'overlap of neighbouring patches, [0, 1)' },
  'sw-batch-size': { type: 'number', alias: 'sliding-window-batch-size', default: 4, describe: 'patches per model call' },
  normalization: { type: 'string', choices: Object.keys(NORMALIZATIONS), default: 'zscore', describe: 'zscore: over the whole tomogram (octopi); none: raw values' },
  gpus: { type: 'string', describe: 'N (GPUs 0…N−1) or a list of ids (0,2): one process per GPU, runs dealt round-robin' },
  device: { type: 'string', describe: 'cpu, cuda, cuda:N (default cpu; cuda in --gpus processes)' },
  threads: { type: 'number', describe: 'threads per model session (default: the runtime’s; cores ÷ processes with --gpus, cores ÷ --tomo-batch-size)' },
  ngff: { type: 'string', choices: ['0.4', '0.5'], default: '0.4', describe: 'segmentation format: 0.4 (Zarr v2, copick 1.x) or 0.5 (Zarr v3)' },
  quiet: { type: 'boolean', default: false, describe: 'no progress output' },
  worker: { type: 'boolean', default: false, hidden: true, describe: 'a --gpus child: plain progress, no segment log' },
} as const);

/** `--seg-info name,user,session` (copick names). */
export function parseSegInfo(flag: string, value: string): SegmentationInfo {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 3 || parts.some((p) => p === '')) throw new UsageError(`--${flag} ${value}: expected name,user_id,session_id, e.g. predict,octopi,1`);
  const [name, userId, sessionId] = parts as [string, string, string];
  try {
    checkCopickName('segmentation name', name);
    checkCopickName('user id', userId);
    checkCopickName('session id', sessionId);
  } catch (err) {
    throw new UsageError(`--${flag}: ${errorLine(err)}`);
  }
  return { name, userId, sessionId };
}

/** `--gpus 2` → GPUs 0 and 1; `--gpus 0,2` → those ids; nothing or 0 → no GPU processes. */
export function parseGpus(value: string | undefined): number[] {
  if (value === undefined || value.trim() === '') return [];
  const nums = parseNumberList('gpus', value)!;
  if (nums.some((n) => !Number.isInteger(n) || n < 0)) throw new UsageError(`--gpus ${value}: expected a GPU count (2) or GPU ids (0,1)`);
  if (value.includes(',')) return [...new Set(nums)];
  return Array.from({ length: nums[0]! }, (_, i) => i);
}

function positiveInteger(flag: string, v: unknown, max = Infinity): number {
  const n = v as number;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${flag} ${String(v)}: expected an integer${max < Infinity ? ` from 1 to ${max}` : ' ≥ 1'}`);
  return n;
}

export const segmentCommand = {
  command: 'segment',
  describe: 'run a model (or ensemble) over each run’s tomogram and write multilabel segmentations',
  builder: (y: Argv) =>
    y
      .options(segmentFlags)
      .example('$0 segment -c config.json --model-config model.yaml --model-weights model.onnx --seg-info predict,octopi,1', 'every run, on the CPU')
      .example('$0 segment -c config.json --model-config m.yaml --model-weights a.onnx,b.onnx --gpus 2', 'an ensemble of two, one process per GPU'),
  handler: async (a: Record<string, unknown>) => {
    const worker = a['worker'] as boolean;
    const quiet = a['quiet'] as boolean;
    const gpus = parseGpus(a['gpus'] as string | undefined);
    const normalizationFlag = a['normalization'] as string;
    const voxelSize = a['voxel-size'] as number;
    if (!(voxelSize > 0)) throw new UsageError(`--voxel-size ${String(voxelSize)}: expected a positive number of Å`);
    const settingsBase = {
      voxelSize,
      tomoAlg: a['tomo-alg'] as string,
      seg: parseSegInfo('seg-info', a['seg-info'] as string),
      overlap: a['overlap'] as number,
      ntta: positiveInteger('ntta', a['ntta'], 8),
      normalization: NORMALIZATIONS[normalizationFlag]!,
      swBatchSize: positiveInteger('sw-batch-size', a['sw-batch-size']),
      tomoBatchSize: positiveInteger('tomo-batch-size', a['tomo-batch-size']),
      ngff: a['ngff'] as NgffVersion,
    };
    if (!(settingsBase.overlap >= 0 && settingsBase.overlap < 1)) throw new UsageError(`--overlap ${String(a['overlap'])}: expected a fraction in [0, 1), e.g. 0.5`);
    const threadsFlag = a['threads'] as number | undefined;
    if (threadsFlag !== undefined) positiveInteger('threads', threadsFlag);
    const configPath = absoluteLocation(a['config'] as string);
    const requested = splitList(a['run-ids']);

    const project = await openCopickProject(configPath);
    const models = await loadModelSet(a['model-config'], a['model-weights']);
    const settings: SegmentSettings = {
      ...settingsBase,
      models,
      device: (a['device'] as string | undefined) ?? 'cpu',
    };
    // Sessions running side by side share the cores rather than each claiming all of them (measured:
    // two all-core sessions on 2 cores ran 3× slower than two 1-thread ones).
    const threads = threadsFlag ?? (settings.tomoBatchSize > 1 ? Math.max(1, Math.floor(availableParallelism() / settings.tomoBatchSize)) : undefined);
    if (threads !== undefined) settings.threads = threads;

    const tty = Boolean(process.stderr.isTTY) && !quiet && !worker;
    const display = new ProgressDisplay({ quiet, plain: worker });
    const report: SegmentReporter = {
      info: (line) => (tty ? display.log(line) : process.stdout.write(`${line}\n`)),
      error: (line) => {
        if (tty) display.log(`voxelflow-pick: ${line}`);
        else process.stderr.write(`voxelflow-pick: ${line}\n`);
      },
      progress: (run) => (e) => display.update(e, run),
    };
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const plan = await planRuns(project, requested.length > 0 ? requested : undefined, voxelSize, settings.tomoAlg, report);
      const total = plan.runs.length + plan.failed.length;
      if (plan.runs.length > 0 && !worker) {
        const logUrl = await writeSegmentationLog(project, {
          inputs: { config: configPath, tomo_alg: settings.tomoAlg, voxel_size: voxelSize },
          model: { configs: models.configPaths, weights: models.onnx },
          labels: models.labels,
          parameters: { sw_bs: settings.swBatchSize, overlap: settings.overlap, ntta: settings.ntta, normalization: normalizationFlag },
          outputs: { seg_name: settings.seg.name, seg_user_id: settings.seg.userId, seg_session_id: settings.seg.sessionId },
        });
        report.info(`segment log → ${logUrl}`);
      }

      if (gpus.length > 0 && plan.runs.length > 0) {
        const shares = dealRuns(plan.runs.map((r) => r.name), gpus);
        const childThreads = threadsFlag ?? Math.max(1, Math.floor(availableParallelism() / shares.length));
        const device = (a['device'] as string | undefined) ?? 'cuda';
        const argsFor = (share: GpuShare): string[] => [
          'segment',
          '--config', configPath,
          '--model-config', models.configPaths.join(','),
          '--model-weights', models.onnx.join(','),
          '--voxel-size', String(voxelSize),
          '--tomo-alg', settings.tomoAlg,
          '--seg-info', `${settings.seg.name},${settings.seg.userId},${settings.seg.sessionId}`,
          '--run-ids', share.runs.join(','),
          '--tomo-batch-size', String(settings.tomoBatchSize),
          '--ntta', String(settings.ntta),
          '--overlap', String(settings.overlap),
          '--sw-batch-size', String(settings.swBatchSize),
          '--normalization', normalizationFlag,
          '--ngff', settings.ngff,
          '--device', device,
          '--threads', String(childThreads),
          '--worker',
          ...(quiet ? ['--quiet'] : []),
        ];
        const results = await runGpuChildren(shares, argsFor, { signal: controller.signal });
        const bad = results.filter((r) => r.code !== 0);
        for (const r of bad) report.error(`segment: the GPU ${r.gpu} process (runs ${r.runs.join(', ')}) exited with code ${r.code}`);
        if (bad.length > 0 || plan.failed.length > 0) {
          const failed = [...plan.failed, ...bad.flatMap((r) => r.runs)];
          throw new RunFailuresError(
            'segment',
            failed,
            total,
            `segment: ${plan.failed.length} run(s) skipped, ${bad.length} of ${results.length} GPU process(es) failed; see the lines above`,
          );
        }
        return;
      }

      const failed = [...plan.failed, ...(await segmentRunsInProcess(project, plan.runs, settings, report, controller.signal))];
      display.stop();
      if (failed.length > 0) throw new RunFailuresError('segment', failed, total);
    } finally {
      display.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
