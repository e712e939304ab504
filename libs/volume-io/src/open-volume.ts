/**
 * `openVolume(url)`: one entry point for every format. The format is forced by `options.format` or
 * detected: a file name (.nii/.nii.gz/.mha/.mhd/.nrrd → medical image, .tif/.tiff → multi-page TIFF),
 * then Zarr metadata at the URL (`.zarray` → zarr2, `zarr.json` array → zarr3, a group with NGFF
 * multiscales → ome-zarr), then the folder's content (`layers/` → layer folder, .tif files → TIFF stack).
 */
import { openStore, type Store } from '@voxelflow/remote-storage';
import { defaultChunkCache, type ChunkCache } from './chunk-cache';
import { VolumeNotFoundError } from './errors';
import {
  isTiffName,
  medicalImageFormat,
  numberedFiles,
  openLayerFolder,
  openMedicalImage,
  openTiffFile,
  openTiffStack,
  type MedicalImageWriteOptions,
  type OpenLayerFolderOptions,
  type OpenTiffStackOptions,
} from './formats';
import type { Volume, VolumeFormat } from './types';
import { detectZarrNode, openZarr } from './zarr/open-zarr';

/** Options of {@link openVolume}. */
export interface OpenVolumeOptions {
  /** Force the format instead of detecting it. */
  format?: VolumeFormat;
  /** OME-Zarr level: an index (0 = highest resolution, the default) or a dataset path ('0', 's1'…). */
  level?: number | string;
  /** Decoded-chunk cache of Zarr volumes (default `defaultChunkCache`). */
  cache?: ChunkCache;
  /** Zarr: store chunks that are entirely fill value (default false: skip and delete them). */
  writeEmptyChunks?: boolean;
  /** Layer folders: the layer range (default: every numbered layer found). */
  layers?: OpenLayerFolderOptions;
  /** TIFF stacks: slice cache and rewrite compression. */
  tiffStack?: OpenTiffStackOptions;
  /** NIfTI / MetaImage / NRRD: options for rewriting the file. */
  medicalImage?: MedicalImageWriteOptions;
  /** Reuse an opened store whose root is `url` (Zarr and folder formats). */
  store?: Store;
}

const LAYER_FILE = /\.(tif|tiff|png|jpg)$/i;
const MEDICAL: readonly VolumeFormat[] = ['nifti', 'metaimage', 'nrrd'];

/** Opens the volume at `url` (path, file://, s3://, http(s)://, hf://); see the module comment. */
export async function openVolume(url: string, options: OpenVolumeOptions = {}): Promise<Volume> {
  const format = options.format;
  if (format !== undefined ? MEDICAL.includes(format) : medicalImageFormat(url) !== undefined) {
    return openMedicalImage(url, options.medicalImage);
  }
  if (format === 'tiff' || (format === undefined && isTiffName(url))) return openTiffFile(url);
  const store = options.store ?? (await openStore(url));
  if (format === 'tiff-stack') return openTiffStack(store, options.tiffStack);
  if (format === 'layers') return openLayerFolder(store, options.layers ?? (await allLayers(store)));
  const cache = options.cache ?? defaultChunkCache;
  const zarrOptions = {
    cache,
    ...(options.level !== undefined ? { level: options.level } : {}),
    ...(options.writeEmptyChunks !== undefined ? { writeEmptyChunks: options.writeEmptyChunks } : {}),
  };
  if (format === 'zarr2' || format === 'zarr3' || format === 'ome-zarr') return openZarr(store, '', { ...zarrOptions, format });
  if ((await detectZarrNode(store, '')) !== undefined) return openZarr(store, '', zarrOptions);

  const keys = await store.list();
  if (keys.some((k) => k.startsWith('layers/') && LAYER_FILE.test(k))) {
    return openLayerFolder(store, options.layers ?? (await allLayers(store, keys)));
  }
  if (keys.some((k) => !k.includes('/') && isTiffName(k))) return openTiffStack(store, options.tiffStack);
  throw new VolumeNotFoundError(
    `no volume at ${store.url}: no Zarr metadata, no layers/ folder, no .tif files and no known file extension (.zarr, .nii, .nii.gz, .mha, .mhd, .nrrd, .tif); check the path or pass format`,
    store.url,
  );
}

/** The range of every numbered layer in a segment folder (`layers/NN.tif`) or a layers folder. */
async function allLayers(store: Store, listed?: string[]): Promise<OpenLayerFolderOptions> {
  const keys = listed ?? (await store.list());
  const inLayers = numberedFiles(keys, { prefix: 'layers/', extension: LAYER_FILE, wholeNameNumeric: true, folderUrl: store.url });
  const files = inLayers.length > 0 ? inLayers : numberedFiles(keys, { extension: LAYER_FILE, wholeNameNumeric: true, folderUrl: store.url });
  if (files.length === 0) return { start: 0, end: 0 }; // openLayerFolder reports "no layers" with the path
  return { start: files[0]!.index, end: files[files.length - 1]!.index + 1 };
}
