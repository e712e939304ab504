/**
 * Everything a run over a volume needs before the first patch: the volume (through a shared chunk
 * cache), the models and their merged card, the patch size, the normalization, the global grid and
 * this part's patches in visit order, the TTA transforms, and the configuration record that makes the
 * run reproducible. `predict` and the fused pipeline share it, so they cannot disagree.
 */
import { resolveNormalization, type NormalizationParams } from '@voxelflow/normalization';
import { PatchGrid, octopiTtaTransforms, ttaTransforms, type PatchList, type TtaKind, type TtaTransform } from '@voxelflow/tiling';
import { ChunkCache, openVolume, type Box, type Volume, type VolumeFormat } from '@voxelflow/volume-io';
import type { IntensityProperties, ModelBackend, ModelCard, NormalizationScheme } from './backend';
import { InvalidOptionError, ModelMismatchError } from './errors';
import { mergeModelCards } from './model-card';
import { resolveModel, type BackendFactory, type ResolvedModel } from './model-resolution';
import { resolvePart } from './part-env';
import { cachedVolumeStatistics } from './volume-statistics';

/** Options shared by `predict` and the fused pipeline. */
export interface RunOptions {
  /** Input volume: path or URL (Zarr, OME-Zarr, TIFF stack, NIfTI…). */
  input: string;
  /** Force the input format instead of detecting it. */
  inputFormat?: VolumeFormat;
  /** OME-Zarr level (index or dataset path); default 0. */
  inputLevel?: number | string;
  /** Model paths or URLs; several form an ensemble averaged as logits. Not needed with `backends`. */
  model?: string | string[];
  /** Turns a resolved model into a backend (e.g. runtime-onnx's `createOnnxBackend`). */
  backendFactory?: BackendFactory;
  /** Ready backends instead of `model` + `backendFactory` (library use, tests). */
  backends?: ModelBackend[];
  /** 'cpu' (default), 'cuda', 'cuda:N'. */
  device?: string;
  /** Threads per backend session (default: the backend's choice). */
  threads?: number;
  /** Patch size (Z, Y, X); default from the model card or the model's fixed input. */
  patchSize?: number[];
  /** Overlap fraction of neighbouring patches, in [0, 1); default 0.5. */
  overlap?: number;
  /**
   * Test-time augmentation; default 'mirroring' (Vesuvius' default). 'octopi' is octopi's ordered list
   * (identity, 180° in-plane, flip Z, flip X, …), of which the first `ttaCount` are used.
   */
  tta?: TtaKind | 'octopi';
  /** Transforms of the 'octopi' list to use, 1–8 (default 4, octopi's). */
  ttaCount?: number;
  /** Normalization scheme; default from the model card, else instance_zscore. */
  normalization?: NormalizationScheme;
  /** Statistics for `ct` (and `global_zscore` when given). */
  intensityProperties?: IntensityProperties;
  /** `window` normalization: level (centre); default from the model card. */
  windowLevel?: number;
  /** `window` normalization: width; default from the model card. */
  windowWidth?: number;
  /** `clip_scale` normalization: clip to [0, clipValue] and divide by it; default from the card, else 200. */
  clipValue?: number;
  /** Patches per model call; default 1. */
  batchSize?: number;
  /** This process's part (default: from `partEnvironment`, else 0). */
  partId?: number;
  /** Number of parts (default: from `partEnvironment`, else 1). */
  numParts?: number;
  /**
   * Where absent part ids are looked up (Kubernetes, Slurm, AWS Batch array variables): the CLIs pass
   * `process.env`; library calls default to none, so a scheduler's variables never split a run silently.
   */
  partEnvironment?: Readonly<Record<string, string | undefined>>;
  /** Only the patches of the global grid that intersect this box (Z, Y, X voxels). */
  bbox?: Box;
  /** Skip homogeneous patches and patches whose input chunks are absent; default true. */
  skipEmpty?: boolean;
  /** Decoded-chunk cache size in bytes; default 512 MiB. */
  cacheBytes?: number;
  /** Where `global_zscore` statistics are cached (default: predict's output folder, else the user cache). */
  statisticsCacheDir?: string;
  /** Cancels the run: it stops between batches with an AbortedError; a rerun resumes. */
  signal?: AbortSignal;
}

