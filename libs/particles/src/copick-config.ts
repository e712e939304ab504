/**
 * The copick project config (copick's `CopickConfigFSSpec`): pickable objects, the overlay and static
 * roots, and the default user and session. Parsed and validated with copick's rules so that a
 * config copick would refuse is refused here too, with a message naming the field.
 */
import { checkCopickName, copickNameProblem } from './copick-names';
import { CopickConfigError } from './errors';

/** One entry of `pickable_objects`. Field names are copick's. */
export interface PickableObject {
  /** The object's name, as it appears in picks and segmentation file names (so no '_' and nothing path-unsafe). */
  name: string;
  /** True when the object is a particle (shown as points); only these are localized and evaluated. */
  is_particle: boolean;
  /** Value of this object in multilabel segmentations (≥ 1; 0 is background). copick's default is 1. */
  label: number;
  /** RGBA, 0–255 each. */
  color: [number, number, number, number];
  /** Particle radius in Å, or null when the config gives none. */
  radius: number | null;
  /** EMDB (Electron Microscopy Data Bank) id of a reference map, or null. Kept for round trips; not used here. */
  emdb_id?: string | null;
  /** PDB (Protein Data Bank) id of a reference structure, or null. Kept for round trips; not used here. */
  pdb_id?: string | null;
  /** GO / UniProtKB / PDB identifier, or null; copick's older key `go_id` is read into it. */
  identifier?: string | null;
  /** Isosurface level of the object's density map (`Objects/<name>.zarr`), or null. Not used here. */
  map_threshold?: number | null;
  /** Free-form; octopi reads `metadata.weight` as the evaluation class weight. */
  metadata: Record<string, unknown>;
}

/** A filesystem copick config. Unknown keys are kept in `extra`. */
export interface CopickConfig {
  /** Always 'filesystem': the only copick backend this package opens (not cryoet_data_portal). A config without the key is one. */
  config_type: 'filesystem';
  /** Project name (copick's default "CoPick"). */
  name: string;
  /** Free-text description (copick's default "Let's CoPick!"). */
  description: string;
  /** Config version string (copick's default "0.2.0"); nothing checks it. */
  version: string;
  /** The objects that can be picked or segmented, in config order; names are unique. */
  pickable_objects: PickableObject[];
  /** Default user id for new picks and segmentations, or null; held to copick's naming rules (no '_'). */
  user_id: string | null;
  /** Default session id, or null; held to copick's naming rules (no '_'). */
  session_id: string | null;
  /** Where new picks, segmentations and logs go (a copick root URL: local://, file://, s3://, or a path). */
  overlay_root: string;
  /** Read-only root (tomograms); null means the overlay root. */
  static_root: string | null;
  /**
   * fsspec keyword arguments copick passes when opening the overlay root (e.g. `{"auto_mkdir": true}`).
   * Kept and written back; this package opens roots through its own stores and does not read them.
   */
  overlay_fs_args?: Record<string, unknown>;
  /** fsspec keyword arguments for the static root; kept and written back, not read here. */
  static_fs_args?: Record<string, unknown>;
  /** Keys this package does not interpret, kept for round trips. */
  extra: Record<string, unknown>;
}

const KNOWN_KEYS = new Set([
  'config_type',
  'name',
  'description',
  'version',
  'pickable_objects',
  'user_id',
  'session_id',
  'overlay_root',
  'static_root',
  'overlay_fs_args',
  'static_fs_args',
]);

const DEFAULT_COLOR: [number, number, number, number] = [100, 100, 100, 255];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses and validates the text of a copick config. `configPath` is only used in messages.
 * Throws {@link CopickConfigError} (or `InvalidCopickNameError` for ids and names copick would refuse).
 */
