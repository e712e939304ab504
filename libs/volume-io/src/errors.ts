/**
 * Typed errors of the Zarr side of volume-io. They extend the package's `FormatError` (shared with
 * the file formats), so `instanceof FormatError` catches every volume-io error; messages are one
 * line naming the path and what to do.
 */
import { FormatError } from './formats/errors';

/** A stored chunk that cannot be decoded (truncated, corrupt, or written with other settings). */
export class CorruptChunkError extends FormatError {
  constructor(
    url: string,
    /** Array path inside the store ('' for the root). */
    readonly arrayPath: string,
    /** The chunk's store key. */
    readonly chunkKey: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `chunk ${chunkKey} of ${url}${arrayPath ? ` (array ${arrayPath})` : ''} cannot be decoded (${detail}); delete it or re-write that region`,
      url,
      options,
    );
  }
}

/** Array metadata names a codec VoxelFlow cannot decode or encode. */
export class UnknownCodecError extends FormatError {
  constructor(
    url: string,
    /** The codec's name (`numcodecs.<id>` for Zarr v2 compressors and filters). */
    readonly codec: string,
    /** Codecs that are supported. */
    readonly supported: readonly string[],
    what = 'read',
  ) {
    super(`${url} uses codec "${codec}", which VoxelFlow cannot ${what}; supported: ${supported.join(', ')}; re-encode the array with one of them`, url);
  }
}

/** Nothing readable (no Zarr metadata, no known file) at the location. */
export class VolumeNotFoundError extends FormatError {}

/** Metadata present but unusable: broken JSON, a group where an array was expected, a missing level… */
export class InvalidVolumeMetadataError extends FormatError {}

/** `createVolume` over an existing array or group with different shape, dtype, chunks or format. */
export class VolumeExistsError extends FormatError {}

/** `write` data whose typed array does not hold the volume's dtype. */
export class DTypeMismatchError extends FormatError {}
