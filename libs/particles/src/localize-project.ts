/**
 * Localizing a whole copick project, as `octopi localize` does: per run, read the multilabel
 * segmentation, localize every particle object, and write `Picks/<user>_<session>_<object>.json` to
 * the overlay root — or delete a stale picks file when nothing is found (octopi leaves it in place).
 * Runs are spread over `nProcs` worker threads; with one, everything runs inline.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CopickProject, SegmentationId } from './copick-project';
import { checkCopickName, picksFileName } from './copick-names';
import { joinUrl } from './copick-roots';
import { LocalizeRunError, ParticlesArgumentError } from './errors';
import { localizeRun, resolveLocalizeParameters, type LocalizeObjectSpec, type LocalizeParameters, type LocalizeStats } from './localize-run';
import { makePoint } from './picks-file';
import { readSegmentationLog, type SegmentationInfo } from './segmentation-log';

/** Where the labels of the localized objects came from. */
export type LabelSource = 'option' | 'segment-log' | 'config';

/** The objects to localize and their segmentation values. */
export interface LocalizeTargets {
  /** The objects with their segmentation value and radius (Å), in config order. */
  objects: LocalizeObjectSpec[];
  /** Where the segmentation values came from. */
  labelSource: LabelSource;
}

/**
 * The objects to localize: the config's particle objects with their radius; their segmentation values
 * from `labels` when given, else from the segment log of `segmentation` (octopi's source of truth; objects
 * the log does not list are dropped), else from the config's `label`s. `names` filters the result
 * (an unknown name is an `UnknownObjectError`; an empty result is an error).
 */
export async function resolveLocalizeTargets(
  project: CopickProject,
  segmentation: SegmentationInfo,
  options: { labels?: Record<string, number>; names?: readonly string[] } = {},
): Promise<LocalizeTargets> {
  let labelMap = options.labels;
  let labelSource: LabelSource = 'option';
  if (labelMap === undefined) {
    const log = await readSegmentationLog(project, segmentation);
    if (log) {
      labelMap = log.labels;
      labelSource = 'segment-log';
    } else {
      labelSource = 'config';
    }
  }
  const particles = project.particleObjects();
  let objects: LocalizeObjectSpec[] = [];
  for (const o of particles) {
    if (labelMap !== undefined && !(o.name in labelMap)) continue;
    if (o.radius === null) throw new ParticlesArgumentError(`localize: object '${o.name}' in ${project.configPath} has no radius; add "radius" (Å) to it in the config`);
    objects.push({ name: o.name, label: labelMap !== undefined ? labelMap[o.name]! : o.label, radius: o.radius });
  }
  if (options.names !== undefined) {
    for (const n of options.names) project.getObject(n);
    const wanted = new Set(options.names);
    objects = objects.filter((o) => wanted.has(o.name));
  }
  if (objects.length === 0) {
    const from = labelSource === 'config' ? `the particle objects of ${project.configPath}` : `the ${labelSource === 'option' ? 'given labels' : 'segment log labels'} (${Object.keys(labelMap ?? {}).join(', ')})`;
    throw new ParticlesArgumentError(`localize: nothing to localize: no object is both selected and in ${from}`);
  }
  return { objects, labelSource };
}

/** What to do in each run (plain data, so it can be sent to a worker thread). */
export interface LocalizeJob {
  /** The segmentation each run reads (voxel size in Å). */
  segmentation: Required<Omit<SegmentationId, 'multilabel'>> & {
    /** `-multilabel` suffix (default true). */
    multilabel?: boolean
  };
  /**
   * Who the picks are written as.
   * @property __type.userId - User id of the written picks.
   * @property __type.sessionId - Session id of the written picks.
   */
  pick: { userId: string; sessionId: string };
  /** The objects to localize, with their segmentation values and radii. */
  objects: LocalizeObjectSpec[];
  /** Localization parameters, defaults already filled in. */
  parameters: LocalizeParameters;
}

/** What happened to one object in one run. */
export interface ObjectLocalizeSummary {
  /** Object name. */
  name: string;
  /** Its segmentation value. */
  label: number;
  /** Number of particles found (and written). */
  count: number;
  /** 'written': picks file written; 'deleted-stale': nothing found and an earlier file removed; 'none': nothing found, no file. */
  action: 'written' | 'deleted-stale' | 'none';
  /** The picks file (written or deleted). */
  file?: string;
  /** What happened to the candidate regions. */
  stats: LocalizeStats;
}

/** What happened in one run. */
export interface RunLocalizeSummary {
  /** Run name. */
  run: string;
  /** 'no-segmentation': the run has no such segmentation and was skipped (as octopi skips it). */
  status: 'done' | 'no-segmentation';
  /** One entry per localized object (empty when the run was skipped). */
  objects: ObjectLocalizeSummary[];
  /** Wall time of the run in seconds (0 when skipped). */
  seconds: number;
}

