import { isObject } from './attributes';
import type { NgffProblem, NgffVersion } from './types';
import { AXIS_TYPES, SPACE_UNITS, TIME_UNITS, isSpaceUnit, isTimeUnit } from './units';

/**
 * Checks the attributes of an image group (`.zattrs` for 0.4, the `attributes` of `zarr.json`
 * for 0.5) against every rule of the official JSON schemas and the MUSTs of the specification,
 * plus the unit lists. Returns all problems found (empty when valid); `image-label`, `omero` and
 * `labels`, when present, are checked too.
 */
export function validateMultiscales(attrs: unknown, version: NgffVersion): NgffProblem[] {
  const out = new Problems();
  const ngff = ngffRoot(attrs, version, out);
  if (!ngff) return out.list;
  const { node, base } = ngff;
  if (node.multiscales === undefined) {
    out.error(`${base}multiscales`, 'is required for an image; add the multiscales list');
  } else {
    checkMultiscales(node.multiscales, `${base}multiscales`, version, out);
  }
  checkExtras(node, base, version, out);
  return out.list;
}

/**
 * Checks the attributes of a label image's group: `image-label` (colors, properties, source) and,
 * when present, its multiscales. A label image is also an image, so a complete one has both.
 */
export function validateLabelAttributes(attrs: unknown, version: NgffVersion): NgffProblem[] {
  const out = new Problems();
  const ngff = ngffRoot(attrs, version, out);
  if (!ngff) return out.list;
  const { node, base } = ngff;
  if (node['image-label'] === undefined) out.error(`${base}image-label`, 'is required for a label image; add image-label');
  if (node.multiscales !== undefined) checkMultiscales(node.multiscales, `${base}multiscales`, version, out);
  checkExtras(node, base, version, out);
  return out.list;
}

/** True when `problems` holds no error (warnings allowed). */
export function isValid(problems: readonly NgffProblem[]): boolean {
  return problems.every((p) => p.severity !== 'error');
}

class Problems {
  readonly list: NgffProblem[] = [];
  error(path: string, message: string): void {
    this.list.push({ severity: 'error', path, message });
  }
  warning(path: string, message: string): void {
    this.list.push({ severity: 'warning', path, message });
  }
}

function ngffRoot(attrs: unknown, version: NgffVersion, out: Problems): { node: Record<string, unknown>; base: string } | undefined {
  if (!isObject(attrs)) {
    out.error('', 'attributes must be a JSON object');
    return undefined;
  }
  if (version === '0.4') {
    if (attrs.ome !== undefined && attrs.multiscales === undefined) {
      out.error('ome', 'an `ome` key is NGFF 0.5 layout; NGFF 0.4 puts multiscales at the top level of .zattrs');
    }
    return { node: attrs, base: '' };
  }
  const ome = attrs.ome;
  if (!isObject(ome)) {
    out.error('ome', attrs.multiscales !== undefined
      ? 'is required in NGFF 0.5 (top-level multiscales is 0.4 layout); move the metadata under attributes.ome'
      : 'is required in NGFF 0.5; put the metadata under attributes.ome');
    return undefined;
  }
  if (ome.version !== '0.5') out.error('ome.version', `must be "0.5" (got ${JSON.stringify(ome.version)})`);
  return { node: ome, base: 'ome.' };
}

function checkExtras(node: Record<string, unknown>, base: string, version: NgffVersion, out: Problems): void {
  if (node.omero !== undefined) checkOmero(node.omero, `${base}omero`, version, out);
  if (node['image-label'] !== undefined) checkImageLabel(node['image-label'], `${base}image-label`, version, out);
  if (node.labels !== undefined) {
    if (!Array.isArray(node.labels) || !node.labels.every((l) => typeof l === 'string')) {
      out.error(`${base}labels`, 'must be a list of label image names (strings)');
    }
  }
}

function checkMultiscales(value: unknown, path: string, version: NgffVersion, out: Problems): void {
  if (!Array.isArray(value)) {
    out.error(path, 'must be a list of multiscale objects');
    return;
  }
  if (value.length === 0) out.error(path, 'must hold at least one multiscale');
  if (!uniqueItems(value)) out.error(path, 'holds the same multiscale twice; items must be unique');
  value.forEach((m, i) => checkMultiscale(m, `${path}[${i}]`, version, out));
}

