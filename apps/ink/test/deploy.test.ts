/**
 * Offline checks of what ships for clusters: every YAML under manifests/ parses and validates against
 * the Kubernetes / Argo schemas (kubernetes-models, @kubernetes-models/argo-workflows), sets only
 * environment variables the app reads, and has the shape the README promises (validate → prepare →
 * fan-out → reduce, retries, an in-memory /dev/shm, an indexed Job with completions = NUM_PARTS). The
 * Dockerfile cannot be built here (no docker engine), so it gets structural checks.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowTemplate } from '@kubernetes-models/argo-workflows/argoproj.io/v1alpha1/WorkflowTemplate';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { INK_STEPS, INK_VARIABLES, PASSTHROUGH_VARIABLES } from '../src/config';
import { DEFAULT_RESULT_URL_FILE } from '../src/locations';
import { appRoot } from './helpers';

type Obj = Record<string, unknown>;
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Obj;
}
interface Container {
  name?: string;
  image?: string;
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
}

const manifestDir = join(appRoot, 'manifests');

async function loadManifests(): Promise<{ file: string; doc: Obj }[]> {
  const files = (await readdir(manifestDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out: { file: string; doc: Obj }[] = [];
  for (const file of files) {
    for (const d of parseAllDocuments(await readFile(join(manifestDir, file), 'utf8'))) {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
      const doc = d.toJS() as Obj | null;
      if (doc) out.push({ file, doc });
    }
  }
  return out;
}

/** Every container (and its pod volumes) of a Job or a WorkflowTemplate. */
function containersOf(doc: Obj): { where: string; container: Container; volumes: Obj[] }[] {
  if (doc['kind'] === 'Job') {
    const pod = ((doc['spec'] as Obj)['template'] as Obj)['spec'] as Obj;
    return ((pod['containers'] as Container[]) ?? []).map((container) => ({ where: String((doc['metadata'] as Obj)['name']), container, volumes: (pod['volumes'] as Obj[]) ?? [] }));
  }
  const templates = ((doc['spec'] as Obj)['templates'] as Obj[]) ?? [];
  return templates.flatMap((t) => (t['container'] ? [{ where: String(t['name']), container: t['container'] as Container, volumes: (t['volumes'] as Obj[]) ?? [] }] : []));
}

const env = (c: Container, name: string): EnvVar | undefined => c.env?.find((e) => e.name === name);

function hasShm(container: Container, volumes: Obj[]): boolean {
  const mount = container.volumeMounts?.find((m) => m.mountPath === '/dev/shm');
  const volume = volumes.find((v) => v['name'] === mount?.name);
  return (volume?.['emptyDir'] as Obj | undefined)?.['medium'] === 'Memory';
}

