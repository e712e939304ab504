/**
 * copick picks JSON (`CopickPicksFile`): read with copick's defaults for the fields older files omit,
 * written with copick's field names and order (`transformation_` keeps its trailing underscore) and
 * `json.dump(..., indent=4)` layout.
 */
import { MalformedPicksError } from './errors';

/** A point location in Å, measured from the tomogram origin (voxel index = Å / voxel size). */
export interface PointXYZ {
  /** x in Å (the fastest array axis, the last of z, y, x). */
  x: number;
  /** y in Å. */
  y: number;
  /** z in Å (the slowest array axis, the first of z, y, x). */
  z: number;
}

/** One pick. Field names are copick's. */
export interface CopickPoint {
  /** Position in Å, x/y/z, from the tomogram origin. */
  location: PointXYZ;
  /** 4×4 object-to-tomogram transform, last row [0, 0, 0, 1]. */
  transformation_: number[][];
  /** Instance the point belongs to (copick's default 0; octopi always writes 0). */
  instance_id: number;
  /** Confidence (copick's default 1; octopi writes 1 for every pick, this package the region's size relative to the particle's sphere). */
  score: number;
}

/** A picks file. Field names and order are copick's. */
export interface CopickPicks {
  /** The object picked; one of the config's `pickable_objects`. */
  pickable_object_name: string;
  /** Who made the picks (the `<user>` of the file name). */
  user_id: string;
  /** The session (the `<session>` of the file name). */
  session_id: string;
  /** The run the picks belong to, or null (older files omit it). */
  run_name: string | null;
  /** Informational voxel spacing in Å, or null (octopi and this package write null); locations are in Å regardless. */
  voxel_spacing: number | null;
  /** Unit of the locations: "angstrom" (copick's default and only value in practice). */
  unit: string;
  /** The picks, in file order. */
  points: CopickPoint[];
  /** Whether the points' `transformation_` orientations can be trusted (copick's default true; octopi and this package write true). */
  trust_orientation: boolean;
}

/** A new 4×4 identity matrix. */
export function identityTransform(): number[][] {
  return [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a picks file. Missing `score` is 1, `instance_id` 0, `transformation_` the identity,
 * `trust_orientation` true, `unit` "angstrom" (the Kaggle files omit several of these).
 * Throws {@link MalformedPicksError} naming `file` and the first problem.
 */
export function parsePicks(text: string, file: string): CopickPicks {
  const bad = (problem: string): never => {
    throw new MalformedPicksError(file, problem);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return bad(`not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(doc)) return bad('the top level is not a JSON object');
  if (!Array.isArray(doc.points)) bad(doc.points === undefined ? 'it has no "points" list' : `"points" is ${JSON.stringify(doc.points)}, not a list`);
  const text_ = (key: string, fallback: string): string => {
    const v = doc[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') return bad(`"${key}" is ${JSON.stringify(v)}, not a string`);
    return v;
  };
  const points = (doc.points as unknown[]).map((p, i) => parsePoint(p, `points[${i}]`, bad));
  const vs = doc.voxel_spacing;
  if (vs !== undefined && vs !== null && typeof vs !== 'number') bad(`"voxel_spacing" is ${JSON.stringify(vs)}, not a number or null`);
  const trust = doc.trust_orientation;
  if (trust !== undefined && typeof trust !== 'boolean') bad(`"trust_orientation" is ${JSON.stringify(trust)}, not true or false`);
  const runName = doc.run_name;
  if (runName !== undefined && runName !== null && typeof runName !== 'string') bad(`"run_name" is ${JSON.stringify(runName)}, not a string`);
  return {
    pickable_object_name: text_('pickable_object_name', ''),
    user_id: text_('user_id', ''),
    session_id: text_('session_id', ''),
    run_name: typeof runName === 'string' ? runName : null,
    voxel_spacing: typeof vs === 'number' ? vs : null,
    unit: text_('unit', 'angstrom'),
    points,
    trust_orientation: typeof trust === 'boolean' ? trust : true,
  };
}

function parsePoint(p: unknown, where: string, bad: (problem: string) => never): CopickPoint {
  if (!isRecord(p)) return bad(`${where} is not an object`);
  const loc = p.location;
  if (!isRecord(loc)) return bad(`${where} has no "location" object`);
  const coord = (axis: 'x' | 'y' | 'z'): number => {
    const v = loc[axis];
    if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`${where}.location.${axis} is ${JSON.stringify(v)}, expected a number (Å)`);
    return v;
  };
  const location = { x: coord('x'), y: coord('y'), z: coord('z') };
  let transformation = identityTransform();
  if (p.transformation_ !== undefined && p.transformation_ !== null) {
    const t = p.transformation_;
    const ok = Array.isArray(t) && t.length === 4 && t.every((row) => Array.isArray(row) && row.length === 4 && row.every((v) => typeof v === 'number' && Number.isFinite(v)));
    if (!ok) bad(`${where}.transformation_ is not a 4×4 matrix of numbers`);
    const m = t as number[][];
    if (m[3]![0] !== 0 || m[3]![1] !== 0 || m[3]![2] !== 0 || m[3]![3] !== 1) bad(`${where}.transformation_ has last row ${JSON.stringify(m[3])}; copick requires [0, 0, 0, 1]`);
    transformation = m.map((row) => [...row]);
  }
  const id = p.instance_id ?? 0;
  if (typeof id !== 'number' || !Number.isInteger(id)) bad(`${where}.instance_id is ${JSON.stringify(id)}, not an integer`);
  const score = p.score ?? 1;
  if (typeof score !== 'number' || !Number.isFinite(score)) bad(`${where}.score is ${JSON.stringify(score)}, not a number`);
  return { location, transformation_: transformation, instance_id: id as number, score: score as number };
}

/** The file text copick writes for `picks` (`json.dump(model_dump(), indent=4)`: 4-space indent, no final newline). */
export function formatPicks(picks: CopickPicks): string {
  // Rebuilt field by field so the key order is copick's whatever order the caller's objects use.
  const doc = {
    pickable_object_name: picks.pickable_object_name,
    user_id: picks.user_id,
    session_id: picks.session_id,
    run_name: picks.run_name,
    voxel_spacing: picks.voxel_spacing,
    unit: picks.unit,
    points: picks.points.map((p) => ({
      location: { x: p.location.x, y: p.location.y, z: p.location.z },
      transformation_: p.transformation_,
      instance_id: p.instance_id,
      score: p.score,
    })),
    trust_orientation: picks.trust_orientation,
  };
  return JSON.stringify(doc, null, 4);
}

/** A point at `location` (Å) with the identity transform, instance 0 and `score` (default 1). */
export function makePoint(location: PointXYZ, score = 1, instanceId = 0): CopickPoint {
  return { location: { x: location.x, y: location.y, z: location.z }, transformation_: identityTransform(), instance_id: instanceId, score };
}
