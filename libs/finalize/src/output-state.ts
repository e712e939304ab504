/**
 * The state of a finalize output, kept in two small JSON objects at its root:
 *
 * - `.voxelflow_progress` — written first, before any array, and refreshed while level 0 is written:
 *   the settings of the run and which level-0 chunks are done (a bitset), with their counts. An output
 *   that has it (and no marker) is an incomplete finalize output: a rerun with the same settings
 *   resumes it (chunks not recorded as done are recomputed; rewriting a chunk is idempotent).
 * - `.voxelflow_complete` — the completion marker, written LAST (after every level, the NGFF
 *   metadata and metadata.json): `{ complete: true, settings, summary, … }`. An output without it is
 *   incomplete. A rerun with the same settings is a no-op; different settings are refused unless
 *   `overwrite`. The progress object is deleted after the marker is written (the marker wins if both exist).
 */
import { resolve } from 'node:path';
import type { NgffVersion } from '@voxelflow/ome-ngff';
import { urlScheme, type Store } from '@voxelflow/remote-storage';
import { FinalizeOutputExistsError } from './errors';
import type { FinalizeDType, FinalizeMode } from './finalize-spec';
import type { Activation } from './probabilities';
import type { Uint8Rounding } from './uint8-scale';

/** Key of the completion marker at the output root. */
export const COMPLETE_MARKER_KEY = '.voxelflow_complete';
/** Key of the in-progress record at the output root. */
export const PROGRESS_KEY = '.voxelflow_progress';
/** Key of the run record at the output root. */
export const METADATA_KEY = 'metadata.json';

/** Everything that decides the content of an output; two runs with equal settings write equal outputs. */
export interface FinalizeSettings {
  /** The input (normalized path or URL), or null when the caller feeds logits itself (fused pipeline). */
  source: string | null;
  /** Level-0 spatial shape (Z, Y, X). */
  shape: number[];
  /** Logit channels of the input. */
  channels: number;
  /** 'binary' or 'multiclass'. */
  mode: FinalizeMode;
  /** Softmax or sigmoid. */
  activation: Activation;
  /** Probability cutoff of masks, or null. */
  threshold: number | null;
  /** Output dtype. */
  dtype: FinalizeDType;
  /** uint8 rounding of p · 255. */
  rounding: Uint8Rounding;
  /** Pyramid method of mask channels. */
  maskDownsample: 'max' | 'mode';
  /** NGFF version of the output. */
  ngff: NgffVersion;
  /** Level-0 spatial chunk shape. */
  chunkShape: number[];
  /** Number of pyramid levels. */
  levels: number;
}

/** Level-0 counters, stored with the progress so that a resumed run reports the whole volume. */
export interface Level0Counts {
  /** Chunks whose output has at least one non-zero channel chunk stored. */
  chunksWritten: number;
  /** Chunks computed whose output was all zero (nothing stored). */
  chunksEmpty: number;
  /** Chunks without any input (all no-data; nothing read or stored). */
  chunksNoData: number;
  /** No-data voxels (NaN logits, or no input at all), written as 0. */
  noDataVoxels: number;
}

/** The in-progress record (`.voxelflow_progress`). */
export interface ProgressRecord {
  /** Identifies the file. */
  format: 'voxelflow-finalize-progress';
  /** Version of this record's layout. */
  version: 1;
  /** The settings of the run that is filling the output; a rerun must match them to resume. */
  settings: FinalizeSettings;
  /** When the output was started (ISO 8601). */
  startedAt: string;
  /** When this record was last saved (ISO 8601). */
  updatedAt: string;
  /** Level-0 chunk grid (spatial). */
  grid: number[];
  /** Done chunks as a base64 bitset (row-major). */
  done: string;
  /** Level-0 counters of the done chunks. */
  counts: Level0Counts;
}

/** The completion marker (`.voxelflow_complete`). */
export interface CompletionMarker {
  /** Identifies the file. */
  format: 'voxelflow-finalize-complete';
  /** Version of this marker's layout. */
  version: 1;
  /** Always true: the output is complete. */
  complete: true;
  /** When the output was completed (ISO 8601). */
  completedAt: string;
  /** Package and version that wrote the output. */
  writtenBy: string;
  /** The settings the output was made with. */
  settings: FinalizeSettings;
  /** What finalize reported (levels, counts, timings). */
  summary: Record<string, unknown>;
}

