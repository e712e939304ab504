/**
 * Evaluating a copick project's picks: read the ground-truth and predicted picks of every run and
 * particle object, then score them with {@link evaluatePoints}. A missing picks file counts as no points.
 */
import { objectWeight } from './copick-config';
import { checkCopickName } from './copick-names';
import type { CopickProject } from './copick-project';
import { ParticlesArgumentError } from './errors';
import { evaluatePoints, evaluateRunPoints, type EvaluateObjectSpec, type EvaluateOptions, type EvaluateRunPoints, type Evaluation, type RunEvaluation } from './evaluate';
import type { PointXYZ } from './picks-file';

/** A picks set: user and session. */
export interface PicksSource {
  /** copick user id (the `<user>` of `<user>_<session>_<object>.json`). */
  userId: string;
  /** copick session id (the `<session>` of the file name). */
  sessionId: string;
}

/** Options of {@link evaluateProject} and {@link evaluateRun}. */
export interface EvaluateProjectOptions extends EvaluateOptions {
  /** The reference picks (Kaggle's curated picks are user 'curation', session '0'). */
  groundTruth: PicksSource;
  /** The picks to score (octopi's localize writes user 'octopi', session '1' by default). */
  predicted: PicksSource;
  /** Object names (default: every `is_particle` object of the config). */
  objects?: readonly string[];
  /** Run names (default: every run of the project). */
  runs?: readonly string[];
}

/** The objects to evaluate with their radius (Å) and weight from the config. */
export function evaluationObjects(project: CopickProject, names?: readonly string[]): EvaluateObjectSpec[] {
  const objects = names ? names.map((n) => project.getObject(n)) : project.particleObjects();
  if (objects.length === 0) throw new ParticlesArgumentError(`evaluate: config ${project.configPath} has no particle objects to evaluate`);
  return objects.map((o) => {
    if (o.radius === null) {
      throw new ParticlesArgumentError(`evaluate: object '${o.name}' in ${project.configPath} has no radius; add "radius" (Å) to it in the config`);
    }
    return { name: o.name, radius: o.radius, weight: objectWeight(o) };
  });
}

async function runPoints(project: CopickProject, runName: string, objects: readonly EvaluateObjectSpec[], options: EvaluateProjectOptions): Promise<EvaluateRunPoints> {
  const run = project.run(runName);
  const points: EvaluateRunPoints['points'] = {};
  const read = async (name: string, src: PicksSource): Promise<PointXYZ[]> =>
    ((await run.readPicks(name, src.userId, src.sessionId))?.points ?? []).map((p) => p.location);
  for (const o of objects) {
    points[o.name] = { predicted: await read(o.name, options.predicted), groundTruth: await read(o.name, options.groundTruth) };
  }
  return { run: runName, points };
}

function checkSources(options: EvaluateProjectOptions): void {
  for (const [what, src] of [['ground truth', options.groundTruth], ['predicted', options.predicted]] as const) {
    if (!src) throw new ParticlesArgumentError(`evaluate: the ${what} picks (userId, sessionId) are missing`);
    checkCopickName('user id', src.userId);
    checkCopickName('session id', src.sessionId);
  }
}

/** Scores one run's predicted picks against its ground truth, per object. */
export async function evaluateRun(project: CopickProject, runName: string, options: EvaluateProjectOptions): Promise<RunEvaluation> {
  checkSources(options);
  const objects = evaluationObjects(project, options.objects);
  const run = await project.getRun(runName);
  return evaluateRunPoints(objects, await runPoints(project, run.name, objects, options), options);
}

/** Scores every run (or `options.runs`) and returns per-run, per-object and weighted results. */
export async function evaluateProject(project: CopickProject, options: EvaluateProjectOptions): Promise<Evaluation> {
  checkSources(options);
  const objects = evaluationObjects(project, options.objects);
  const runNames = options.runs ? await Promise.all(options.runs.map(async (r) => (await project.getRun(r)).name)) : await project.runs();
  const runs: EvaluateRunPoints[] = [];
  for (const r of runNames) runs.push(await runPoints(project, r, objects, options));
  return {
    ...evaluatePoints(objects, runs, options),
    input: { configPath: project.configPath, groundTruth: { ...options.groundTruth }, predicted: { ...options.predicted } },
  };
}
