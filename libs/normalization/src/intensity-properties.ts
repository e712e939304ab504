import { InvalidIntensityPropertiesError } from './errors';

/**
 * Foreground intensity statistics of one channel, as nnU-Net stores them in
 * `plans.json` → `foreground_intensity_properties_per_channel["0"]`.
 */
export interface IntensityProperties {
  /** Mean foreground intensity. */
  mean: number;
  /** Standard deviation of the foreground intensities. */
  std: number;
  /** 0.5th percentile: the lower clip of `ct` normalization. */
  percentile_00_5: number;
  /** 99.5th percentile: the upper clip of `ct` normalization. */
  percentile_99_5: number;
  /** Smallest foreground intensity (informative; not used by any scheme). */
  min?: number;
  /** Largest foreground intensity (informative; not used by any scheme). */
  max?: number;
  /** Median foreground intensity (informative; not used by any scheme). */
  median?: number;
}

/** Options of {@link readIntensityProperties}. */
export interface ReadIntensityPropertiesOptions {
  /** Channel to take from nnU-Net plans (default 0). */
  readonly channel?: number;
  /** Where the JSON came from (file path or URL), for error messages. */
  readonly source?: string;
}

const REQUIRED = ['mean', 'std', 'percentile_00_5', 'percentile_99_5'] as const;
const OPTIONAL = ['min', 'max', 'median'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads intensity statistics from any of the JSON shapes villa's `--intensity-properties-json`
 * accepted:
 *
 * 1. `{"intensity_properties": {mean, std, percentile_00_5, percentile_99_5, …}}`
 * 2. flat `{mean, std, percentile_00_5, percentile_99_5, …}`
 * 3. nnU-Net plans: `{"foreground_intensity_properties_per_channel": {"0": {…}}}` (or the older
 *    `foreground_intensity_properties_by_modality`)
 *
 * @param json - the parsed JSON
 * @param options - channel for nnU-Net plans, and the source name for messages
 * @returns the four required statistics plus min/max/median when present
 * @throws {@link InvalidIntensityPropertiesError} if no shape matches, a value is missing or not a
 *   finite number, std is negative, or percentile_00_5 > percentile_99_5
 */
export function readIntensityProperties(json: unknown, options: ReadIntensityPropertiesOptions = {}): IntensityProperties {
  const where = options.source ?? 'intensity properties';
  const channel = options.channel ?? 0;
  let props: unknown;
  if (isObject(json) && isObject(json['intensity_properties'])) {
    props = json['intensity_properties'];
  } else if (isObject(json) && (isObject(json['foreground_intensity_properties_per_channel']) || isObject(json['foreground_intensity_properties_by_modality']))) {
    const key = isObject(json['foreground_intensity_properties_per_channel'])
      ? 'foreground_intensity_properties_per_channel'
      : 'foreground_intensity_properties_by_modality';
    const perChannel = json[key] as Record<string, unknown>;
    props = perChannel[String(channel)];
    if (!isObject(props)) {
      throw new InvalidIntensityPropertiesError(
        `${where}: ${key} has no channel "${channel}" (channels: ${Object.keys(perChannel).join(', ') || 'none'})`,
      );
    }
  } else if (isObject(json) && 'mean' in json) {
    props = json;
  } else {
    throw new InvalidIntensityPropertiesError(
      `${where}: no intensity statistics found: expected {"intensity_properties": {...}}, a flat {mean, std, percentile_00_5, percentile_99_5}, or nnU-Net plans with foreground_intensity_properties_per_channel`,
    );
  }
  return checkIntensityProperties(props as Record<string, unknown>, where);
}

/**
 * Validates an object that should hold intensity statistics and returns a clean copy.
 *
 * @param props - object with the statistics
 * @param where - what it is, for messages
 * @throws {@link InvalidIntensityPropertiesError} on a missing or non-finite value, a negative std,
 *   or percentile_00_5 > percentile_99_5
 */
export function checkIntensityProperties(props: Record<string, unknown>, where = 'intensity properties'): IntensityProperties {
  const out: Record<string, number> = {};
  for (const k of REQUIRED) {
    const v = props[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidIntensityPropertiesError(`${where}: '${k}' must be a finite number, got ${JSON.stringify(v) ?? 'nothing'}`);
    }
    out[k] = v;
  }
  for (const k of OPTIONAL) {
    const v = props[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidIntensityPropertiesError(`${where}: '${k}' must be a finite number when present, got ${JSON.stringify(v)}`);
    }
    out[k] = v;
  }
  const p = out as unknown as IntensityProperties;
  if (p.std < 0) throw new InvalidIntensityPropertiesError(`${where}: 'std' must not be negative, got ${p.std}`);
  if (p.percentile_00_5 > p.percentile_99_5) {
    throw new InvalidIntensityPropertiesError(
      `${where}: percentile_00_5 (${p.percentile_00_5}) is above percentile_99_5 (${p.percentile_99_5})`,
    );
  }
  return p;
}
