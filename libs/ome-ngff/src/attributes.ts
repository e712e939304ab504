import type { ImageLabel, Multiscale, NgffContent, NgffVersion } from './types';

/**
 * Shapes version-independent NGFF content as the attributes of a group: at the top level of
 * `.zattrs` with a `version` in each multiscale (0.4), or under `ome` with one `ome.version` (0.5).
 */
export function toNgffAttributes(content: NgffContent, version: NgffVersion): Record<string, unknown> {
  const ngff: Record<string, unknown> = {};
  if (content.multiscales) {
    ngff.multiscales = content.multiscales.map((m) => withVersion(m, version));
  }
  if (content.omero) ngff.omero = content.omero;
  if (content.imageLabel) ngff['image-label'] = withVersion(content.imageLabel, version);
  if (content.labels) ngff.labels = [...content.labels];
  if (version === '0.4') return ngff;
  return { ome: { version, ...ngff } };
}

/** The NGFF content of group attributes, and the version it declares (undefined when none). */
export function fromNgffAttributes(attrs: Record<string, unknown>): {
  /** The declared version ('0.4' for 0.4-style attributes without one); undefined without NGFF keys. */
  version: NgffVersion | undefined;
  /** The NGFF content found. */
  content: NgffContent;
} {
  const ome = attrs.ome;
  if (isObject(ome)) {
    const version = ome.version === '0.5' || ome.version === '0.4' ? ome.version : undefined;
    return { version, content: contentOf(ome) };
  }
  const content = contentOf(attrs);
  const declared = content.multiscales?.[0]?.version ?? content.imageLabel?.version;
  const version = declared === '0.4' || declared === '0.5' ? declared : content.multiscales || content.imageLabel ? '0.4' : undefined;
  return { version, content };
}

/** Attribute keys that hold NGFF metadata in either version (others belong to the application). */
export const NGFF_ATTRIBUTE_KEYS: readonly string[] = ['ome', 'multiscales', 'omero', 'image-label', 'labels'];

function contentOf(source: Record<string, unknown>): NgffContent {
  const content: NgffContent = {};
  if (Array.isArray(source.multiscales)) content.multiscales = source.multiscales as Multiscale[];
  if (isObject(source.omero)) content.omero = source.omero as unknown as NgffContent['omero'];
  if (isObject(source['image-label'])) content.imageLabel = source['image-label'] as ImageLabel;
  if (Array.isArray(source.labels)) content.labels = source.labels as string[];
  return content;
}

function withVersion<T extends { version?: NgffVersion }>(value: T, version: NgffVersion): T {
  const { version: _drop, ...rest } = value;
  // 0.4 puts the version first in each object (as ome-zarr-py writes it); 0.5 keeps it only in `ome`.
  return (version === '0.4' ? { version, ...rest } : rest) as T;
}

/** Whether `v` is a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
