/**
 * Where the container reads and writes: URL hygiene for the paths users pass (a trailing slash on
 * `S3_PATH` is common), and the names of every output — the defaults of the reference container.
 */

/** `s3://b/seg/` → `s3://b/seg`; `s3://b//seg` → `s3://b/seg`; local paths lose trailing slashes only. */
export function trimUrl(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]+:\/\/)(.*)$/.exec(url.trim());
  if (m === null) {
    const t = url.trim();
    return t.length > 1 ? t.replace(/\/+$/, '') : t;
  }
  return m[1]! + m[2]!.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
}

/** Joins a folder URL or path and relative parts with single slashes. */
export function joinUrl(base: string, ...parts: string[]): string {
  return [trimUrl(base), ...parts.map((p) => p.replace(/^\/+|\/+$/g, ''))].filter((p) => p !== '').join('/');
}

/** A layer number as the reference container prints it in names: at least two digits (`00`, `26`, `112`). */
export function layerToken(n: number): string {
  return String(n).padStart(2, '0');
}

/** The reference container's default surface-volume location: `/tmp/surface_volume_SS_EE.zarr`. */
export function defaultSurfaceVolumePath(start: number, end: number): string {
  return `/tmp/surface_volume_${layerToken(start)}_${layerToken(end)}.zarr`;
}

/** Default folder of the partition accumulators. */
export const DEFAULT_PARTITION_DIR = '/tmp/partitions';

/** Default file the final URI is written to, read by Argo as an output parameter. */
export const DEFAULT_RESULT_URL_FILE = '/tmp/result_s3_url.txt';

/**
 * `prediction_<MODEL>_<SS>_<EE>.png` (or `.tif`): the model label and the layer range with two-digit
 * numbers, e.g. `prediction_timesformer-scroll5_00_26.png`.
 */
export function predictionFileName(modelLabel: string, start: number, end: number, format: 'png' | 'tiff'): string {
  return `prediction_${modelLabel}_${layerToken(start)}_${layerToken(end)}.${format === 'png' ? 'png' : 'tif'}`;
}

/** Where the prediction goes: `OUTPUT_PATH` when set, else `<S3_PATH>/predictions/<file name>`. */
export function predictionUrl(s3Path: string, fileName: string, outputPath?: string): string {
  return outputPath !== undefined ? trimUrl(outputPath) : joinUrl(s3Path, 'predictions', fileName);
}

/** `mask_pred_part_007.zarr`: Σ w·p of one partition (the reference container's name). */
export function predPartName(partId: number): string {
  return `mask_pred_part_${String(partId).padStart(3, '0')}.zarr`;
}

/** `mask_count_part_007.zarr`: Σ w of one partition; its attributes carry the completion marker. */
export function countPartName(partId: number): string {
  return `mask_count_part_${String(partId).padStart(3, '0')}.zarr`;
}