/** What {@link setupRun} prepared: everything a run needs before the first patch. */
export interface RunSetup {
  /** The opened input, reading through `cache`. */
  volume: Volume;
  /** The decoded-chunk cache of the input (its stats give bytes read). */
  cache: ChunkCache;
  /** Spatial shape (Z, Y, X) of the input. */
  spatialShape: number[];
  /** Input channels: 1 for (Z, Y, X), C for (C, Z, Y, X). */
  inChannels: number;
  /** One backend per model of the ensemble. */
  backends: ModelBackend[];
  /** The resolved models (empty when ready backends were passed). */
  models: ResolvedModel[];
  /** The backends' cards merged, later models winning field by field. */
  card: ModelCard;
  /** Patch size (Z, Y, X). */
  patchSize: number[];
  /** Overlap fraction of the grid. */
  overlap: number;
  /** The resolved normalization with all its numbers. */
  normalization: NormalizationParams;
  /** Test-time transforms; `identity` alone without TTA. */
  transforms: TtaTransform[];
  /** The global patch grid (the same for every part and bbox). */
  grid: PatchGrid;
  /** This part's patches in row-major order (defines logits slots). */
  partPatches: PatchList;
  /** The same patches in visit order (Morton over input chunks). */
  visitOrder: PatchList;
  /** This process's part. */
  partId: number;
  /** Number of parts. */
  numParts: number;
  /** Patches per model call. */
  batchSize: number;
  /** Whether empty patches are skipped. */
  skipEmpty: boolean;
  /** The configuration record: what another run needs to reproduce this one. */
  config: Record<string, unknown>;
  /** Releases the backends this setup created. */
  dispose(): Promise<void>;
}

function fixedSpatial(backend: ModelBackend): number[] | undefined {
  const dims = backend.inputs[0]?.shape.slice(2);
  return dims && dims.length === 3 && dims.every((d) => typeof d === 'number') ? (dims as number[]) : undefined;
}

/**
 * Opens the input and the models and plans the run. `computeStatistics: false` skips the streaming
 * pass of `global_zscore` (for estimates); the normalization then records a mean of 0 and std of 1.
 */
