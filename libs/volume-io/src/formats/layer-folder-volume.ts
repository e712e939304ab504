/**
 * A 2.5D surface-layer folder (ink detection) as a read-only volume (L, H, W) of uint8: layer files
 * `layers/NN.tif` (also .tiff, .png, .jpg, .jpeg) with NN in `[start, end)`, in numeric order.
 * 16-bit layers are scaled to uint8 by round(v / 257), so the full 0–65535 range maps onto 0–255; the
 * reference container instead clips at 255, which saturates them (VoxelFlow's design asks for proper
 * scaling). Float and signed layers are clipped to [0, 255] and rounded, as the reference does.
 */
import type { Store } from '@voxelflow/remote-storage';
import type { Box, Geometry, NdArray, TypedArray, Volume } from '../types';
import { checkBox, copyBoxOut } from './box-copy';
import { product } from '../region-copy';
import { ImageNotFoundError, NoLayersFoundError, ReadOnlyVolumeError, UnreadableImageError } from './errors';
import { decodeRaster, firstChannel } from './image-2d';
import { displayUrl, resolveFolder, type FolderLocation } from './locations';
import { numberedFiles, type NumberedFile } from './numbered-files';
import { SliceCache } from './slice-cache';
import { decodeTiff, isTiffName } from './tiff-codec';
import { identityGeometry } from './whole-file-volume';

const LAYER_EXTENSION = /\.(tiff?|png|jpe?g)$/i;
const READ_CONCURRENCY = 4;

/** Options of {@link openLayerFolder}. */
export interface OpenLayerFolderOptions {
  /** First layer number (inclusive); default: the smallest number found. */
  start?: number;
  /** Last layer number (exclusive): layers 00–25 are `{ start: 0, end: 26 }`; default: the largest found + 1. */
  end?: number;
  /** Bytes of decoded uint8 layers kept in memory; default: all layers of the range. */
  cacheBytes?: number;
}

/** See the module comment. Open with {@link openLayerFolder}. */
export class LayerFolderVolume implements Volume {
  readonly format = 'layers' as const;
  readonly dtype = 'uint8' as const;
  readonly url: string;
  readonly shape: readonly number[];
  readonly chunkShape: readonly number[];
  readonly geometry: Geometry = identityGeometry();
  readonly fillValue = 0;
  readonly attributes: Record<string, unknown>;
  /** Store key of each layer, in volume order (index 0 = layer `start`). */
  readonly layerKeys: readonly string[];
  private readonly cache: SliceCache<Uint8Array>;

  private constructor(
    private readonly store: Store,
    layers: NumberedFile[],
    height: number,
    width: number,
    first: Uint8Array,
    opts: OpenLayerFolderOptions & { start: number; end: number },
  ) {
    this.url = store.url;
    this.layerKeys = layers.map((l) => l.key);
    this.shape = [layers.length, height, width];
    this.chunkShape = [1, height, width];
    this.attributes = { start: opts.start, end: opts.end, layers: layers.map((l) => l.index) };
    this.cache = new SliceCache(opts.cacheBytes ?? Number.POSITIVE_INFINITY, (a) => a.byteLength);
    this.cache.put(0, first);
  }

