/**
 * The Volume contract. Arrays are C-order (last axis fastest): a 3D volume has shape (Z, Y, X),
 * a multi-channel one (C, Z, Y, X). Geometry is physical and follows ITK: `spacing` and `origin`
 * are given for (x, y, z) and `direction` is the row-major 3×3 LPS matrix whose column c is the
 * direction of array axis x, y, z for c = 0, 1, 2.
 */
export type DType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float16' | 'float32' | 'float64';

/**
 * The typed array that holds each dtype. float16 is held as its raw bits in a Uint16Array
 * (Node 20 has no Float16Array); convert with `float16ToFloat32` / `float32ToFloat16`.
 */
export interface DTypeArrayMap {
  /** 8-bit unsigned. */
  uint8: Uint8Array;
  /** 8-bit signed. */
  int8: Int8Array;
  /** 16-bit unsigned. */
  uint16: Uint16Array;
  /** 16-bit signed. */
  int16: Int16Array;
  /** 32-bit unsigned. */
  uint32: Uint32Array;
  /** 32-bit signed. */
  int32: Int32Array;
  /** IEEE half precision, as raw bits. */
  float16: Uint16Array;
  /** IEEE single precision. */
  float32: Float32Array;
  /** IEEE double precision. */
  float64: Float64Array;
}
/** Any typed array that holds voxels of some {@link DType}. */
export type TypedArray = DTypeArrayMap[DType];

/** A dense C-contiguous n-d array. */
export interface NdArray<T extends TypedArray = TypedArray> {
  /** The values in C order (last axis fastest). */
  data: T;
  /** Extent per axis; the product is `data.length`. */
  shape: number[];
  /** The dtype of `data` when known; it tells float16 from uint16 (both are Uint16Array). */
  dtype?: DType;
}

/** A half-open box [start, stop) per axis, in voxels, in the volume's axis order. */
export interface Box {
  /** First voxel inside the box, per axis. */
  start: number[];
  /** First voxel past the box, per axis (exclusive). */
  stop: number[];
}

/** Where the voxels are in physical space (ITK conventions; see the module comment). */
export interface Geometry {
  /** Voxel size along x, y, z (physical units, usually mm; Å for cryo-ET). */
  spacing: [number, number, number];
  /** Physical position of voxel (0, 0, 0), x, y, z. */
  origin: [number, number, number];
  /** Row-major 3×3 direction cosines (LPS), column c = array axis x, y, z. */
  direction: [number, number, number, number, number, number, number, number, number];
  /** Unit of spacing/origin when known ('millimeter', 'micrometer', 'angstrom'…). */
  unit?: string;
}

/**
 * The formats `openVolume` reads: Zarr v2/v3 arrays, OME-Zarr multiscales, TIFF stacks (a folder of
 * one file per slice), multi-page TIFF files, NIfTI, MetaImage (.mha/.mhd), NRRD, and 2.5D layer folders.
 */
export type VolumeFormat =
  | 'zarr2'
  | 'zarr3'
  | 'ome-zarr'
  | 'tiff-stack'
  | 'tiff'
  | 'nifti'
  | 'metaimage'
  | 'nrrd'
  | 'layers';

/** The compression of a Zarr array VoxelFlow writes (Blosc for v2, zstd/gzip for v3, or none). */
export type ZarrCodec =
  | {
      /** Uncompressed chunks. */
      name: 'none';
    }
  | {
      /** Blosc (Zarr v2 compressor, or the v3 blosc codec). */
      name: 'blosc';
      /** Blosc's inner compressor. */
      cname: 'lz4' | 'zstd' | 'zlib' | 'blosclz';
      /** Compression level, 0–9. */
      clevel: number;
      /** Byte or bit shuffle before compressing. */
      shuffle: 'noshuffle' | 'shuffle' | 'bitshuffle';
    }
  | {
      /** Zstandard. */
      name: 'zstd';
      /** Compression level. */
      level: number;
    }
  | {
      /** gzip (deflate). */
      name: 'gzip';
      /** Compression level, 1–9. */
      level: number;
    };

/** A volume in any format: its shape, dtype, chunking and geometry, and box reads and writes. */
export interface Volume {
  /** Where it lives (path or URL), for messages. */
  readonly url: string;
  /** The storage format. */
  readonly format: VolumeFormat;
  /** Array shape, C order: (Z, Y, X), or (C, Z, Y, X) with channels. */
  readonly shape: readonly number[];
  /** Element type of the voxels. */
  readonly dtype: DType;
  /** Storage chunk shape (the whole shape for unchunked formats). */
  readonly chunkShape: readonly number[];
  /** Voxel size, origin, direction and unit (identity geometry when the format has none). */
  readonly geometry: Geometry;
  /** Value of voxels whose chunk is absent. */
  readonly fillValue: number;
  /** Free-form attributes (Zarr attributes, NIfTI description…). */
  readonly attributes: Record<string, unknown>;
  /** The voxels in `box`, as a C-contiguous array of the volume's dtype. Out-of-range boxes are an error. */
  read(box: Box): Promise<NdArray>;
  /** Writes `data` (shape = box extent, the volume's dtype) into `box`. */
  write(box: Box, data: NdArray): Promise<void>;
  /**
   * Whether the storage chunk at chunk-grid index `coords` exists. Absent chunks are fill value;
   * callers use this to skip empty input without reading it. Unchunked formats always answer true.
   */
  hasChunk(coords: readonly number[]): Promise<boolean>;
  /** Flushes whole-file formats (NIfTI, TIFF, MHA) to storage; a no-op for chunked ones. */
  close(): Promise<void>;
  /**
   * Merges `attributes` into the stored attributes (Zarr `.zattrs` / `zarr.json`; the group's for
   * an OME-Zarr level) and updates `attributes`. Formats without free-form attributes omit it.
   */
  setAttributes?(attributes: Record<string, unknown>): Promise<void>;
}
