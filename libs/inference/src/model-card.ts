/**
 * Model cards: what a model needs (patch size, normalization, classes…) from wherever it is written —
 * ONNX `metadata_props`, a sidecar `voxelflow.json`, or nnU-Net's `plans.json` + `dataset.json`.
 */
import { NORMALIZATION_SCHEMES, readIntensityProperties, type NormalizationScheme } from '@voxelflow/normalization';
import type { ModelCard } from './backend';
import { ModelLoadError } from './errors';

/**
 * The ONNX `metadata_props` key under which VoxelFlow stores a model card as JSON (a `ModelCard`).
 * itk_infer's own keys (`window_level`, `window_width`, `inference_config`) are read as well.
 */
export const MODEL_CARD_METADATA_KEY = 'voxelflow.card';

/** File name of the sidecar card that may sit beside a model file. */
export const SIDECAR_CARD_FILE = 'voxelflow.json';

const SCHEMES: readonly string[] = NORMALIZATION_SCHEMES;

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function numList(v: unknown): number[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.map(num);
  return out.every((x) => x !== undefined) ? (out as number[]) : undefined;
}

/**
 * Normalizes a card-like JSON object (camelCase or snake_case keys) into a ModelCard; unknown keys go
 * to `extra`. `source` names where it came from, for error messages.
 */
export function parseModelCard(json: unknown, source: string): ModelCard {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ModelLoadError(`${source}: the model card is not a JSON object; fix or remove it`);
  }
  const o = json as Record<string, unknown>;
  const pick = (...keys: string[]): unknown => {
    for (const k of keys) if (o[k] !== undefined) return o[k];
    return undefined;
  };
  const card: ModelCard = {};
  const known = new Set<string>();
  const take = (...keys: string[]) => {
    keys.forEach((k) => known.add(k));
    return pick(...keys);
  };
  const name = take('name', 'model_name');
  if (typeof name === 'string') card.name = name;
  const patch = numList(take('patchSize', 'patch_size'));
  if (patch) card.patchSize = patch;
  const inCh = num(take('inChannels', 'in_channels'));
  if (inCh !== undefined) card.inChannels = inCh;
  const nc = num(take('numClasses', 'num_classes', 'out_channels'));
  if (nc !== undefined) card.numClasses = nc;
  const labels = take('labels', 'class_names');
  if (Array.isArray(labels) && labels.every((l) => typeof l === 'string')) card.labels = labels as string[];
  const norm = take('normalization', 'normalization_scheme');
  if (norm !== undefined) {
    if (typeof norm !== 'string' || !SCHEMES.includes(norm)) {
      throw new ModelLoadError(
        `${source}: unknown normalization ${JSON.stringify(norm)}; use one of ${SCHEMES.join(', ')}`,
      );
    }
    card.normalization = norm as NormalizationScheme;
  }
  const ip = take('intensityProperties', 'intensity_properties');
  if (ip !== undefined) card.intensityProperties = readIntensityProperties(ip, { source });
  const wl = num(take('windowLevel', 'window_level'));
  if (wl !== undefined) card.windowLevel = wl;
  const ww = num(take('windowWidth', 'window_width'));
  if (ww !== undefined) card.windowWidth = ww;
  const clip = num(take('clipValue', 'clip_value'));
  if (clip !== undefined) card.clipValue = clip;
  const spacing = numList(take('spacing'));
  if (spacing) card.spacing = spacing;
  const layout = take('layout');
  if (layout === '3d' || layout === '2.5d') card.layout = layout;
  const layers = num(take('layers'));
  if (layers !== undefined) card.layers = layers;
  const act = take('activation');
  if (act === 'softmax' || act === 'sigmoid' || act === 'none') card.activation = act;
  const extra = Object.fromEntries(Object.entries(o).filter(([k]) => !known.has(k) && k !== 'extra'));
  const given = o['extra'];
  if (given && typeof given === 'object') Object.assign(extra, given);
  if (Object.keys(extra).length) card.extra = extra;
  return card;
}

/**
 * The card carried in ONNX `metadata_props`: VoxelFlow's JSON card under `voxelflow.card`, and
 * itk_infer's keys (`window_level`, `window_width` as numbers in strings, `inference_config` JSON with
 * `patch_size`). VoxelFlow's card wins where both speak.
 */
