/** `voxelflow blend PARENT_DIR OUTPUT`: stage 2 with the seed's options; calls `blend`. */
import { ProgressDisplay, parseNumberList, withInterrupt, withSnakeAliases } from '@voxelflow/cli-kit';
import { blend } from '@voxelflow/inference';
import type { Argv } from 'yargs';

export const blendCommand = {
  command: 'blend <parent_dir> <output_path>',
  describe: 'merge the parts of predict with Gaussian weights into (C, Z, Y, X) float16 logits (stage 2)',
  builder: (y: Argv) =>
    y
      .positional('parent_dir', { type: 'string', describe: 'folder with logits_part_*.zarr and coordinates_part_*.zarr' })
      .positional('output_path', { type: 'string', describe: 'blended logits Zarr to write' })
      .options(
        withSnakeAliases({
          'weights-path': { type: 'string', describe: 'also write the weight sums (Σw) here' },
          'sigma-scale': { type: 'number', default: 8, describe: 'Gaussian σ = patch / sigma-scale' },
          'chunk-size': { type: 'string', describe: 'output chunk Z,Y,X (default: the patch size)' },
          'num-workers': { type: 'number', describe: 'accumulation threads (default: cores − 1; 0 = main thread)' },
          'compression-level': { type: 'number', default: 1, describe: 'Blosc-zstd level (0 = none)' },
          'keep-weights': { type: 'boolean', default: false, describe: 'keep the weight sums (default path <output>_weights.zarr)' },
          overwrite: { type: 'boolean', default: false, describe: 'replace an output blended from other inputs' },
          quiet: { type: 'boolean', default: false, describe: 'no progress output' },
        } as const),
      ),
  handler: async (a: Record<string, unknown>) => {
    const display = new ProgressDisplay({ quiet: a['quiet'] as boolean });
    try {
      const r = await withInterrupt((signal) => blend({
        signal,
        parentDir: a['parent_dir'] as string,
        output: a['output_path'] as string,
        weightsPath: a['weights-path'] as string | undefined,
        sigmaScale: a['sigma-scale'] as number,
        chunkSize: parseNumberList('chunk-size', a['chunk-size'], 3),
        numWorkers: a['num-workers'] as number | undefined,
        compressionLevel: a['compression-level'] as number,
        keepWeights: a['keep-weights'] as boolean,
        overwrite: a['overwrite'] as boolean,
        onProgress: (e) => display.update(e),
      }));
      display.stop();
      display.log(
        r.alreadyComplete
          ? `${r.output} is already complete for these parts; nothing to do`
          : `blended parts ${r.parts.join(', ')}: ${r.decoded} patches decoded once each, ${r.chunksWritten} chunks → ${r.output} (${r.seconds.toFixed(1)} s)`,
      );
    } finally {
      display.stop();
    }
  },
};
