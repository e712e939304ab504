/**
 * `voxelflow-pick evaluate`: octopi's evaluate flags, scoring with the CZII Kaggle metric by default
 * (or octopi's). Prints the metrics table and writes `metrics.json` and `average_metrics.yaml`. A run
 * whose picks cannot be read is reported on one line and left out; the others are still scored.
 */
import { errorLine, withSnakeAliases } from '@voxelflow/cli-kit';
import {
  checkCopickName,
  evaluateProject,
  evaluateRun,
  evaluationObjects,
  formatMetricsTable,
  openCopickProject,
  resolveEvaluateOptions,
  writeEvaluationReport,
  type EvaluateProjectOptions,
  type MetricVariant,
} from '@voxelflow/particles';
import type { Argv } from 'yargs';
import { absoluteLocation, splitList } from '../model-set';
import { RunFailuresError, UsageError } from '../usage-error';

export const evaluateFlags = withSnakeAliases({
  config: { type: 'string', alias: 'c', demandOption: true, describe: 'copick config (JSON)' },
  'ground-truth-user-id': { type: 'string', demandOption: true, describe: 'user id of the ground-truth picks' },
  'ground-truth-session-id': { type: 'string', demandOption: true, describe: 'session id of the ground-truth picks' },
  'predict-user-id': { type: 'string', default: 'octopi', describe: 'user id of the predicted picks' },
  'predict-session-id': { type: 'string', default: '1', describe: 'session id of the predicted picks' },
  'save-path': { type: 'string', default: 'scores', describe: 'folder for metrics.json and average_metrics.yaml' },
  'distance-scale': { type: 'number', describe: 'match threshold = radius × this (default 0.5 kaggle, 0.8 octopi)' },
  beta: { type: 'number', default: 4, describe: 'F-beta’s beta (4: recall weighs 16× precision)' },
  metric: { type: 'string', choices: ['kaggle', 'octopi'], default: 'kaggle', describe: 'kaggle: the CZII competition metric; octopi: octopi’s evaluate' },
  'run-ids': { type: 'string', alias: 'runIDs', describe: 'runs to score, comma-separated (default: all)' },
  'object-names': { type: 'string', describe: 'objects to score, comma-separated (default: every particle object)' },
} as const);

export const evaluateCommand = {
  command: 'evaluate',
  describe: 'score predicted picks against ground truth (F-beta) and write metrics.json',
  builder: (y: Argv) =>
    y
      .options(evaluateFlags)
      .example('$0 evaluate -c config.json --ground-truth-user-id curation --ground-truth-session-id 0 --save-path scores', 'Kaggle metric, octopi/1 picks'),
  handler: async (a: Record<string, unknown>) => {
    const options: EvaluateProjectOptions = {
      groundTruth: { userId: a['ground-truth-user-id'] as string, sessionId: a['ground-truth-session-id'] as string },
      predicted: { userId: a['predict-user-id'] as string, sessionId: a['predict-session-id'] as string },
      metric: a['metric'] as MetricVariant,
      beta: a['beta'] as number,
      ...(a['distance-scale'] !== undefined ? { distanceScale: a['distance-scale'] as number } : {}),
    };
    try {
      resolveEvaluateOptions(options);
      for (const src of [options.groundTruth, options.predicted]) {
        checkCopickName('user id', src.userId);
        checkCopickName('session id', src.sessionId);
      }
    } catch (err) {
      throw new UsageError(errorLine(err).replace(/^evaluate: /, ''));
    }
    const project = await openCopickProject(absoluteLocation(a['config'] as string));
    const objectNames = splitList(a['object-names']);
    if (objectNames.length > 0) options.objects = objectNames;
    evaluationObjects(project, options.objects); // unknown objects and missing radii fail once, here

    const requested = splitList(a['run-ids']);
    const runs = requested.length > 0 ? requested : await project.runs();
    const good: string[] = [];
    const failed: string[] = [];
    for (const r of runs) {
      try {
        await evaluateRun(project, r, options);
        good.push(r);
      } catch (err) {
        process.stderr.write(`voxelflow-pick: evaluate ${r}: ${errorLine(err)}\n`);
        failed.push(r);
      }
    }
    if (good.length > 0) {
      const evaluation = await evaluateProject(project, { ...options, runs: good });
      process.stdout.write(`${formatMetricsTable(evaluation)}\n`);
      const files = await writeEvaluationReport(absoluteLocation(a['save-path'] as string), evaluation);
      process.stdout.write(`metrics → ${files.metricsJson}, ${files.averageMetricsYaml}\n`);
    }
    if (failed.length > 0) throw new RunFailuresError('evaluate', failed, runs.length);
  },
};