  /** @internal Use {@link openLayerFolder}. */
  static async open(location: FolderLocation, opts: OpenLayerFolderOptions = {}): Promise<LayerFolderVolume> {
    const store = await resolveFolder(location);
    const keys = await store.list();
    // A segment folder holds layers/NN.tif; a layers folder holds NN.tif itself.
    const inLayers = numberedFiles(keys, { prefix: 'layers/', extension: LAYER_EXTENSION, wholeNameNumeric: true, folderUrl: displayUrl(store, 'layers') });
    const files = inLayers.length > 0 ? inLayers : numberedFiles(keys, { extension: LAYER_EXTENSION, wholeNameNumeric: true, folderUrl: store.url });
    const folder = inLayers.length > 0 ? displayUrl(store, 'layers') : store.url;
    if (files.length === 0 && (opts.start === undefined || opts.end === undefined)) {
      throw new NoLayersFoundError(
        `No layers found in ${store.url}: no numbered layer files (layers/00.tif, layers/01.tif, … or .png/.jpg); check the path`,
        store.url,
        opts.start ?? 0,
        opts.end ?? 0,
        [],
      );
    }
    const start = opts.start ?? files[0]!.index;
    const end = opts.end ?? files[files.length - 1]!.index + 1;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) {
      throw new NoLayersFoundError(`No layers found in ${folder} for [${start}, ${end}): the range is empty or invalid; give 0 <= start < end (end exclusive)`, folder, start, end, []);
    }
    const byIndex = new Map(files.map((f) => [f.index, f]));
    const picked: NumberedFile[] = [];
    const missing: number[] = [];
    for (let i = start; i < end; i++) {
      const f = byIndex.get(i);
      if (f === undefined) missing.push(i);
      else picked.push(f);
    }
    if (missing.length > 0) {
      const what = picked.length === 0 ? 'none of them exist' : `missing ${formatList(missing)}`;
      throw new NoLayersFoundError(
        `No layers found in ${folder} for [${start}, ${end}): ${what}; check the path and the range (end is exclusive) and name layers by number (00.tif, 01.tif, …)`,
        folder,
        start,
        end,
        missing,
      );
    }
    const first = await decodeLayer(store, picked[0]!.key);
    return new LayerFolderVolume(store, picked, first.height, first.width, first.data, { ...opts, start, end });
  }

  async read(box: Box): Promise<NdArray> {
    const extent = checkBox(box, this.shape, this.url);
    const [, h, w] = this.shape as [number, number, number];
    const plane = extent[1]! * extent[2]!;
    const out = new Uint8Array(product(extent));
    const planeBox: Box = { start: [box.start[1]!, box.start[2]!], stop: [box.stop[1]!, box.stop[2]!] };
    for (let i = 0; i < extent[0]!; i += READ_CONCURRENCY) {
      const ls = Array.from({ length: Math.min(READ_CONCURRENCY, extent[0]! - i) }, (_, j) => box.start[0]! + i + j);
      const planes = await Promise.all(ls.map((l) => this.layer(l)));
      planes.forEach((p, j) => copyBoxOut(p, [h, w], planeBox, out.subarray((i + j) * plane, (i + j + 1) * plane)));
    }
    return { data: out, shape: extent, dtype: this.dtype };
  }

  async write(): Promise<void> {
    throw new ReadOnlyVolumeError(`cannot write to layer folder ${this.url}: layer folders are inputs only; write outputs to Zarr, TIFF or PNG`, this.url);
  }

  async hasChunk(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private layer(l: number): Promise<Uint8Array> {
    return this.cache.get(l, async () => {
      const key = this.layerKeys[l]!;
      const layer = await decodeLayer(this.store, key);
      if (layer.height !== this.shape[1] || layer.width !== this.shape[2]) {
        const url = displayUrl(this.store, key);
        throw new UnreadableImageError(
          `layer ${url} is ${layer.height}×${layer.width} but the first layer is ${this.shape[1]}×${this.shape[2]}; all layers must have one size`,
          url,
        );
      }
      return layer.data;
    });
  }
}

function formatList(ns: number[]): string {
  const shown = ns.slice(0, 10).map((n) => String(n).padStart(2, '0'));
  return ns.length > 10 ? `${shown.join(', ')} and ${ns.length - 10} more` : shown.join(', ');
}

/** Reads one layer file as a uint8 plane (first channel for multi-sample TIFFs). */
async function decodeLayer(store: Store, key: string): Promise<{ data: Uint8Array; height: number; width: number }> {
  const url = displayUrl(store, key);
  const bytes = await store.get(key);
  if (bytes === undefined) throw new ImageNotFoundError(`layer ${url} disappeared while reading; check the folder`, url);
  if (isTiffName(key)) {
    const page = decodeTiff(bytes, { pages: [0], name: url })[0];
    if (page === undefined) throw new UnreadableImageError(`${url} has no image page; re-export the layer`, url);
    return { data: toUint8(firstChannel(page.data, page.shape), page.dtype), height: page.shape[0]!, width: page.shape[1]! };
  }
  const img = await decodeRaster(bytes, url);
  return { data: toUint8(img.data, img.dtype), height: img.shape[0], width: img.shape[1] };
}

/**
 * Converts a layer to uint8: uint8 as is, uint16 scaled by round(v / 257) (0 → 0, 65535 → 255),
 * anything else clipped to [0, 255] and rounded.
 */
export function layerToUint8(data: TypedArray, dtype: string): Uint8Array {
  return toUint8(data, dtype);
}

function toUint8(data: TypedArray, dtype: string): Uint8Array {
  if (dtype === 'uint8') return data as Uint8Array;
  const out = new Uint8Array(data.length);
  if (dtype === 'uint16') {
    // round(v / 257) with integer arithmetic: (v + 128) / 257 floored, exact for 0..65535.
    for (let i = 0; i < data.length; i++) out[i] = ((data[i]! + 128) / 257) | 0;
    return out;
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  return out;
}

/**
 * Opens the layers `[start, end)` of a segment folder (holding `layers/NN.tif`) or of a layers folder
 * itself as a read-only uint8 volume (L, H, W); without a range, every layer from the smallest number
 * to the largest. Throws {@link NoLayersFoundError} naming the folder and the range when any layer of
 * the range is missing, or when there are no layers at all.
 */
export function openLayerFolder(location: FolderLocation, opts?: OpenLayerFolderOptions): Promise<LayerFolderVolume> {
  return LayerFolderVolume.open(location, opts);
}