export function modelCardFromMetadata(props: Readonly<Record<string, string>>, source: string): ModelCard {
  const itk: ModelCard = {};
  const wl = num(props['window_level']);
  const ww = num(props['window_width']);
  if (wl !== undefined) itk.windowLevel = wl;
  if (ww !== undefined) itk.windowWidth = ww;
  if (wl !== undefined && ww !== undefined) itk.normalization = 'window';
  if (props['inference_config']) {
    let cfg: unknown;
    try {
      cfg = JSON.parse(props['inference_config']);
    } catch {
      throw new ModelLoadError(`${source}: metadata inference_config is not valid JSON; re-export the model`);
    }
    const c = cfg as Record<string, unknown>;
    const patch = numList(c['patch_size']);
    if (patch) itk.patchSize = patch;
    const stride = numList(c['patch_stride']);
    if (stride) itk.extra = { patchStride: stride };
  }
  const raw = props[MODEL_CARD_METADATA_KEY];
  if (raw === undefined) return itk;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ModelLoadError(`${source}: metadata ${MODEL_CARD_METADATA_KEY} is not valid JSON; re-export the model`);
  }
  return mergeModelCards(itk, parseModelCard(json, `${source} (${MODEL_CARD_METADATA_KEY})`));
}

/**
 * A card from nnU-Net's `plans.json` and `dataset.json`: patch size and spacing of the configuration
 * (3d_fullres unless named), the normalization its channel names imply, CT statistics, labels.
 */
export function modelCardFromNnunet(plans: unknown, dataset: unknown, configuration = '3d_fullres'): ModelCard {
  const p = plans as Record<string, unknown>;
  const configs = (p?.['configurations'] ?? {}) as Record<string, Record<string, unknown>>;
  // `inherits_from` chains: resolve parent keys first, child keys win.
  const resolveConfig = (name: string, depth = 0): Record<string, unknown> => {
    const c = configs[name];
    if (!c || depth > 8) {
      throw new ModelLoadError(
        `plans.json has no configuration "${name}" (has: ${Object.keys(configs).join(', ')}); name one that exists`,
      );
    }
    const parent = typeof c['inherits_from'] === 'string' ? resolveConfig(c['inherits_from'], depth + 1) : {};
    return { ...parent, ...c };
  };
  const cfg = resolveConfig(configuration);
  const card: ModelCard = { layout: '3d', activation: 'softmax' };
  const patch = numList(cfg['patch_size']);
  if (patch) card.patchSize = patch;
  const spacing = numList(cfg['spacing']);
  // nnU-Net keeps spacing in array order (z, y, x); the card's spacing is (x, y, z).
  if (spacing) card.spacing = [...spacing].reverse();
  const d = (dataset ?? {}) as Record<string, unknown>;
  const channels = (d['channel_names'] ?? d['modality'] ?? {}) as Record<string, string>;
  const first = channels['0'];
  card.inChannels = Object.keys(channels).length || undefined;
  if (card.inChannels === undefined) delete card.inChannels;
  // nnU-Net: "CT" → CT normalization, "noNorm" → none, anything else z-score over the whole image
  // (global_zscore: the engine computes the volume's statistics in one streaming pass).
  card.normalization = first === undefined ? 'instance_zscore' : /^ct$/i.test(first) ? 'ct' : first === 'noNorm' ? 'none' : first === 'rescale_to_0_1' ? 'instance_minmax' : 'global_zscore';
  if (card.normalization === 'ct' && p['foreground_intensity_properties_per_channel'] !== undefined) {
    card.intensityProperties = readIntensityProperties(plans, { source: 'plans.json' });
  }
  const labels = d['labels'] as Record<string, unknown> | undefined;
  if (labels && typeof labels === 'object') {
    const entries = Object.entries(labels)
      .filter(([, v]) => typeof v === 'number')
      .sort((a, b) => (a[1] as number) - (b[1] as number));
    card.labels = entries.map(([k]) => k);
    card.numClasses = entries.length;
  }
  return card;
}

/** Merges cards left to right: later cards' defined fields win; `extra` objects are merged. */
export function mergeModelCards(...cards: (ModelCard | undefined)[]): ModelCard {
  const out: ModelCard = {};
  for (const c of cards) {
    if (!c) continue;
    for (const [k, v] of Object.entries(c)) {
      if (v === undefined) continue;
      if (k === 'extra') out.extra = { ...out.extra, ...(v as Record<string, unknown>) };
      else (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}