function checkMultiscale(m: unknown, path: string, version: NgffVersion, out: Problems): void {
  if (!isObject(m)) {
    out.error(path, 'must be an object');
    return;
  }
  if (version === '0.4') {
    if (m.version === undefined) out.warning(`${path}.version`, 'is missing; NGFF 0.4 (strict) requires "0.4"');
    else if (m.version !== '0.4') out.error(`${path}.version`, `must be "0.4" (got ${JSON.stringify(m.version)})`);
  } else if (m.version !== undefined && m.version !== '0.5') {
    out.error(`${path}.version`, `contradicts ome.version "0.5" (got ${JSON.stringify(m.version)}); remove it`);
  }
  if (m.name === undefined) out.warning(`${path}.name`, 'is missing; strict validators require a name');
  else if (typeof m.name !== 'string') out.error(`${path}.name`, 'must be a string');
  if (m.type === undefined) out.warning(`${path}.type`, 'is missing; strict validators require the downsampling type (e.g. "mean")');
  else if (typeof m.type !== 'string') out.error(`${path}.type`, 'must be a string');
  if (m.metadata === undefined) out.warning(`${path}.metadata`, 'is missing; strict validators require a metadata object');
  else if (!isObject(m.metadata)) out.error(`${path}.metadata`, 'must be an object');

  const rank = checkAxes(m.axes, `${path}.axes`, out);
  if (m.datasets === undefined) {
    out.error(`${path}.datasets`, 'is required; list one dataset per resolution level');
  } else if (!Array.isArray(m.datasets)) {
    out.error(`${path}.datasets`, 'must be a list');
  } else {
    if (m.datasets.length === 0) out.error(`${path}.datasets`, 'must hold at least one dataset');
    const paths = new Set<string>();
    const scales: (number[] | undefined)[] = [];
    m.datasets.forEach((d, i) => {
      const dPath = `${path}.datasets[${i}]`;
      if (!isObject(d)) {
        out.error(dPath, 'must be an object');
        scales.push(undefined);
        return;
      }
      if (typeof d.path !== 'string' || d.path === '') out.error(`${dPath}.path`, 'must be a non-empty string (the array path)');
      else if (paths.has(d.path)) out.error(`${dPath}.path`, `"${d.path}" is used by another dataset; paths must be unique`);
      else paths.add(d.path);
      if (d.coordinateTransformations === undefined) {
        out.error(`${dPath}.coordinateTransformations`, 'is required; give a scale transformation');
        scales.push(undefined);
      } else {
        scales.push(checkTransformations(d.coordinateTransformations, `${dPath}.coordinateTransformations`, rank, out));
      }
    });
    checkResolutionOrder(scales, `${path}.datasets`, out);
  }
  if (m.coordinateTransformations !== undefined) {
    checkTransformations(m.coordinateTransformations, `${path}.coordinateTransformations`, rank, out);
  }
}

