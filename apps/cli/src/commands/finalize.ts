/** `voxelflow finalize INPUT OUTPUT`: stage 3; calls `finalize` from @voxelflow/finalize. */
import { ProgressDisplay, parseNumberList, withInterrupt, withSnakeAliases } from '@voxelflow/cli-kit';
import { finalize } from '@voxelflow/finalize';
import type { Argv } from 'yargs';
import { UsageError } from '../usage-error';

/** `--threshold` alone means 0.5; `--threshold 0.3` sets the cutoff. */
export function parseThreshold(v: unknown): boolean | number | undefined {
  if (v === undefined || v === false) return undefined;
  if (v === true || v === '') return true;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new UsageError(`--threshold ${String(v)} must be a probability in (0, 1), e.g. --threshold 0.5`);
  return n;
}

export const finalizeFlags = withSnakeAliases({
  mode: { type: 'string', choices: ['binary', 'multiclass'], default: 'binary', describe: 'binary: foreground probability or mask; multiclass: class probabilities + argmax' },
  threshold: { type: 'string', describe: 'write masks: binary p > T (default 0.5) as 0/255; multiclass the argmax channel only' },
  dtype: { type: 'string', choices: ['uint8', 'float32'], default: 'uint8', describe: 'uint8 (p·255, one global scale) or float32 probabilities' },
  ngff: { type: 'string', choices: ['0.4', '0.5'], default: '0.4', describe: 'OME-NGFF version: 0.4 (Zarr v2) or 0.5 (Zarr v3)' },
  'chunk-size': { type: 'string', describe: 'output chunk Z,Y,X (finalize: default the input chunks; pipeline: the patch size)' },
} as const);

export const finalizeCommand = {
  command: 'finalize <input_path> <output_path>',
  describe: 'turn blended logits into probabilities or masks as a multiscale OME-Zarr (stage 3)',
  builder: (y: Argv) =>
    y
      .positional('input_path', { type: 'string', describe: 'blended logits Zarr (C, Z, Y, X)' })
      .positional('output_path', { type: 'string', describe: 'OME-Zarr to write' })
      .options(finalizeFlags)
      .options(
        withSnakeAliases({
          'delete-intermediates': { type: 'boolean', default: false, describe: 'remove the input logits after a successful run' },
          'num-workers': { type: 'number', default: 2, describe: 'chunks in flight' },
          overwrite: { type: 'boolean', default: false, describe: 'replace an output made with other options' },
          quiet: { type: 'boolean', default: false, describe: 'no progress output' },
        } as const),
      ),
  handler: async (a: Record<string, unknown>) => {
    const display = new ProgressDisplay({ quiet: a['quiet'] as boolean });
    try {
      const r = await withInterrupt((signal) => finalize({
        signal,
        input: a['input_path'] as string,
        output: a['output_path'] as string,
        mode: a['mode'] as 'binary' | 'multiclass',
        threshold: parseThreshold(a['threshold']),
        dtype: a['dtype'] as 'uint8' | 'float32',
        ngff: a['ngff'] as '0.4' | '0.5',
        chunkSize: parseNumberList('chunk-size', a['chunk-size'], 3),
        deleteIntermediates: a['delete-intermediates'] as boolean,
        concurrency: a['num-workers'] as number,
        overwrite: a['overwrite'] as boolean,
        onProgress: (e) => display.update(e),
      }));
      display.stop();
      display.log(
        r.status === 'already-complete'
          ? `${r.output} is already complete with these options; nothing to do`
          : `finalized → ${r.output}: ${r.levels.length} levels, ${r.chunks.written} chunks written, ${r.noDataVoxels} no-data voxels`,
      );
    } finally {
      display.stop();
    }
  },
};
