/**
 * `voxelflow-pick localize`: octopi's localize flags. Turns each run's multilabel segmentation into
 * picks with particles' `localizeProject` (worker threads for `--n-procs` > 1) and prints one line per
 * run. A run that fails is reported on one line and the others still finish. No numerics here.
 */
import { availableParallelism } from 'node:os';
import { errorLine, withSnakeAliases } from '@voxelflow/cli-kit';
import {
  LocalizeRunError,
  checkCopickName,
  formatVoxelSpacing,
  localizeProject,
  openCopickProject,
  resolveLocalizeParameters,
  type LocalizeMethod,
  type LocalizeParameters,
  type RunLocalizeSummary,
} from '@voxelflow/particles';
import type { Argv } from 'yargs';
import { absoluteLocation, splitList } from '../model-set';
import { RunFailuresError, UsageError } from '../usage-error';
import { parseSegInfo } from './segment';

export const localizeFlags = withSnakeAliases({
  config: { type: 'string', alias: 'c', demandOption: true, describe: 'copick config (JSON)' },
  method: { type: 'string', choices: ['watershed', 'com'], default: 'watershed', describe: 'watershed (split touching particles) or com (centre of each connected blob)' },
  'seg-info': { type: 'string', default: 'predict,octopi,1', describe: 'segmentation to read: name,user_id,session_id' },
  'voxel-size': { type: 'number', default: 10, describe: 'voxel size (Å) of the segmentation' },
  'run-ids': { type: 'string', alias: 'runIDs', describe: 'runs to localize, comma-separated (default: all)' },
  'radius-min-scale': { type: 'number', default: 0.5, describe: 'smallest kept particle: a sphere of radius × this' },
  'radius-max-scale': { type: 'number', default: 1.0, describe: 'largest kept particle: a sphere of radius × this (1.2 for labels painted at the full radius)' },
  'filter-size': { type: 'number', default: 10, describe: 'peak-detection window edge in voxels (watershed)' },
  'pick-objects': { type: 'string', describe: 'objects to localize, comma-separated (default: every particle the labels cover)' },
  'n-procs': { type: 'number', describe: 'worker threads (default: the cores, at most one per run)' },
  'pick-session-id': { type: 'string', default: '1', describe: 'session id of the written picks' },
  'pick-user-id': { type: 'string', default: 'octopi', describe: 'user id of the written picks' },
} as const);

function runLine(s: RunLocalizeSummary, segName: string): string {
  if (s.status === 'no-segmentation') return `${s.run}: no segmentation ${segName}, skipped`;
  const objects = s.objects.map((o) => `${o.name} ${o.count}${o.action === 'deleted-stale' ? ' (stale picks removed)' : ''}`);
  return `${s.run}: ${objects.join(', ')} (${s.seconds.toFixed(1)} s)`;
}

export const localizeCommand = {
  command: 'localize',
  describe: 'turn multilabel segmentations into particle picks (watershed or centre of mass)',
  builder: (y: Argv) =>
    y
      .options(localizeFlags)
      .example('$0 localize -c config.json --seg-info predict,octopi,1 --pick-user-id octopi --pick-session-id 1', 'every run, watershed'),
  handler: async (a: Record<string, unknown>) => {
    const seg = parseSegInfo('seg-info', a['seg-info'] as string);
    const voxelSize = a['voxel-size'] as number;
    if (!(voxelSize > 0)) throw new UsageError(`--voxel-size ${String(voxelSize)}: expected a positive number of Å`);
    const parameters: LocalizeParameters = {
      method: a['method'] as LocalizeMethod,
      radiusMinScale: a['radius-min-scale'] as number,
      radiusMaxScale: a['radius-max-scale'] as number,
      filterSize: a['filter-size'] as number,
    };
    const pick = { userId: a['pick-user-id'] as string, sessionId: a['pick-session-id'] as string };
    try {
      resolveLocalizeParameters(parameters);
      checkCopickName('user id', pick.userId);
      checkCopickName('session id', pick.sessionId);
    } catch (err) {
      throw new UsageError(errorLine(err).replace(/^localize: /, ''));
    }
    const nProcsFlag = a['n-procs'] as number | undefined;
    if (nProcsFlag !== undefined && !(Number.isInteger(nProcsFlag) && nProcsFlag >= 1)) throw new UsageError(`--n-procs ${String(nProcsFlag)}: expected an integer ≥ 1`);
    const objects = splitList(a['pick-objects']);

    const project = await openCopickProject(absoluteLocation(a['config'] as string));
    const known = await project.runs();
    const requested = splitList(a['run-ids']);
    const failed: string[] = [];
    let remaining = requested.length > 0 ? requested : known;
    for (const r of remaining) {
      if (!known.includes(r)) {
        process.stderr.write(`voxelflow-pick: localize ${r}: copick project ${project.configPath} has no run '${r}'; runs: ${known.join(', ') || '(none)'}\n`);
        failed.push(r);
      }
    }
    remaining = remaining.filter((r) => known.includes(r));
    const total = remaining.length + failed.length;
    const segName = `${formatVoxelSpacing(voxelSize)}_${seg.userId}_${seg.sessionId}_${seg.name}-multilabel`;
    const done = new Set<string>();
    let labelSource = '';
    let localized = 0;
    const t0 = performance.now();
    // localizeProject stops at the first failing run; the runs it did not finish are handed to it again.
    while (remaining.length > 0) {
      try {
        const result = await localizeProject(project, {
          ...parameters,
          segmentation: { ...seg, voxelSize },
          pick,
          runs: remaining,
          ...(objects.length > 0 ? { objects } : {}),
          nProcs: nProcsFlag ?? availableParallelism(),
          onRun: (s) => {
            done.add(s.run);
            if (s.status === 'done') localized++;
            process.stdout.write(`${runLine(s, segName)}\n`);
          },
        });
        labelSource = result.labelSource;
        break;
      } catch (err) {
        if (!(err instanceof LocalizeRunError)) throw err;
        process.stderr.write(`voxelflow-pick: ${errorLine(err)}\n`);
        failed.push(err.runName);
        remaining = remaining.filter((r) => !done.has(r) && r !== err.runName);
      }
    }
    const source = labelSource === 'segment-log' ? 'the segment log' : labelSource === 'config' ? 'the copick config (no segment log)' : 'the given labels';
    process.stdout.write(
      `localize (${parameters.method}): ${localized} run(s) → picks ${pick.userId}/${pick.sessionId}${labelSource ? `, labels from ${source}` : ''}, in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    if (failed.length > 0) throw new RunFailuresError('localize', failed, total);
  },
};
