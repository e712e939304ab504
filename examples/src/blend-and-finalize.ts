/**
 * Stages 2 and 3 on their own: a folder of predict parts produced elsewhere (other machines,
 * a Kubernetes indexed Job, a Slurm array: `voxelflow predict --num-parts N --part-id i` each) is
 * merged with Gaussian weights and turned into a multiscale OME-Zarr of probabilities or masks.
 *
 *   npx tsx --conditions=@voxelflow/source examples/src/blend-and-finalize.ts PARTS_DIR OUTPUT.zarr
 *     [--threshold 0.5] [--ngff 0.5] [--workers 1]
 */
import { parseArgs } from 'node:util';
import { blend, finalize, type BlendResult, type FinalizeResult } from '@voxelflow/inference';
import { isMain, logProgress } from './example-support';

/** Options of {@link main}. */
export interface BlendAndFinalizeOptions {
  /** Folder holding `logits_part_{i}.zarr` and `coordinates_part_{i}.zarr` for every part i. */
  partsDir: string;
  /** The OME-Zarr to write. */
  output: string;
  /** Where the blended logits go (default `<output>_blended.zarr`); kept unless `deleteBlended`. */
  blended?: string;
  /** Remove the blended logits once the output is complete. */
  deleteBlended?: boolean;
  /** Masks instead of probabilities: p > threshold → 255. */
  threshold?: number;
  /** OME-NGFF 0.4 on Zarr v2 (default) or 0.5 on Zarr v3. */
  ngff?: '0.4' | '0.5';
  /** Accumulation threads (default 1; 0 accumulates on the calling thread). */
  workers?: number;
  /** Cancels the run; calling again resumes it. */
  signal?: AbortSignal;
  /** Receives progress lines (default: none). */
  log?: (line: string) => void;
}

/** What {@link main} produced. */
export interface BlendAndFinalizeResult {
  blend: BlendResult;
  finalize: FinalizeResult;
}

/** Blends the parts in `partsDir` and finalizes them into `output`. */
export async function main(options: BlendAndFinalizeOptions): Promise<BlendAndFinalizeResult> {
  const log = options.log ?? (() => undefined);
  const blended = options.blended ?? `${options.output.replace(/\/+$/, '').replace(/\.zarr$/, '')}_blended.zarr`;

  // Blend refuses incomplete parts, missing parts and parts predicted with different settings, with
  // a message naming the part to rerun; the folder alone says how many parts there must be.
  const b = await blend({
    parentDir: options.partsDir,
    output: blended,
    numWorkers: options.workers ?? 1,
    signal: options.signal,
    onProgress: (e) => logProgress(log, e),
  });
  log(
    b.alreadyComplete
      ? `${blended} was already blended from these parts`
      : `blended parts ${b.parts.join(', ')}: ${b.decoded} of ${b.patches} patches stored, ${b.chunksWritten} chunks → ${blended}`,
  );

  const f = await finalize({
    input: blended,
    output: options.output,
    mode: 'binary',
    threshold: options.threshold,
    ngff: options.ngff,
    deleteIntermediates: options.deleteBlended,
    metadata: { example: 'blend-and-finalize', parts: options.partsDir, blend: { parts: b.parts, patches: b.patches } },
    signal: options.signal,
    onProgress: (e) => logProgress(log, e),
  });
  log(
    `${f.status} ${f.output}: ${f.channelNames.join(', ')} as ${f.dtype}, ${f.levels.length} levels, ` +
      `${f.chunks.written} of ${f.chunks.total} level-0 chunks stored, ${f.noDataVoxels} no-data voxels`,
  );
  return { blend: b, finalize: f };
}

if (isMain(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      threshold: { type: 'string' },
      ngff: { type: 'string', default: '0.4' },
      workers: { type: 'string', default: '1' },
      'delete-blended': { type: 'boolean', default: false },
    },
  });
  const [partsDir, output] = positionals;
  if (!partsDir || !output) {
    console.error('usage: blend-and-finalize.ts PARTS_DIR OUTPUT.zarr [--threshold T] [--ngff 0.4|0.5] [--workers N] [--delete-blended]');
    process.exit(2);
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  await main({
    partsDir,
    output,
    threshold: values.threshold === undefined ? undefined : Number(values.threshold),
    ngff: values.ngff as '0.4' | '0.5',
    workers: Number(values.workers),
    deleteBlended: values['delete-blended'],
    signal: controller.signal,
    log: (line) => console.error(line),
  });
}