/** Localizes one run of `project` and writes (or removes) its picks files. */
export async function localizeCopickRun(project: CopickProject, runName: string, job: LocalizeJob): Promise<RunLocalizeSummary> {
  const t0 = performance.now();
  const run = project.run(runName);
  if (!(await run.hasSegmentation(job.segmentation))) return { run: runName, status: 'no-segmentation', objects: [], seconds: 0 };
  const seg = await run.readSegmentation(job.segmentation);
  const found = localizeRun({ ...job.parameters, segmentation: seg.data, shape: seg.shape, voxelSize: job.segmentation.voxelSize, objects: job.objects });
  const objects: ObjectLocalizeSummary[] = [];
  const { userId, sessionId } = job.pick;
  for (const o of found) {
    const base = { name: o.name, label: o.label, count: o.particles.length, stats: o.stats };
    if (o.particles.length > 0) {
      const file = await run.writePicks(o.name, userId, sessionId, o.particles.map((p) => makePoint(p.location, p.score)));
      objects.push({ ...base, action: 'written', file });
    } else if (await run.deletePicks(o.name, userId, sessionId)) {
      objects.push({ ...base, action: 'deleted-stale', file: joinUrl(project.overlay.url, `ExperimentRuns/${runName}/Picks/${picksFileName(o.name, userId, sessionId)}`) });
    } else {
      objects.push({ ...base, action: 'none' });
    }
  }
  return { run: runName, status: 'done', objects, seconds: (performance.now() - t0) / 1000 };
}

/** Options of {@link localizeProject}. Defaults are octopi's CLI defaults. */
export interface LocalizeProjectOptions extends LocalizeParameters {
  /** The segmentation to read (name, user, session) and its voxel size in Å. */
  segmentation: SegmentationInfo & {
    /** Voxel size in Å. */
    voxelSize: number;
    /** `-multilabel` suffix (default true). */
    multilabel?: boolean
  };
  /**
   * Who the picks are written as (octopi: user 'octopi', session '1').
   * @property __type.userId - User id of the written picks (no '_').
   * @property __type.sessionId - Session id of the written picks (no '_').
   */
  pick: { userId: string; sessionId: string };
  /** Object names to localize (default: every particle object the labels cover). */
  objects?: readonly string[];
  /** Segmentation value per object name (default: the segment log, else the config's labels). */
  labels?: Record<string, number>;
  /** Runs (default: all). */
  runs?: readonly string[];
  /** Worker threads (default 1: inline). Runs are handed out one at a time to free workers. */
  nProcs?: number;
  /** The worker module (default: `localize-worker` beside this module, `.ts` under tests, `.js`/`.cjs` when built). */
  workerUrl?: URL | string;
  /** Called as each run finishes. */
  onRun?: (summary: RunLocalizeSummary) => void;
}

/** The result of {@link localizeProject}. */
export interface LocalizeProjectResult {
  /** One summary per run, in run order (sorted names, or the order of `options.runs`). */
  runs: RunLocalizeSummary[];
  /** The objects localized, with the segmentation values used. */
  objects: LocalizeObjectSpec[];
  /** Where those values came from. */
  labelSource: LabelSource;
  /** Worker threads actually used (at most the number of runs; 1 means inline). */
  nProcs: number;
  /** Wall time in seconds. */
  seconds: number;
}

/** Data a localize worker starts with. */
export interface LocalizeWorkerInit {
  /** The config the worker opens the project from. */
  configPath: string;
  /** The overlay root as resolved by the parent, so the worker writes where the parent reads. */
  overlayUrl: string;
  /** The resolved static root, or null when there is none. */
  staticUrl: string | null;
  /** What to do in each run. */
  job: LocalizeJob;
}

/**
 * A request from the pool to a worker: localize run `run`.
 * @property id - Request number, echoed in the reply (the run's index in the run list).
 * @property run - Run name.
 */
export type LocalizeWorkerRequest = { id: number; run: string };
/** A worker's answer to request `id`: the run's summary, or the error message. */
export type LocalizeWorkerReply = {
  /** The request answered. */
  id: number;
  /** The run was localized. */
  ok: true;
  /** What happened in the run. */
  summary: RunLocalizeSummary
} | {
  /** The request answered. */
  id: number;
  /** Localizing the run threw. */
  ok: false;
  /** The error's message. */
  error: string
};

function defaultWorkerUrl(): URL {
  const here = new URL(import.meta.url);
  const ext = /\.ts$/.test(here.pathname) ? '.ts' : /\.cjs$/.test(here.pathname) ? '.cjs' : '.js';
  return new URL(`./localize-worker${ext}`, here);
}