/** Checks axes; returns their count when they are a list (for the transformation lengths). */
function checkAxes(axes: unknown, path: string, out: Problems): number | undefined {
  if (axes === undefined) {
    out.error(path, 'is required; list the axes (e.g. z, y, x of type space)');
    return undefined;
  }
  if (!Array.isArray(axes)) {
    out.error(path, 'must be a list of axis objects');
    return undefined;
  }
  if (axes.length < 2 || axes.length > 5) out.error(path, `must hold 2 to 5 axes (got ${axes.length})`);
  const names = new Set<string>();
  let space = 0;
  let time = 0;
  let channel = 0;
  let custom = 0;
  // Order rank: time (0) first, then channel or custom (1), then space (2).
  let lastRank = -1;
  let orderBroken = false;
  axes.forEach((a, i) => {
    const aPath = `${path}[${i}]`;
    if (!isObject(a)) {
      out.error(aPath, 'must be an object with a name');
      return;
    }
    if (typeof a.name !== 'string') out.error(`${aPath}.name`, 'is required and must be a string');
    else if (names.has(a.name)) out.error(`${aPath}.name`, `"${a.name}" is used twice; axis names must be unique`);
    else names.add(a.name);
    let rank = 1;
    if (a.type === undefined) {
      custom++;
      out.warning(`${aPath}.type`, `is missing; use one of ${AXIS_TYPES.join(', ')}`);
    } else if (typeof a.type !== 'string') {
      out.error(`${aPath}.type`, 'must be a string');
    } else if (a.type === 'space') {
      space++;
      rank = 2;
    } else if (a.type === 'time') {
      time++;
      rank = 0;
    } else if (a.type === 'channel') {
      channel++;
    } else {
      custom++;
      out.warning(`${aPath}.type`, `"${a.type}" is a custom axis type; the specification names ${AXIS_TYPES.join(', ')}`);
    }
    if (rank < lastRank) orderBroken = true;
    lastRank = Math.max(lastRank, rank);
    if (a.unit !== undefined) {
      if (typeof a.unit !== 'string') out.error(`${aPath}.unit`, 'must be a string');
      else if (a.type === 'space' && !isSpaceUnit(a.unit)) {
        out.error(`${aPath}.unit`, `"${a.unit}" is not an NGFF space unit; use one of ${SPACE_UNITS.join(', ')}`);
      } else if (a.type === 'time' && !isTimeUnit(a.unit)) {
        out.error(`${aPath}.unit`, `"${a.unit}" is not an NGFF time unit; use one of ${TIME_UNITS.join(', ')}`);
      }
    }
  });
  if (space < 2 || space > 3) out.error(path, `must hold 2 or 3 axes of type space (got ${space})`);
  if (time > 1) out.error(path, `may hold at most one axis of type time (got ${time})`);
  if (channel > 1) out.error(path, `may hold at most one axis of type channel (got ${channel})`);
  if (channel + custom > 1) out.error(path, 'may hold at most one channel or custom axis besides time and space');
  if (orderBroken) out.error(path, 'must be ordered time first, then channel or custom, then the space axes last');
  return axes.length;
}

/** Checks one coordinateTransformations list; returns its scale vector when well formed. */
function checkTransformations(value: unknown, path: string, rank: number | undefined, out: Problems): number[] | undefined {
  if (!Array.isArray(value)) {
    out.error(path, 'must be a list of transformations');
    return undefined;
  }
  if (value.length === 0) {
    out.error(path, 'must hold a scale transformation');
    return undefined;
  }
  let scale: number[] | undefined;
  let scales = 0;
  let translations = 0;
  value.forEach((t, i) => {
    const tPath = `${path}[${i}]`;
    if (!isObject(t)) {
      out.error(tPath, 'must be an object');
      return;
    }
    if (t.type === 'scale') {
      scales++;
      if (i !== 0) out.error(tPath, 'a scale must be the first transformation');
      const v = checkVector(t.scale, `${tPath}.scale`, rank, out);
      if (v) {
        if (v.some((s) => !(s > 0))) out.error(`${tPath}.scale`, 'values must be positive');
        if (scales === 1) scale = v;
      }
    } else if (t.type === 'translation') {
      translations++;
      if (i === 0) out.error(tPath, 'a translation must come after the scale');
      checkVector(t.translation, `${tPath}.translation`, rank, out);
    } else if (t.type === undefined) {
      out.error(`${tPath}.type`, 'is required ("scale" or "translation")');
    } else {
      out.error(`${tPath}.type`, `"${String(t.type)}" is not allowed here; use "scale" then optionally "translation"`);
    }
  });
  if (scales === 0) out.error(path, 'must contain exactly one scale transformation (none found)');
  if (scales > 1) out.error(path, `must contain exactly one scale transformation (found ${scales})`);
  if (translations > 1) out.error(path, `may contain at most one translation (found ${translations})`);
  return scale;
}

function checkVector(v: unknown, path: string, rank: number | undefined, out: Problems): number[] | undefined {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    out.error(path, 'must be a list of finite numbers');
    return undefined;
  }
  if (v.length < 2) out.error(path, `must hold at least 2 values (got ${v.length})`);
  if (rank !== undefined && v.length !== rank) {
    out.error(path, `must hold one value per axis: ${rank} (got ${v.length})`);
    return undefined;
  }
  return v as number[];
}