export async function setupRun(o: RunOptions, outputForCache?: string, { computeStatistics = true } = {}): Promise<RunSetup> {
  const overlap = o.overlap ?? 0.5;
  if (!(overlap >= 0 && overlap < 1)) throw new InvalidOptionError(`--overlap ${overlap} must be in [0, 1), e.g. 0.5`);
  const batchSize = o.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidOptionError(`--batch-size ${batchSize} must be a positive integer`);
  const cache = new ChunkCache({ maxBytes: o.cacheBytes ?? 512 * 2 ** 20 });
  const volume = await openVolume(o.input, { format: o.inputFormat, level: o.inputLevel, cache });
  if (volume.shape.length !== 3 && volume.shape.length !== 4) {
    throw new InvalidOptionError(`${o.input} has shape [${volume.shape.join(', ')}]; predict needs (Z, Y, X) or (C, Z, Y, X)`);
  }
  const spatialShape = volume.shape.slice(-3);
  const inChannels = volume.shape.length === 4 ? volume.shape[0]! : 1;

  const models: ResolvedModel[] = [];
  let backends = o.backends;
  const created: ModelBackend[] = [];
  if (!backends) {
    if (!o.backendFactory) throw new InvalidOptionError('no model backend: pass backendFactory (e.g. createOnnxBackend) or backends');
    const paths = o.model === undefined ? [] : Array.isArray(o.model) ? o.model : [o.model];
    if (paths.length === 0) throw new InvalidOptionError('no model given: pass --model-path');
    backends = [];
    try {
      for (const p of paths) {
        const m = await resolveModel(p);
        models.push(m);
        const b = await o.backendFactory(m, { device: o.device ?? 'cpu', threads: o.threads });
        created.push(b);
        backends.push(b);
      }
    } catch (e) {
      await Promise.all(created.map((b) => b.dispose()));
      throw e;
    }
  }
  const dispose = async () => {
    await Promise.all(created.map((b) => b.dispose()));
  };
  try {
    const card = mergeModelCards(...backends.map((b) => b.card));
    const name = (i: number) => models[i]?.source ?? `model ${i}`;
    for (let i = 0; i < backends.length; i++) {
      const want = backends[i]!.inputs[0]?.shape[1] ?? backends[i]!.card.inChannels;
      if (typeof want === 'number' && want !== inChannels) {
        throw new ModelMismatchError(
          `${name(i)} expects ${want} input channel${want === 1 ? '' : 's'} but ${o.input} has ${inChannels}; use a model trained for this input`,
        );
      }
    }
    const fixed = backends.map(fixedSpatial).find((f) => f !== undefined);
    const patchSize = o.patchSize ?? card.patchSize ?? fixed;
    if (!patchSize || patchSize.length !== 3 || patchSize.some((p) => !Number.isInteger(p) || p < 1)) {
      throw new InvalidOptionError(
        patchSize
          ? `patch size [${patchSize.join(', ')}] must be three positive integers (Z, Y, X)`
          : `the model has no fixed input size and its card names no patch size; pass --patch-size Z,Y,X`,
      );
    }
    for (let i = 0; i < backends.length; i++) {
      const f = fixedSpatial(backends[i]!);
      if (f && f.some((d, a) => d !== patchSize[a])) {
        throw new ModelMismatchError(
          `patch ${patchSize.join('×')} does not fit ${name(i)}, whose input is fixed at ${f.join('×')}; pass --patch-size ${f.join(',')}`,
        );
      }
    }

    let globalMean: number | undefined;
    let globalStd: number | undefined;
    const scheme = o.normalization ?? card.normalization;
    if (scheme === 'global_zscore' && !o.intensityProperties && !card.intensityProperties) {
      const s = computeStatistics
        ? await cachedVolumeStatistics(volume, o.statisticsCacheDir ?? outputForCache, o.signal)
        : { mean: 0, std: 1 };
      globalMean = s.mean;
      globalStd = s.std;
    }
    const normalization = resolveNormalization(
      { normalization: card.normalization, intensityProperties: card.intensityProperties, windowLevel: card.windowLevel, windowWidth: card.windowWidth, clipValue: card.clipValue },
      { normalization: o.normalization, intensityProperties: o.intensityProperties, windowLevel: o.windowLevel, windowWidth: o.windowWidth, clipValue: o.clipValue, globalMean, globalStd },
    );
    const tta = o.tta ?? 'mirroring';
    // octopi clamps its count to 1…8 rather than refusing it.
    const transforms = tta === 'octopi' ? octopiTtaTransforms(Math.min(8, Math.max(1, o.ttaCount ?? 4))) : ttaTransforms(tta, 3, { patchSize });

    const grid = new PatchGrid({ shape: spatialShape, patchSize, overlap });
    let selection = o.bbox ? grid.restrictTo(o.bbox) : grid.all();
    const part = resolvePart({ partId: o.partId, numParts: o.numParts }, o.partEnvironment ?? {});
    selection = selection.part(part.numParts, part.partId);
    const partPatches = selection.ordered('zyx');
    const visitOrder = selection.ordered('morton', volume.chunkShape.slice(-3));

    const config: Record<string, unknown> = {
      input: o.input,
      input_level: o.inputLevel ?? 0,
      input_shape: [...volume.shape],
      input_dtype: volume.dtype,
      // Blend copies it onto the blended logits so a staged finalize writes the input's units and scale.
      input_geometry: volume.geometry,
      models: backends.map((b, i) => ({ source: models[i]?.source ?? null, name: models[i]?.name ?? b.card.name ?? null, sha256: models[i]?.sha256 ?? null })),
      patch_size: patchSize,
      overlap,
      grid: { step_rule: grid.stepRule, padding: grid.padding, positions: grid.positions.map((p) => [...p]) },
      tta,
      tta_transforms: transforms.map((t) => t.name),
      normalization,
      bbox: o.bbox ?? null,
      part_id: part.partId,
      num_parts: part.numParts,
      skip_empty: o.skipEmpty ?? true,
    };
    return {
      volume,
      cache,
      spatialShape,
      inChannels,
      backends,
      models,
      card,
      patchSize,
      overlap,
      normalization,
      transforms,
      grid,
      partPatches,
      visitOrder,
      partId: part.partId,
      numParts: part.numParts,
      batchSize,
      skipEmpty: o.skipEmpty ?? true,
      config,
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}