/** `argv` without the `@voxelflow/source` condition: a built worker loads the built packages. */
function withoutSourceCondition(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^(--conditions|-C)=@voxelflow\/source$/.test(a)) continue;
    if ((a === '--conditions' || a === '-C') && argv[i + 1] === '@voxelflow/source') {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * Starts one worker on `url`. A built worker (.js/.cjs) runs as is. A TypeScript one (tests, tsx)
 * is loaded through tsx's `tsImport`, because Node 20 does not apply `--import tsx` loader hooks inside
 * worker threads; the source condition makes workspace packages resolve to their sources there too.
 */
function startWorker(url: URL, init: LocalizeWorkerInit): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: init, execArgv: withoutSourceCondition(process.execArgv) });
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}))`;
  const conditions = process.execArgv.some((a) => a.includes('@voxelflow/source')) ? [] : ['--conditions=@voxelflow/source'];
  return new Worker(code, { eval: true, workerData: init, execArgv: [...process.execArgv, ...conditions] });
}

/** Localizes every run (or `options.runs`) of `project`, writing picks to the overlay root. */
export async function localizeProject(project: CopickProject, options: LocalizeProjectOptions): Promise<LocalizeProjectResult> {
  const t0 = performance.now();
  const parameters = resolveLocalizeParameters(options);
  const { segmentation, pick } = options;
  if (!(segmentation.voxelSize > 0)) throw new ParticlesArgumentError(`localize: segmentation voxelSize ${segmentation.voxelSize} must be a positive number of Å`);
  checkCopickName('user id', pick.userId);
  checkCopickName('session id', pick.sessionId);
  const targets = await resolveLocalizeTargets(project, segmentation, {
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.objects ? { names: options.objects } : {}),
  });
  const runNames = options.runs ? await Promise.all(options.runs.map(async (r) => (await project.getRun(r)).name)) : await project.runs();
  const job: LocalizeJob = {
    segmentation: { name: segmentation.name, userId: segmentation.userId, sessionId: segmentation.sessionId, voxelSize: segmentation.voxelSize, multilabel: segmentation.multilabel ?? true },
    pick: { userId: pick.userId, sessionId: pick.sessionId },
    objects: targets.objects,
    parameters,
  };
  const requested = options.nProcs ?? 1;
  if (!Number.isInteger(requested) || requested < 1) throw new ParticlesArgumentError(`localize: nProcs ${requested} must be a positive integer`);
  const nProcs = Math.max(1, Math.min(requested, runNames.length));

  let runs: RunLocalizeSummary[];
  if (nProcs === 1) {
    runs = [];
    for (const r of runNames) {
      let summary: RunLocalizeSummary;
      try {
        summary = await localizeCopickRun(project, r, job);
      } catch (err) {
        throw new LocalizeRunError(r, err instanceof Error ? err.message : String(err));
      }
      runs.push(summary);
      options.onRun?.(summary);
    }
  } else {
    const init: LocalizeWorkerInit = { configPath: project.configPath, overlayUrl: project.overlay.url, staticUrl: project.staticRoot?.url ?? null, job };
    runs = await runInWorkers(runNames, nProcs, init, options.workerUrl ?? defaultWorkerUrl(), options.onRun);
  }
  return { runs, objects: targets.objects, labelSource: targets.labelSource, nProcs, seconds: (performance.now() - t0) / 1000 };
}

/** Hands runs to `n` workers one at a time; resolves with the summaries in `runNames` order, rejects on the first failure. */
function runInWorkers(
  runNames: readonly string[],
  n: number,
  init: LocalizeWorkerInit,
  workerUrl: URL | string,
  onRun?: (summary: RunLocalizeSummary) => void,
): Promise<RunLocalizeSummary[]> {
  const url = typeof workerUrl === 'string' ? new URL(workerUrl) : workerUrl;
  return new Promise((resolve, reject) => {
    const results: RunLocalizeSummary[] = new Array(runNames.length);
    const workers: Worker[] = [];
    let nextRun = 0;
    let done = 0;
    let failed = false;
    const stopAll = (): void => {
      for (const w of workers) void w.terminate();
    };
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(err);
    };
    const feed = (w: Worker): void => {
      if (nextRun >= runNames.length) return;
      const id = nextRun++;
      (w as Worker & { current?: number }).current = id;
      w.postMessage({ id, run: runNames[id]! } satisfies LocalizeWorkerRequest);
    };
    for (let k = 0; k < n; k++) {
      const w = startWorker(url, init);
      workers.push(w);
      w.on('message', (reply: LocalizeWorkerReply) => {
        if (failed) return;
        if (!reply.ok) {
          fail(new LocalizeRunError(runNames[reply.id]!, reply.error));
          return;
        }
        results[reply.id] = reply.summary;
        onRun?.(reply.summary);
        if (++done === runNames.length) {
          stopAll();
          resolve(results);
        } else {
          feed(w);
        }
      });
      w.on('error', (err) => {
        const current = (w as Worker & { current?: number }).current;
        fail(new LocalizeRunError(current !== undefined ? runNames[current]! : '(worker start)', err.message));
      });
      w.on('exit', (code) => {
        if (!failed && done < runNames.length && code !== 0) {
          const current = (w as Worker & { current?: number }).current;
          fail(new LocalizeRunError(current !== undefined ? runNames[current]! : '(worker start)', `worker thread exited with code ${code}`));
        }
      });
      feed(w);
    }
  });
}
