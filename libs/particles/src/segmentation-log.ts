/**
 * The segment log octopi writes next to a segmentation and its `localize` reads to learn which
 * segmentation value is which object: `<overlay_root>/logs/segment-<user>_<session>_<name>.yaml`
 * with `inputs` (config, tomo_alg, voxel_size), `model` (configs, weights), `labels` (object → value),
 * `parameters` (sliding-window batch size, overlap, TTA count) and `outputs` (seg_name, seg_user_id,
 * seg_session_id). Written in octopi's style: block mappings, scalar lists inline, keys in this order.
 */
import YAML from 'yaml';
import { checkCopickName } from './copick-names';
import type { CopickProject } from './copick-project';
import { joinUrl } from './copick-roots';
import { SegmentationLogError } from './errors';

/** The content of a segment log. Field names are octopi's. */
export interface SegmentationLog {
  /**
   * What was segmented.
   * @property __type.config - Path of the copick config the segment command read.
   * @property __type.tomo_alg - Tomogram type segmented (`wbp`, `denoised`…).
   * @property __type.voxel_size - Voxel size of the tomograms in Å (also the segmentation's).
   */
  inputs: { config: string; tomo_alg: string; voxel_size: number };
  /**
   * The network(s) used.
   * @property __type.configs - Model config file(s), one per weights file (octopi accepts several, ensembled).
   * @property __type.weights - Weights file(s), in the same order as `configs`.
   */
  model: { configs: string[]; weights: string[] };
  /** Segmentation value per object name (the model's class index). */
  labels: Record<string, number>;
  /** Inference parameters (octopi: sw_bs, overlap, ntta); any further keys are kept. */
  parameters?: Record<string, unknown>;
  /**
   * The segmentation written: together these name the log file and the
   * `<vs>_<user>_<session>_<name>-multilabel.zarr` folder.
   * @property __type.seg_name - Segmentation name.
   * @property __type.seg_user_id - User id it was written as.
   * @property __type.seg_session_id - Session id it was written as.
   */
  outputs: { seg_name: string; seg_user_id: string; seg_session_id: string };
}

/** Identifies a segmentation by name, user and session. */
export interface SegmentationInfo {
  /** Segmentation name (no '_'). */
  name: string;
  /** User id (no '_'). */
  userId: string;
  /** Session id (no '_'). */
  sessionId: string;
}

/** The log's key below a copick root: `logs/segment-<user>_<session>_<name>.yaml`. */
export function segmentationLogKey(seg: SegmentationInfo): string {
  checkCopickName('segmentation name', seg.name);
  checkCopickName('user id', seg.userId);
  checkCopickName('session id', seg.sessionId);
  return `logs/segment-${seg.userId}_${seg.sessionId}_${seg.name}.yaml`;
}

/** The YAML text of `log` (2-space indent, lists of scalars inline as octopi's SmartDumper writes them). */
export function formatSegmentationLog(log: SegmentationLog): string {
  const ordered: Record<string, unknown> = {
    inputs: log.inputs,
    model: log.model,
    labels: log.labels,
    ...(log.parameters !== undefined ? { parameters: log.parameters } : {}),
    outputs: log.outputs,
  };
  const doc = new YAML.Document(ordered);
  YAML.visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => YAML.isScalar(item))) node.flow = true;
    },
  });
  return doc.toString({ indent: 2, lineWidth: 100, flowCollectionPadding: false, singleQuote: true });
}

/** Parses and checks a segment log's text; `file` is used in messages. Throws {@link SegmentationLogError}. */
export function parseSegmentationLog(text: string, file: string): SegmentationLog {
  const bad = (msg: string): never => {
    throw new SegmentationLogError(`segment log ${file}: ${msg}`, file);
  };
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    return bad(`not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('the top level is not a mapping');
  const d = doc as Record<string, unknown>;
  const labels = d.labels;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return bad('it has no "labels" mapping (object name → segmentation value)');
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(`labels.${k} is ${JSON.stringify(v)}, not a non-negative integer`);
  }
  const section = (key: string): Record<string, unknown> => {
    const v = d[key];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) return bad(`"${key}" is not a mapping`);
    return v as Record<string, unknown>;
  };
  const inputs = section('inputs');
  const model = section('model');
  const outputs = section('outputs');
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);
  const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
  const parameters = d.parameters;
  return {
    inputs: { config: str(inputs.config), tomo_alg: str(inputs.tomo_alg), voxel_size: Number(inputs.voxel_size ?? NaN) },
    model: { configs: list(model.configs), weights: list(model.weights) },
    labels: { ...(labels as Record<string, number>) },
    ...(typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? { parameters: parameters as Record<string, unknown> } : {}),
    outputs: { seg_name: str(outputs.seg_name), seg_user_id: str(outputs.seg_user_id), seg_session_id: str(outputs.seg_session_id) },
  };
}

/** Writes `log` to the project's overlay root (atomically) under the name its `outputs` give. Returns the file URL. */
export async function writeSegmentationLog(project: CopickProject, log: SegmentationLog): Promise<string> {
  const key = segmentationLogKey({ name: log.outputs.seg_name, userId: log.outputs.seg_user_id, sessionId: log.outputs.seg_session_id });
  await project.overlay.store.set(key, new TextEncoder().encode(formatSegmentationLog(log)));
  return joinUrl(project.overlay.url, key);
}

/**
 * Reads the segment log of `seg` from the overlay root, then the static root (as octopi looks for it);
 * `undefined` when neither has one. Throws {@link SegmentationLogError} for a malformed file.
 */
export async function readSegmentationLog(project: CopickProject, seg: SegmentationInfo): Promise<SegmentationLog | undefined> {
  const key = segmentationLogKey(seg);
  for (const root of project.roots) {
    const bytes = await root.store.get(key);
    if (bytes !== undefined) return parseSegmentationLog(new TextDecoder().decode(bytes), joinUrl(root.url, key));
  }
  return undefined;
}
