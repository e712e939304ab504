/**
 * A copick filesystem project: the config, its overlay and static roots, and per run the tomograms,
 * picks and segmentations in copick's on-disk layout. Reads merge both roots; every write goes to the
 * overlay root, through the Store interface, so the same code works on local paths and s3://.
 */
import { openStore, type Store } from '@voxelflow/remote-storage';
import type { Volume } from '@voxelflow/volume-io';
import { openVolume, type ChunkCache } from '@voxelflow/volume-io';
import { parseCopickConfig, type CopickConfig, type PickableObject } from './copick-config';
import {
  checkCopickName,
  formatVoxelSpacing,
  parsePicksFileName,
  parseSegmentationFileName,
  parseVoxelSpacingDirName,
  picksFileName,
  segmentationFileName,
  voxelSpacingDirName,
} from './copick-names';
import { configFolder, joinUrl, listFolder, resolveCopickRoot, zarrExists } from './copick-roots';
import { CopickConfigError, RunNotFoundError, SegmentationError, TomogramNotFoundError, UnknownObjectError } from './errors';
import { openLabelVolume, readLabelVolume, writeLabelVolume, type LabelVolume, type WriteLabelVolumeOptions } from './label-volume';
import { formatPicks, parsePicks, type CopickPicks, type CopickPoint } from './picks-file';

/** Which root an entity was found in. */
export type CopickRootKind = 'overlay' | 'static';

/** An opened root. */
export interface CopickRoot {
  /** Whether this is the overlay (writes go here) or the static (read-only) root. */
  kind: CopickRootKind;
  /** Store URL (absolute path for local roots). */
  url: string;
  /** The opened store every read and write of this root goes through (local or s3://). */
  store: Store;
}

/** A picks file found in a run. */
export interface PicksRef {
  /** The pickable object (third part of `<user>_<session>_<object>.json`). */
  objectName: string;
  /** The user id (first part of the file name). */
  userId: string;
  /** The session id (second part of the file name). */
  sessionId: string;
  /** The root the file is in; a file present in both roots is listed once per root. */
  root: CopickRootKind;
}

/** A segmentation found in a run. */
export interface SegmentationRef {
  /** Voxel size in Å, from the `<vs:.3f>` prefix of the folder name. */
  voxelSize: number;
  /** The segmentation name, without the `-multilabel` suffix. */
  name: string;
  /** The user id that wrote it. */
  userId: string;
  /** The session id it was written in. */
  sessionId: string;
  /**
   * True for a `-multilabel` folder (one uint8 volume, one value per object); false for a
   * binary segmentation of the single object called `name`.
   */
  multilabel: boolean;
  /** The root it is in. */
  root: CopickRootKind;
  /** Store URL of the `.zarr` folder. */
  url: string;
}

/** Identifies one segmentation. */
export interface SegmentationId {
  /** Voxel size in Å (written as `<vs:.3f>`, e.g. `10.000`, in the folder name). */
  voxelSize: number;
  /** Segmentation name (no '_'); for a binary segmentation, the name of its pickable object. */
  name: string;
  /** User id (no '_'). */
  userId: string;
  /** Session id (no '_'). */
  sessionId: string;
  /** `-multilabel` suffix (default true). */
  multilabel?: boolean;
}

/** Options of {@link CopickRun.writeSegmentation}. */
export interface WriteSegmentationOptions extends SegmentationId, Omit<WriteLabelVolumeOptions, 'voxelSize' | 'name'> {}

/** Options of {@link CopickRun.openTomogram}. */
export interface OpenTomogramOptions {
  /** Pyramid level: an index into the NGFF datasets (0 = full resolution, default) or a dataset path. */
  level?: number | string;
  /** Decoded-chunk cache to use (default: volume-io's shared default cache). */
  cache?: ChunkCache;
}

/** Options of {@link openCopickProject}. */
export interface OpenCopickProjectOptions {
  /** Use this overlay root instead of the config's (same URL rules). */
  overlayRoot?: string;
  /** Use this static root instead of the config's. */
  staticRoot?: string | null;
}

/**
 * Opens the copick project whose config is at `configPath` (a path or URL). Roots written as
 * `local://./x` or relative paths are resolved against the config's folder.
 * Throws {@link CopickConfigError} when the config is missing or invalid.
 */
