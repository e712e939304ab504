/**
 * Where the generator writes: everything goes to a staging folder beside the target, which
 * replaces the target only when complete, so a failed run never leaves partial test data under
 * the final name (and no stale file from an older layout survives).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A folder being filled; paths are relative to it and use '/'. */
export class OutputDir {
  private constructor(
    /** The staging folder written into. */
    readonly root: string,
    private readonly target: string,
  ) {}

  /** Starts a fresh staging folder for `target` (removing any leftover from a failed run). */
  static async begin(target: string): Promise<OutputDir> {
    const staging = join(dirname(target), `.${basename(target)}.partial`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    return new OutputDir(staging, target);
  }

  /** Absolute path of a relative path inside the folder. */
  path(relative: string): string {
    return join(this.root, ...relative.split('/'));
  }

  /** Writes one file, creating its folders. */
  async write(relative: string, data: Uint8Array | string): Promise<void> {
    const path = this.path(relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  }

  /** Moves the finished folder to the target name, replacing what was there. */
  async commit(): Promise<void> {
    const old = join(dirname(this.target), `.${basename(this.target)}.old`);
    await rm(old, { recursive: true, force: true });
    await rename(this.target, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(this.root, this.target);
    await rm(old, { recursive: true, force: true });
  }
}