export function parseCopickConfig(text: string, configPath: string): CopickConfig {
  const fail = (msg: string): never => {
    throw new CopickConfigError(`copick config ${configPath}: ${msg}`, configPath);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(doc)) return fail('the top level is not a JSON object');

  const configType = doc.config_type ?? 'filesystem';
  if (configType !== 'filesystem') {
    fail(`config_type ${JSON.stringify(configType)} is not supported; only "filesystem" projects (overlay_root/static_root) are`);
  }
  const str = (key: string, fallback: string): string => {
    const v = doc[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') return fail(`${key} must be a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const optionalId = (key: 'user_id' | 'session_id'): string | null => {
    const v = doc[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') return fail(`${key} must be a string, got ${JSON.stringify(v)}`);
    return checkCopickName(key === 'user_id' ? 'user id' : 'session id', v);
  };
  const fsArgs = (key: string): Record<string, unknown> | undefined => {
    const v = doc[key];
    if (v === undefined || v === null) return undefined;
    if (!isRecord(v)) return fail(`${key} must be an object, got ${JSON.stringify(v)}`);
    return v;
  };

  if (!Array.isArray(doc.pickable_objects)) fail('pickable_objects is missing or not a list');
  const objects = (doc.pickable_objects as unknown[]).map((o, i) => parsePickableObject(o, `pickable_objects[${i}]`, fail));
  const seen = new Map<string, number>();
  objects.forEach((o, i) => {
    const j = seen.get(o.name);
    if (j !== undefined) fail(`pickable_objects[${i}] repeats the name '${o.name}' of pickable_objects[${j}]`);
    seen.set(o.name, i);
  });

  const overlay = doc.overlay_root;
  if (typeof overlay !== 'string' || overlay.length === 0) fail('overlay_root is missing; a filesystem config needs it (e.g. "local:///path/to/project")');
  const staticRoot = doc.static_root;
  if (staticRoot !== undefined && staticRoot !== null && typeof staticRoot !== 'string') fail(`static_root must be a string or null, got ${JSON.stringify(staticRoot)}`);

  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!KNOWN_KEYS.has(k)) extra[k] = v;
  const overlayFsArgs = fsArgs('overlay_fs_args');
  const staticFsArgs = fsArgs('static_fs_args');
  return {
    config_type: 'filesystem',
    name: str('name', 'CoPick'),
    description: str('description', "Let's CoPick!"),
    version: str('version', '0.2.0'),
    pickable_objects: objects,
    user_id: optionalId('user_id'),
    session_id: optionalId('session_id'),
    overlay_root: overlay as string,
    static_root: typeof staticRoot === 'string' && staticRoot.length > 0 ? staticRoot : null,
    ...(overlayFsArgs ? { overlay_fs_args: overlayFsArgs } : {}),
    ...(staticFsArgs ? { static_fs_args: staticFsArgs } : {}),
    extra,
  };
}

function parsePickableObject(o: unknown, where: string, fail: (msg: string) => never): PickableObject {
  if (!isRecord(o)) return fail(`${where} is not an object`);
  if (typeof o.name !== 'string') return fail(`${where}.name is missing or not a string`);
  const nameProblem = copickNameProblem('object name', o.name);
  if (nameProblem !== undefined) fail(`${where}.name '${o.name}' is invalid: ${nameProblem}`);
  if (typeof o.is_particle !== 'boolean') fail(`${where} ('${o.name}') needs is_particle: true or false`);
  const label = o.label ?? 1;
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 1) {
    fail(`${where} ('${o.name}') has label ${JSON.stringify(label)}; labels are integers ≥ 1 (0 is background)`);
  }
  const radius = o.radius ?? null;
  if (radius !== null && (typeof radius !== 'number' || !(radius > 0))) fail(`${where} ('${o.name}') has radius ${JSON.stringify(radius)}; radii are positive numbers in Å`);
  const color = o.color ?? DEFAULT_COLOR;
  if (!Array.isArray(color) || color.length !== 4 || !color.every((c) => typeof c === 'number' && c >= 0 && c <= 255)) {
    fail(`${where} ('${o.name}') has color ${JSON.stringify(color)}; colors are [r, g, b, a] with values 0–255`);
  }
  const metadata = o.metadata ?? {};
  if (!isRecord(metadata)) fail(`${where} ('${o.name}') has metadata ${JSON.stringify(metadata)}; it must be an object`);
  const out: PickableObject = {
    name: o.name,
    is_particle: o.is_particle as boolean,
    label: label as number,
    color: [...(color as number[])] as [number, number, number, number],
    radius: radius as number | null,
    metadata: metadata as Record<string, unknown>,
  };
  for (const k of ['emdb_id', 'pdb_id', 'identifier', 'map_threshold'] as const) {
    if (o[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = o[k];
  }
  if (o.go_id !== undefined && out.identifier === undefined) out.identifier = o.go_id as string | null;
  return out;
}

/** The evaluation weight of an object: `metadata.weight` when it is a non-negative number, else 1. */
export function objectWeight(object: PickableObject): number {
  const w = object.metadata.weight;
  return typeof w === 'number' && Number.isFinite(w) && w >= 0 ? w : 1;
}

/** The config as copick would write it back (extra keys kept). */
export function copickConfigToJson(config: CopickConfig): Record<string, unknown> {
  const { extra, ...rest } = config;
  return { ...rest, ...extra };
}