export async function openCopickProject(configPath: string, options: OpenCopickProjectOptions = {}): Promise<CopickProject> {
  const folder = await openStore(configFolder(configPath));
  const name = configPath.replace(/\/+$/, '').split(/[\\/]/).pop() ?? configPath;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await folder.get(name);
  } catch (err) {
    throw new CopickConfigError(`cannot read copick config ${configPath}: ${(err as Error).message}`, configPath);
  }
  if (bytes === undefined) throw new CopickConfigError(`copick config ${configPath} not found; check the path`, configPath);
  const config = parseCopickConfig(new TextDecoder().decode(bytes), configPath);
  const overlayUrl = resolveCopickRoot(options.overlayRoot ?? config.overlay_root, configPath);
  const staticSpec = options.staticRoot !== undefined ? options.staticRoot : config.static_root;
  const staticUrl = staticSpec ? resolveCopickRoot(staticSpec, configPath) : undefined;
  const overlay: CopickRoot = { kind: 'overlay', url: overlayUrl, store: await openStore(overlayUrl) };
  const stat: CopickRoot | undefined =
    staticUrl !== undefined && staticUrl !== overlayUrl ? { kind: 'static', url: staticUrl, store: await openStore(staticUrl) } : undefined;
  return new CopickProject(configPath, config, overlay, stat);
}

/** An opened copick project; see {@link openCopickProject}. */
export class CopickProject {
  constructor(
    /** The config file this project was opened from. */
    readonly configPath: string,
    /** The parsed, validated config (roots as written; see `overlay` and `staticRoot` for the resolved ones). */
    readonly config: CopickConfig,
    /** Where writes go. */
    readonly overlay: CopickRoot,
    /** The read-only root, when it differs from the overlay. */
    readonly staticRoot: CopickRoot | undefined,
  ) {}

  /** Roots in the order reads consult them for picks and segmentations: overlay, then static. */
  get roots(): CopickRoot[] {
    return this.staticRoot ? [this.overlay, this.staticRoot] : [this.overlay];
  }

  /** Every pickable object of the config. */
  get objects(): readonly PickableObject[] {
    return this.config.pickable_objects;
  }

  /** The objects with `is_particle: true` (the ones localized and evaluated). */
  particleObjects(): PickableObject[] {
    return this.config.pickable_objects.filter((o) => o.is_particle);
  }

  /** The object called `name`; throws {@link UnknownObjectError} listing the config's objects otherwise. */
  getObject(name: string): PickableObject {
    const o = this.config.pickable_objects.find((p) => p.name === name);
    if (!o) throw new UnknownObjectError(this.configPath, name, this.config.pickable_objects.map((p) => p.name));
    return o;
  }

  /** Run names: the folders under `ExperimentRuns/` of either root, sorted. */
  async runs(): Promise<string[]> {
    const names = new Set<string>();
    for (const root of this.roots) for (const n of await listFolder(root.store, 'ExperimentRuns', true)) names.add(n);
    return [...names].sort();
  }

  /** A handle on run `name` (not checked; use {@link getRun} to check that it exists). */
  run(name: string): CopickRun {
    return new CopickRun(this, checkCopickName('run name', name));
  }

  /** The run called `name`; throws {@link RunNotFoundError} listing the runs when there is none. */
  async getRun(name: string): Promise<CopickRun> {
    const runs = await this.runs();
    if (!runs.includes(name)) throw new RunNotFoundError(this.configPath, name, runs);
    return this.run(name);
  }

  /** Shorthand for `run(runName).readPicks(...)`. */
  readPicks(runName: string, objectName: string, userId: string, sessionId: string): Promise<CopickPicks | undefined> {
    return this.run(runName).readPicks(objectName, userId, sessionId);
  }

  /** Shorthand for `run(runName).writePicks(...)`. */
  writePicks(runName: string, objectName: string, userId: string, sessionId: string, points: readonly CopickPoint[]): Promise<string> {
    return this.run(runName).writePicks(objectName, userId, sessionId, points);
  }

  /** Shorthand for `run(runName).deletePicks(...)`. */
  deletePicks(runName: string, objectName: string, userId: string, sessionId: string): Promise<boolean> {
    return this.run(runName).deletePicks(objectName, userId, sessionId);
  }
}