function checkResolutionOrder(scales: (number[] | undefined)[], path: string, out: Problems): void {
  for (let i = 1; i < scales.length; i++) {
    const prev = scales[i - 1];
    const cur = scales[i];
    if (!prev || !cur || prev.length !== cur.length) continue;
    if (cur.some((s, d) => s < (prev[d] ?? 0))) {
      out.error(`${path}[${i}]`, `has a finer scale than dataset ${i - 1}; order datasets from highest to lowest resolution`);
    }
  }
}

function checkOmero(value: unknown, path: string, version: NgffVersion, out: Problems): void {
  if (!isObject(value)) {
    out.error(path, 'must be an object');
    return;
  }
  if (!Array.isArray(value.channels)) {
    out.error(`${path}.channels`, 'is required and must be a list');
    return;
  }
  value.channels.forEach((c, i) => {
    const cPath = `${path}.channels[${i}]`;
    if (!isObject(c)) {
      out.error(cPath, 'must be an object');
      return;
    }
    if (!isObject(c.window)) {
      out.error(`${cPath}.window`, 'is required: {start, end, min, max}');
    } else {
      for (const k of ['start', 'min', 'end', 'max']) {
        if (typeof c.window[k] !== 'number') out.error(`${cPath}.window.${k}`, 'is required and must be a number');
      }
    }
    if (c.color === undefined) {
      if (version === '0.4') out.error(`${cPath}.color`, 'is required in NGFF 0.4 (hex RGB such as "FFFFFF")');
    } else if (typeof c.color !== 'string') out.error(`${cPath}.color`, 'must be a string');
    if (c.label !== undefined && typeof c.label !== 'string') out.error(`${cPath}.label`, 'must be a string');
    if (c.family !== undefined && typeof c.family !== 'string') out.error(`${cPath}.family`, 'must be a string');
    if (c.active !== undefined && typeof c.active !== 'boolean') out.error(`${cPath}.active`, 'must be true or false');
  });
}

function checkImageLabel(value: unknown, path: string, version: NgffVersion, out: Problems): void {
  if (!isObject(value)) {
    out.error(path, 'must be an object');
    return;
  }
  if (version === '0.4' && value.version !== undefined && value.version !== '0.4') {
    out.error(`${path}.version`, `must be "0.4" (got ${JSON.stringify(value.version)})`);
  }
  if (value.colors !== undefined) {
    if (!Array.isArray(value.colors) || value.colors.length === 0) {
      out.error(`${path}.colors`, 'must be a non-empty list');
    } else {
      if (!uniqueItems(value.colors)) out.error(`${path}.colors`, 'holds the same entry twice; items must be unique');
      value.colors.forEach((c, i) => {
        const cPath = `${path}.colors[${i}]`;
        if (!isObject(c)) return out.error(cPath, 'must be an object');
        if (typeof c['label-value'] !== 'number') out.error(`${cPath}.label-value`, 'is required and must be a number');
        if (c.rgba !== undefined) {
          const ok = Array.isArray(c.rgba) && c.rgba.length === 4 && c.rgba.every((x) => Number.isInteger(x) && x >= 0 && x <= 255);
          if (!ok) out.error(`${cPath}.rgba`, 'must be four integers from 0 to 255');
        }
      });
    }
  }
  if (value.properties !== undefined) {
    if (!Array.isArray(value.properties) || value.properties.length === 0) {
      out.error(`${path}.properties`, 'must be a non-empty list');
    } else {
      if (!uniqueItems(value.properties)) out.error(`${path}.properties`, 'holds the same entry twice; items must be unique');
      value.properties.forEach((p, i) => {
        const pPath = `${path}.properties[${i}]`;
        if (!isObject(p)) return out.error(pPath, 'must be an object');
        if (!Number.isInteger(p['label-value'])) out.error(`${pPath}.label-value`, 'is required and must be an integer');
      });
    }
  }
  if (value.source !== undefined) {
    if (!isObject(value.source)) out.error(`${path}.source`, 'must be an object');
    else if (value.source.image !== undefined && typeof value.source.image !== 'string') {
      out.error(`${path}.source.image`, 'must be a string (a relative path to the image)');
    }
  }
}

/** JSON-schema `uniqueItems`: no two items deep-equal. */
function uniqueItems(items: unknown[]): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const key = canonicalJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
