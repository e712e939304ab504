/**
 * copick's naming rules. copick stores user, session and object in file names joined by '_'
 * (`Picks/<user>_<session>_<object>.json`) and splits them back with `split("_")`, so those names
 * must not contain '_'; its `sanitize_name` also rejects characters that are unsafe in paths.
 */
import { InvalidCopickNameError } from './errors';

/** What kind of name is checked (used in the error message). */
export type CopickNameKind = 'object name' | 'user id' | 'session id' | 'segmentation name' | 'run name' | 'tomogram type';

// sanitize_name's set: path separators, wildcards, quotes, pipes, whitespace and control characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[<>:"/\\|?*\s\u0000-\u001f\u007f]/;

/** The problem with `name` as a copick name of `kind`, or `undefined` when it is fine. */
export function copickNameProblem(kind: CopickNameKind, name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'it is empty';
  // Run names are directory names; copick never splits them, so '_' is allowed there (TS_5_4).
  if (kind !== 'run name' && kind !== 'tomogram type' && name.includes('_')) {
    return "copick names must not contain '_' (it separates user, session and name in file names); use '-' instead";
  }
  const bad = UNSAFE.exec(name);
  if (bad) return `it contains ${JSON.stringify(bad[0])}; copick names must not contain whitespace, control characters or any of < > : " / \\ | ? *`;
  if (kind !== 'run name' && kind !== 'tomogram type' && (name.startsWith('-') || name.endsWith('-'))) {
    return "copick strips leading and trailing '-' from names; remove them";
  }
  if (name.startsWith('.')) return "names starting with '.' are hidden from copick's listings";
  return undefined;
}

/** Throws {@link InvalidCopickNameError} when `name` breaks copick's rules for `kind`; returns it otherwise. */
export function checkCopickName(kind: CopickNameKind, name: string): string {
  const problem = copickNameProblem(kind, name);
  if (problem !== undefined) throw new InvalidCopickNameError(`invalid copick ${kind} '${name}': ${problem}`, kind, name);
  return name;
}

/**
 * A voxel spacing as copick writes it in directory and file names: three decimals, rounded half to
 * even on the exact binary value as Python's `f"{vs:.3f}"` does (JS `toFixed` rounds exact ties up).
 */
export function formatVoxelSpacing(voxelSize: number): string {
  const scaled = voxelSize * 1000;
  const floor = Math.floor(scaled);
  // A true tie needs voxelSize = k/16-ish, for which `scaled` is exact; other values never land on .5.
  if (Number.isFinite(scaled) && scaled - floor === 0.5) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 1000).toFixed(3);
  }
  return voxelSize.toFixed(3);
}

/** `VoxelSpacing10.000` for 10. */
export function voxelSpacingDirName(voxelSize: number): string {
  return `VoxelSpacing${formatVoxelSpacing(voxelSize)}`;
}

/** The voxel size in a `VoxelSpacing<vs>` directory name, or `undefined` for other names. */
export function parseVoxelSpacingDirName(name: string): number | undefined {
  const m = /^VoxelSpacing(\d+(?:\.\d*)?|\.\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The picks file name `<user>_<session>_<object>.json`. */
export function picksFileName(objectName: string, userId: string, sessionId: string): string {
  return `${userId}_${sessionId}_${objectName}.json`;
}

/** User, session and object of a picks file name, or `undefined` when it is not one. */
export function parsePicksFileName(fileName: string): {
  /** The first part: the user id. */
  userId: string;
  /** The second part: the session id. */
  sessionId: string;
  /** The third part: the pickable object's name. */
  objectName: string
} | undefined {
  if (!fileName.endsWith('.json')) return undefined;
  const parts = fileName.slice(0, -'.json'.length).split('_');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) return undefined;
  return { userId: parts[0]!, sessionId: parts[1]!, objectName: parts[2]! };
}

/** The segmentation folder name `<vs:.3f>_<user>_<session>_<name>[-multilabel].zarr`. */
export function segmentationFileName(voxelSize: number, name: string, userId: string, sessionId: string, multilabel: boolean): string {
  return `${formatVoxelSpacing(voxelSize)}_${userId}_${sessionId}_${name}${multilabel ? '-multilabel' : ''}.zarr`;
}

/** The parts of a segmentation folder name, or `undefined` when it is not one. */
export function parseSegmentationFileName(
  fileName: string,
): {
  /** Voxel size in Å, from the `<vs:.3f>` prefix. */
  voxelSize: number;
  /** The user id. */
  userId: string;
  /** The session id. */
  sessionId: string;
  /** The segmentation name, without `-multilabel`. */
  name: string;
  /** Whether the name ended in `-multilabel` (one uint8 volume holding every object's label). */
  multilabel: boolean
} | undefined {
  if (!fileName.endsWith('.zarr')) return undefined;
  const parts = fileName.slice(0, -'.zarr'.length).split('_');
  if (parts.length !== 4 || parts.some((p) => p.length === 0)) return undefined;
  const voxelSize = Number(parts[0]);
  if (!Number.isFinite(voxelSize) || voxelSize <= 0) return undefined;
  let name = parts[3]!;
  const multilabel = name.endsWith('-multilabel');
  if (multilabel) name = name.slice(0, -'-multilabel'.length);
  return { voxelSize, userId: parts[1]!, sessionId: parts[2]!, name, multilabel };
}