/** One run of a {@link CopickProject}. */
export class CopickRun {
  constructor(
    /** The project the run belongs to. */
    readonly project: CopickProject,
    /** The run's folder name under `ExperimentRuns/` (run names may contain '_', e.g. TS_5_4). */
    readonly name: string,
  ) {}

  private key(...parts: string[]): string {
    return ['ExperimentRuns', this.name, ...parts].join('/');
  }

  /** Voxel spacings (Å) that have a `VoxelSpacing<vs>` folder in either root, ascending. */
  async voxelSpacings(): Promise<number[]> {
    const out = new Set<number>();
    for (const root of this.project.roots) {
      for (const n of await listFolder(root.store, this.key(), true)) {
        const vs = parseVoxelSpacingDirName(n);
        if (vs !== undefined) out.add(vs);
      }
    }
    return [...out].sort((a, b) => a - b);
  }

  /** Tomogram types (`wbp`, `denoised`…) at `voxelSize`, sorted; feature volumes are left out as copick does. */
  async tomogramTypes(voxelSize: number): Promise<string[]> {
    const out = new Set<string>();
    for (const root of this.project.roots) {
      for (const n of await listFolder(root.store, this.key(voxelSpacingDirName(voxelSize)))) {
        if (n.endsWith('.zarr') && !n.includes('features')) out.add(n.slice(0, -'.zarr'.length));
      }
    }
    return [...out].sort();
  }

  /**
   * URL of tomogram `tomoType` at `voxelSize` (`VoxelSpacing<vs:.3f>/<tomoType>.zarr`), looked up in
   * the static root, then the overlay. Throws {@link TomogramNotFoundError} listing what the run has.
   */
  async tomogramUrl(voxelSize: number, tomoType: string): Promise<string> {
    checkCopickName('tomogram type', tomoType);
    const key = this.key(voxelSpacingDirName(voxelSize), `${tomoType}.zarr`);
    const order = this.project.staticRoot ? [this.project.staticRoot, this.project.overlay] : [this.project.overlay];
    for (const root of order) if (await zarrExists(root.store, key)) return joinUrl(root.url, key);
    const available: string[] = [];
    for (const vs of await this.voxelSpacings()) for (const t of await this.tomogramTypes(vs)) available.push(`${t}@${formatVoxelSpacing(vs)}`);
    throw new TomogramNotFoundError(
      `run ${this.name} has no tomogram '${tomoType}' at voxel spacing ${formatVoxelSpacing(voxelSize)} Å (${key}); it has: ${available.length > 0 ? available.join(', ') : 'no tomograms'}`,
      this.name,
      voxelSize,
      tomoType,
    );
  }

  /** Opens tomogram `tomoType` at `voxelSize` as a volume, at `options.level` (resolved through the NGFF multiscales). */
  async openTomogram(voxelSize: number, tomoType: string, options: OpenTomogramOptions = {}): Promise<Volume> {
    const url = await this.tomogramUrl(voxelSize, tomoType);
    return openVolume(url, { level: options.level ?? 0, ...(options.cache ? { cache: options.cache } : {}) });
  }

  // ---- picks ----

  /** Picks files of this run in both roots (overlay first). */
  async listPicks(): Promise<PicksRef[]> {
    const out: PicksRef[] = [];
    for (const root of this.project.roots) {
      for (const n of await listFolder(root.store, this.key('Picks'))) {
        const p = parsePicksFileName(n);
        if (p) out.push({ ...p, root: root.kind });
      }
    }
    return out;
  }

  private picksKey(objectName: string, userId: string, sessionId: string): string {
    checkCopickName('object name', objectName);
    checkCopickName('user id', userId);
    checkCopickName('session id', sessionId);
    return this.key('Picks', picksFileName(objectName, userId, sessionId));
  }

  /**
   * The picks of `objectName` by `userId`/`sessionId` (overlay first, then static), or `undefined`
   * when there is no such file. Throws {@link UnknownObjectError} for an object the config lacks and
   * {@link MalformedPicksError} for a file that is not copick picks.
   */
  async readPicks(objectName: string, userId: string, sessionId: string): Promise<CopickPicks | undefined> {
    this.project.getObject(objectName);
    const key = this.picksKey(objectName, userId, sessionId);
    for (const root of this.project.roots) {
      const bytes = await root.store.get(key);
      if (bytes !== undefined) return parsePicks(new TextDecoder().decode(bytes), joinUrl(root.url, key));
    }
    return undefined;
  }