describe('manifests', () => {
  it('parse and validate against the Argo and Kubernetes schemas', async () => {
    const docs = await loadManifests();
    const kinds = docs.map((d) => d.doc['kind']);
    expect(kinds).toContain('WorkflowTemplate');
    expect(kinds.filter((k) => k === 'Job')).toHaveLength(3);
    for (const { file, doc } of docs) {
      if (doc['kind'] === 'WorkflowTemplate') new WorkflowTemplate(doc as never).validate();
      else if (doc['kind'] === 'Job') new Job(doc as never).validate();
      else throw new Error(`${file}: unexpected kind ${String(doc['kind'])}`);
    }
  });

  it('the schema validation is not a no-op', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { backoffLimit: 'three', template: { spec: { containers: [{ image: 'i' }] } } } };
    expect(() => new Job(job as never).validate()).toThrow();
  });

  it('set only variables the app reads, with valid steps, in containers that carry a name and the built image', async () => {
    const known = new Set([...INK_VARIABLES.map((v) => v.env), ...PASSTHROUGH_VARIABLES]);
    for (const { doc } of await loadManifests()) {
      // Workflow parameters stand for their default values.
      const params = new Map(
        (((doc['spec'] as Obj)['arguments'] as Obj | undefined)?.['parameters'] as Obj[] | undefined)?.map((p) => [`{{workflow.parameters.${String(p['name'])}}}`, String(p['value'])]) ?? [],
      );
      for (const { where, container } of containersOf(doc)) {
        expect(container.name, `${where}: container name`).toBe('main');
        expect(params.get(container.image ?? '') ?? container.image, `${where}: image`).toMatch(/^voxelflow-ink:/);
        for (const e of container.env ?? []) expect(known.has(e.name), `${where} sets ${e.name}, which the app does not read`).toBe(true);
        for (const required of ['MODEL', 'S3_PATH', 'START_LAYER', 'END_LAYER', 'STEP']) expect(env(container, required), `${where}: ${required}`).toBeDefined();
        expect(INK_STEPS).toContain(env(container, 'STEP')!.value);
      }
    }
  });

  it('the WorkflowTemplate validates the model, prepares, fans inference out over NUM_PARTS with retries and /dev/shm, and reduces', async () => {
    const wt = (await loadManifests()).find((d) => d.doc['kind'] === 'WorkflowTemplate')!.doc;
    const spec = wt['spec'] as Obj;
    const templates = spec['templates'] as Obj[];
    const byName = new Map(templates.map((t) => [t['name'] as string, t]));
    const entry = byName.get(spec['entrypoint'] as string)!;
    // A DAG: the schema of `steps` (nested lists) in @kubernetes-models/argo-workflows 2.0.0 expects
    // objects, so a valid steps template would not validate offline.
    const tasks = ((entry['dag'] as Obj)['tasks'] as Obj[]).map((t) => [t['name'], t['template'], t['depends']]);
    expect(tasks).toEqual([
      ['validate-model', 'validate-model', undefined],
      ['prepare', 'prepare', 'validate-model'],
      ['inference', 'inference', 'prepare'],
      ['reduce', 'reduce', 'inference'],
    ]);
    const fanOut = ((entry['dag'] as Obj)['tasks'] as Obj[])[2]!;
    expect((fanOut['withSequence'] as Obj)['count']).toBe('{{workflow.parameters.num-parts}}');

    const step = (name: string): Container => byName.get(name)!['container'] as Container;
    expect(env(step('validate-model'), 'STEP')?.value).toBe('validate');
    expect(env(step('prepare'), 'STEP')?.value).toBe('prepare');
    const inference = step('inference');
    expect(env(inference, 'STEP')?.value).toBe('inference');
    expect(env(inference, 'PART_ID')?.value).toBe('{{inputs.parameters.part-id}}');
    expect((fanOut['arguments'] as Obj)['parameters']).toEqual([{ name: 'part-id', value: '{{item}}' }]);
    expect(env(inference, 'NUM_PARTS')?.value).toBe('{{workflow.parameters.num-parts}}');
    expect(env(step('reduce'), 'NUM_PARTS')?.value).toBe('{{workflow.parameters.num-parts}}');
    expect(hasShm(inference, (byName.get('inference')!['volumes'] as Obj[]) ?? [])).toBe(true);
    expect(((inference as Obj)['resources'] as Obj)['limits']).toMatchObject({ 'nvidia.com/gpu': '1' });

    // Prepare, inference and reduce meet at the same places.
    expect(env(inference, 'SURFACE_VOLUME_ZARR')?.value).toBe(env(step('prepare'), 'SURFACE_VOLUME_ZARR')?.value);
    expect(env(inference, 'ZARR_OUTPUT_DIR')?.value).toBe(env(step('reduce'), 'ZARR_OUTPUT_DIR')?.value);

    const retry = spec['retryStrategy'] as Obj;
    expect(Number(retry['limit'])).toBeGreaterThanOrEqual(1);
    const resultFile = env(step('reduce'), 'RESULT_URL_FILE')?.value ?? DEFAULT_RESULT_URL_FILE;
    const output = ((byName.get('reduce')!['outputs'] as Obj)['parameters'] as Obj[])[0]!;
    expect((output['valueFrom'] as Obj)['path']).toBe(resultFile);
    expect(((entry['outputs'] as Obj)['parameters'] as Obj[])[0]!['name']).toBe('result-s3-url');
  });

  it('the indexed Job maps JOB_COMPLETION_INDEX to PART_ID, has completions = NUM_PARTS, and /dev/shm in memory', async () => {
    const jobs = (await loadManifests()).filter((d) => d.doc['kind'] === 'Job').map((d) => d.doc);
    const indexed = jobs.filter((j) => (j['spec'] as Obj)['completionMode'] === 'Indexed');
    expect(indexed).toHaveLength(1);
    const job = indexed[0]!;
    const [{ container, volumes }] = containersOf(job) as [ReturnType<typeof containersOf>[number]];
    expect(env(container, 'STEP')?.value).toBe('inference');
    expect(Number(env(container, 'NUM_PARTS')?.value)).toBe((job['spec'] as Obj)['completions']);
    expect(((env(container, 'PART_ID')?.valueFrom as Obj)['fieldRef'] as Obj)['fieldPath']).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    expect(hasShm(container, volumes)).toBe(true);
    const steps = jobs.map((j) => env(containersOf(j)[0]!.container, 'STEP')?.value);
    expect(steps).toEqual(['prepare', 'inference', 'reduce']);
    for (const j of jobs) expect(((j['spec'] as Obj)['template'] as Obj)['spec']).toMatchObject({ restartPolicy: 'Never' });
  });
});