/** What is at an output location. */
export type OutputState =
  | {
      /** Nothing is stored there. */
      kind: 'empty';
    }
  | {
      /** A finished output. */
      kind: 'complete';
      /** Its completion marker. */
      marker: CompletionMarker;
    }
  | {
      /** An output being written, or left by an interrupted run. */
      kind: 'incomplete';
      /** Its progress record. */
      progress: ProgressRecord;
    }
  /** Zarr/NGFF data that finalize did not write (or whose records are unreadable). */
  | {
      /** Something finalize did not write. */
      kind: 'foreign';
      /** What gave it away: a key such as `.zgroup`, or an unreadable record. */
      evidence: string;
    };

/** Keys whose presence, without our records, means the location already holds a Zarr or an output. */
const FOREIGN_EVIDENCE = ['zarr.json', '.zgroup', '.zarray', '.zattrs', '0/zarr.json', '0/.zarray', METADATA_KEY];

async function readJson(store: Store, key: string): Promise<unknown> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return null;
  }
}

/** Serializes `value` as indented JSON bytes. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reads what is at the root of `store` (a handful of small reads, no listing). */
export async function readOutputState(store: Store): Promise<OutputState> {
  const marker = await readJson(store, COMPLETE_MARKER_KEY);
  if (marker !== undefined) {
    const m = marker as Partial<CompletionMarker> | null;
    if (m && m.format === 'voxelflow-finalize-complete' && m.complete === true && m.settings) return { kind: 'complete', marker: m as CompletionMarker };
    return { kind: 'foreign', evidence: `an unreadable ${COMPLETE_MARKER_KEY}` };
  }
  const progress = await readJson(store, PROGRESS_KEY);
  if (progress !== undefined) {
    const p = progress as Partial<ProgressRecord> | null;
    if (p && p.format === 'voxelflow-finalize-progress' && p.settings && Array.isArray(p.grid) && typeof p.done === 'string' && p.counts) {
      return { kind: 'incomplete', progress: p as ProgressRecord };
    }
    return { kind: 'foreign', evidence: `an unreadable ${PROGRESS_KEY}` };
  }
  for (const key of FOREIGN_EVIDENCE) {
    if ((await store.head(key)) !== undefined) return { kind: 'foreign', evidence: key };
  }
  return { kind: 'empty' };
}

/** A path or URL in one canonical spelling (absolute local paths, no trailing slash). */
export function normalizeSource(url: string): string {
  const scheme = urlScheme(url);
  const trimmed = url.replace(/\/+$/, '');
  if (scheme === '') return resolve(trimmed || '/');
  if (scheme === 'file') return resolve(decodeURIComponent(trimmed.replace(/^file:\/\//, '')) || '/');
  return trimmed;
}

function show(v: unknown): string {
  return v === null ? 'none' : Array.isArray(v) ? `(${v.join(', ')})` : String(v);
}

/**
 * Settings that differ between a stored run and a request, as "name: stored → requested". Fields of
 * `requested` that are undefined are not compared (the request left them to the input).
 */
export function settingsDifferences(stored: FinalizeSettings, requested: Partial<FinalizeSettings>): string[] {
  const out: string[] = [];
  for (const [key, want] of Object.entries(requested) as [keyof FinalizeSettings, unknown][]) {
    if (want === undefined) continue;
    const have = stored[key];
    const same = Array.isArray(want) && Array.isArray(have) ? want.length === have.length && want.every((v, i) => v === have[i]) : want === have;
    if (!same) out.push(`${key}: ${show(have)} → ${show(want)}`);
  }
  return out;
}

/** The FinalizeOutputExistsError for an output written with other settings. */
export function differentSettingsError(url: string, complete: boolean, differences: string[]): FinalizeOutputExistsError {
  return new FinalizeOutputExistsError(
    `${url} holds a${complete ? ' complete' : 'n incomplete'} finalize output made with different options (${differences.join('; ')}); pass overwrite: true (--overwrite) to replace it, or choose another output`,
    url,
    differences,
  );
}

/** The FinalizeOutputExistsError for a location holding data finalize did not write. */
export function foreignOutputError(url: string, evidence: string): FinalizeOutputExistsError {
  return new FinalizeOutputExistsError(
    `${url} already holds data that is not a VoxelFlow finalize output (found ${evidence}); pass overwrite: true (--overwrite) to replace it, or choose another output`,
    url,
  );
}

/**
 * Deletes every key of `store`, a few requests at a time. The marker goes first, so an interrupted
 * deletion never leaves an output that claims to be complete.
 */
export async function deleteAll(store: Store): Promise<number> {
  await store.delete(COMPLETE_MARKER_KEY);
  const keys = await store.list('');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) await store.delete(keys[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
  return keys.length;
}