  /**
   * Writes (replaces) the picks of `objectName` by `userId`/`sessionId` in the overlay root, in
   * copick's JSON layout, atomically. Returns the file's URL. The object must be in the config.
   */
  async writePicks(objectName: string, userId: string, sessionId: string, points: readonly CopickPoint[], options: { trustOrientation?: boolean } = {}): Promise<string> {
    this.project.getObject(objectName);
    const key = this.picksKey(objectName, userId, sessionId);
    const picks: CopickPicks = {
      pickable_object_name: objectName,
      user_id: userId,
      session_id: sessionId,
      run_name: this.name,
      voxel_spacing: null,
      unit: 'angstrom',
      points: [...points],
      trust_orientation: options.trustOrientation ?? true,
    };
    await this.project.overlay.store.set(key, new TextEncoder().encode(formatPicks(picks)));
    return joinUrl(this.project.overlay.url, key);
  }

  /** Deletes the overlay's picks file of `objectName` by `userId`/`sessionId`; true when there was one. */
  async deletePicks(objectName: string, userId: string, sessionId: string): Promise<boolean> {
    const key = this.picksKey(objectName, userId, sessionId);
    const store = this.project.overlay.store;
    if ((await store.head(key)) === undefined) return false;
    await store.delete(key);
    return true;
  }

  // ---- segmentations ----

  /** Segmentations of this run in both roots (overlay first). */
  async listSegmentations(): Promise<SegmentationRef[]> {
    const out: SegmentationRef[] = [];
    for (const root of this.project.roots) {
      for (const n of await listFolder(root.store, this.key('Segmentations'))) {
        const s = parseSegmentationFileName(n);
        if (s) out.push({ ...s, root: root.kind, url: joinUrl(root.url, this.key('Segmentations', n)) });
      }
    }
    return out;
  }

  private segmentationKey(id: SegmentationId): string {
    const multilabel = id.multilabel ?? true;
    checkCopickName('segmentation name', id.name);
    checkCopickName('user id', id.userId);
    checkCopickName('session id', id.sessionId);
    // copick ties a binary segmentation to an object: its name must be a pickable object.
    if (!multilabel) this.project.getObject(id.name);
    return this.key('Segmentations', segmentationFileName(id.voxelSize, id.name, id.userId, id.sessionId, multilabel));
  }

  /** URL of an existing segmentation (overlay first); throws {@link SegmentationError} listing the run's segmentations. */
  async segmentationUrl(id: SegmentationId): Promise<string> {
    const key = this.segmentationKey(id);
    for (const root of this.project.roots) if (await zarrExists(root.store, key)) return joinUrl(root.url, key);
    const have = (await this.listSegmentations()).map((s) => `${formatVoxelSpacing(s.voxelSize)}_${s.userId}_${s.sessionId}_${s.name}${s.multilabel ? '-multilabel' : ''}`);
    const wanted = key.split('/').pop()!;
    throw new SegmentationError(
      `run ${this.name} has no segmentation ${wanted}; it has: ${have.length > 0 ? have.join(', ') : 'no segmentations'}`,
      key,
    );
  }

  /** Whether the segmentation exists in either root. */
  async hasSegmentation(id: SegmentationId): Promise<boolean> {
    const key = this.segmentationKey(id);
    for (const root of this.project.roots) if (await zarrExists(root.store, key)) return true;
    return false;
  }

  /** Opens level 0 of a segmentation as a volume. */
  async openSegmentation(id: SegmentationId): Promise<Volume> {
    return openLabelVolume(await this.segmentationUrl(id));
  }

  /** Reads a whole segmentation as a uint8 (z, y, x) label volume. */
  async readSegmentation(id: SegmentationId): Promise<LabelVolume> {
    return readLabelVolume(await this.segmentationUrl(id));
  }

  /**
   * Writes a uint8 segmentation to the overlay root as a one-level OME-Zarr (scale = voxel size, axes
   * z, y, x in Å; NGFF 0.4 on Zarr v2 unless `ngffVersion: '0.5'`), replacing an existing one as
   * copick-utils does. Returns its URL.
   */
  async writeSegmentation(options: WriteSegmentationOptions): Promise<string> {
    const key = this.segmentationKey(options);
    const url = joinUrl(this.project.overlay.url, key);
    return writeLabelVolume(url, { ...options, name: options.name });
  }
}
