/**
 * Creating Zarr volumes and OME-Zarr groups at a URL. (TIFF stacks, NIfTI & co. are created with
 * `createTiffStack`, `createMedicalImage`… from the file formats.)
 */
import { openStore, type Store } from '@voxelflow/remote-storage';
import { defaultChunkCache, type ChunkCache } from './chunk-cache';
import { createOmeZarrIn, omeZarrHandle, type CreateOmeZarrOptions, type OmeZarr } from './zarr/create-ome-zarr';
import { createZarr, type CreateZarrOptions } from './zarr/create-zarr';
import type { ZarrVolume } from './zarr/zarr-volume';

/** Options of {@link createVolume}. */
export interface CreateVolumeOptions extends CreateZarrOptions {
  /** Reuse an opened store whose root is `url`. */
  store?: Store;
}

/**
 * Creates a Zarr v2 or v3 array at `url` and returns it as a volume (metadata is written at once,
 * chunks as they are written). An identical existing array (format, shape, dtype, chunks) is reused,
 * so reruns resume; a different one is a `VolumeExistsError` unless `overwrite: true`.
 */
export async function createVolume(url: string, options: CreateVolumeOptions): Promise<ZarrVolume> {
  const store = options.store ?? (await openStore(url));
  return createZarr(store, '', options);
}

/** Options of {@link createOmeZarr}. */
export interface CreateOmeZarrAtOptions extends CreateOmeZarrOptions {
  /** Reuse an opened store whose root is `url`. */
  store?: Store;
}

/**
 * Creates an OME-Zarr multiscale group at `url`: arrays '0', '1', … (Zarr v2 for NGFF 0.4, v3 for
 * 0.5) and validated NGFF metadata with a scale (and translation) per level. Returns the level volumes.
 */
export async function createOmeZarr(url: string, options: CreateOmeZarrAtOptions): Promise<OmeZarr> {
  const store = options.store ?? (await openStore(url));
  return createOmeZarrIn(store, '', options);
}

/** Opens every level of the OME-Zarr group at `url`. */
export async function openOmeZarr(url: string, options: { cache?: ChunkCache; store?: Store; writeEmptyChunks?: boolean } = {}): Promise<OmeZarr> {
  const store = options.store ?? (await openStore(url));
  return omeZarrHandle(store, '', undefined, options.cache ?? defaultChunkCache, options.writeEmptyChunks);
}