describe('Dockerfile', () => {
  const read = (): Promise<string> => readFile(join(appRoot, 'Dockerfile'), 'utf8');
  /** Instructions with continuation lines joined and comments dropped. */
  const instructions = (text: string): string[] =>
    text
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));

  it('is multi-stage, CPU by default, with build args for a CUDA base that installs the CUDA provider', async () => {
    const lines = instructions(await read());
    const froms = lines.filter((l) => /^FROM\s/i.test(l));
    expect(froms.length).toBeGreaterThanOrEqual(3);
    const stages = froms.map((l) => /\sAS\s+(\S+)/i.exec(l)?.[1]);
    expect(stages).toEqual(expect.arrayContaining(['build', 'deps-cpu', 'deps-cuda', 'runtime']));
    const globalArgs = lines.slice(0, lines.findIndex((l) => /^FROM\s/i.test(l)));
    expect(globalArgs).toEqual(expect.arrayContaining([expect.stringMatching(/^ARG DEVICE=cpu$/), expect.stringMatching(/^ARG BASE_IMAGE=\S+/)]));
    expect(froms).toContain('FROM deps-${DEVICE} AS deps');
    expect(froms).toContain('FROM ${BASE_IMAGE} AS runtime');
    const cudaStage = lines.slice(lines.findIndex((l) => /AS deps-cuda$/.test(l)));
    expect(cudaStage[1]).toBe('RUN ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install');
    expect(lines.some((l) => /^RUN npm ci .*&& npm run build -w @voxelflow\/ink$/.test(l))).toBe(true);
  });

  it('has an ENTRYPOINT that runs the built bin', async () => {
    const pkg = JSON.parse(await readFile(join(appRoot, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    const bin = pkg.bin['voxelflow-ink']!.replace(/^\.\//, '');
    const lines = instructions(await read());
    const entry = lines.filter((l) => /^ENTRYPOINT\s/.test(l));
    expect(entry).toHaveLength(1);
    const argv = JSON.parse(entry[0]!.replace(/^ENTRYPOINT\s+/, '')) as string[];
    expect(argv).toEqual(['node', `/app/apps/ink/${bin}`]);
    // The bin the ENTRYPOINT names is copied from the build stage, which builds it with tsup.
    expect(lines).toContain('COPY --from=build /src/apps/ink/dist ./apps/ink/dist');
    expect(pkg.scripts['build']).toBe('tsup');
    expect(bin).toBe('dist/cli.js');
    expect(lines).toContain('WORKDIR /app');
  });
});
