/**
 * Typed errors of @voxelflow/particles. Every message is one line that names the file, run, object or
 * value at fault and says what to do about it; callers test the class with `instanceof`.
 */

/** Base class of every error this package throws on purpose. */
export class ParticlesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The copick config file is missing, is not JSON, or breaks copick's schema. */
export class CopickConfigError extends ParticlesError {
  constructor(
    message: string,
    /** The config file. */
    readonly configPath: string,
  ) {
    super(message);
  }
}

/** A user id, session id, object or segmentation name that copick cannot store in a file name. */
export class InvalidCopickNameError extends ParticlesError {
  constructor(
    message: string,
    /** What the name is ('object name', 'user id', 'session id', …). */
    readonly kind: string,
    /** The rejected name. */
    readonly value: string,
  ) {
    super(message);
  }
}

/** An object name that the project's config does not list as a pickable object. */
export class UnknownObjectError extends ParticlesError {
  constructor(
    /** The config file that lacks the object. */
    readonly configPath: string,
    /** The object name asked for. */
    readonly objectName: string,
    /** The names the config does list. */
    readonly available: readonly string[],
  ) {
    super(`config ${configPath} has no pickable object '${objectName}'; objects: ${available.length > 0 ? available.join(', ') : '(none)'}`);
  }
}

/** A run name that is in neither the overlay nor the static root. */
export class RunNotFoundError extends ParticlesError {
  constructor(
    /** The project's config file. */
    readonly configPath: string,
    /** The run name asked for. */
    readonly runName: string,
    /** The runs the project has, in either root. */
    readonly available: readonly string[],
  ) {
    super(`copick project ${configPath} has no run '${runName}'; runs: ${available.length > 0 ? available.join(', ') : '(none)'}`);
  }
}

/** No tomogram of that type at that voxel spacing in a run. */
export class TomogramNotFoundError extends ParticlesError {
  constructor(
    message: string,
    /** The run searched. */
    readonly runName: string,
    /** The voxel spacing asked for, in Å. */
    readonly voxelSize: number,
    /** The tomogram type asked for (`wbp`, `denoised`…). */
    readonly tomoType: string,
  ) {
    super(message);
  }
}

/** A picks JSON file that cannot be read as copick picks. */
export class MalformedPicksError extends ParticlesError {
  constructor(
    /** The file (URL or path). */
    readonly file: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`malformed picks file ${file}: ${problem}`);
  }
}

/** A segmentation that does not exist, or holds something other than an integer label volume. */
export class SegmentationError extends ParticlesError {
  constructor(
    message: string,
    /** Where it was looked for. */
    readonly url: string,
  ) {
    super(message);
  }
}

/** A segment log (logs/segment-<user>_<session>_<name>.yaml) that is missing or malformed. */
export class SegmentationLogError extends ParticlesError {
  constructor(
    message: string,
    /** The log file (URL or path). */
    readonly file: string,
  ) {
    super(message);
  }
}

/** A model config (YAML or JSON) that does not say what the segment command needs. */
export class ModelConfigError extends ParticlesError {
  constructor(
    message: string,
    /** The config's path or URL, or 'model config' when the caller gave none. */
    readonly source: string,
  ) {
    super(message);
  }
}

/** Invalid arguments to a localization or evaluation call (sizes, scales, shapes). */
export class ParticlesArgumentError extends ParticlesError {}

/** Localizing one run failed (in a worker thread or inline); names the run and the cause. */
export class LocalizeRunError extends ParticlesError {
  constructor(
    /** The run that failed, or '(worker start)' when a worker died before taking a run. */
    readonly runName: string,
    /** The message of the underlying error. */
    readonly causeMessage: string,
  ) {
    super(`localizing run '${runName}' failed: ${causeMessage}`);
  }
}
