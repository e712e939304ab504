/**
 * A sliding window of image rows of the surface volume, held as one uint8 plane per layer plus a
 * validity mask, for gathering tiles. The surface volume is (H, W, C) with chunks (k, k, 1); the
 * window advances down the image and reads each new band of rows in chunk-aligned pieces of one chunk
 * column at a time, so every stored chunk is fetched and decoded once and the memory is
 * (T + k) · W · (C + 1) bytes — not the whole image the reference container keeps per partition.
 */
import type { Volume } from '@voxelflow/volume-io';

/** Options of {@link LayerWindow}. */
export interface LayerWindowOptions {
  /** First layer of the volume's last axis to use. */
  layerStart: number;
  /** Layers to use. */
  layers: number;
  /** Most rows ever asked for at once (the tile edge). */
  maxRows: number;
}

/** See the module comment. */
export class LayerWindow {
  /** Image height and width. */
  readonly height: number;
  readonly width: number;
  /** Layers held. */
  readonly layers: number;
  /** One plane per layer: row y of the image is at `(y − rowStart) · width`. */
  readonly planes: Uint8Array[];
  /** 1 where any held layer is non-zero (the reference container's "valid" pixels), else 0. */
  readonly valid: Uint8Array;
  /** First image row held. */
  rowStart = 0;
  /** One past the last image row held. */
  rowStop = 0;
  /** Chunks' row and column extent. */
  private readonly chunkRows: number;
  private readonly chunkCols: number;
  private readonly capacity: number;
  private readonly layerStart: number;

  constructor(
    private readonly volume: Volume,
    options: LayerWindowOptions,
  ) {
    const [h, w, c] = volume.shape as [number, number, number];
    if (options.layerStart < 0 || options.layerStart + options.layers > c) {
      throw new RangeError(`layers ${options.layerStart} … ${options.layerStart + options.layers} are outside the volume's ${c} layers`);
    }
    this.height = h;
    this.width = w;
    this.layers = options.layers;
    this.layerStart = options.layerStart;
    this.chunkRows = Math.max(1, volume.chunkShape[0] ?? h);
    this.chunkCols = Math.max(1, volume.chunkShape[1] ?? w);
    this.capacity = Math.min(h, options.maxRows + this.chunkRows);
    this.planes = Array.from({ length: options.layers }, () => new Uint8Array(this.capacity * w));
    this.valid = new Uint8Array(this.capacity * w);
  }

  /** Makes image rows `[from, to)` (clipped to the image) available; rows before `from` may be dropped. */
  async ensure(from: number, to: number): Promise<void> {
    const stop = Math.min(to, this.height);
    if (from >= this.rowStart && stop <= this.rowStop) return;
    if (stop - from > this.capacity) throw new RangeError(`rows ${from} … ${stop} exceed the window's ${this.capacity} rows`);
    if (from < this.rowStart || from >= this.rowStop) {
      // A jump (the first call, or a part that starts elsewhere): start afresh.
      this.rowStart = from;
      this.rowStop = from;
    } else if (from > this.rowStart) {
      const drop = (from - this.rowStart) * this.width;
      const keep = (this.rowStop - this.rowStart) * this.width;
      for (const p of this.planes) p.copyWithin(0, drop, keep);
      this.valid.copyWithin(0, drop, keep);
      this.rowStart = from;
    }
    // Read up to the next chunk-row boundary past `stop`, so the next rows need no second decode.
    const boundary = Math.ceil(Math.max(stop, this.rowStop + 1) / this.chunkRows) * this.chunkRows;
    const readStop = Math.min(this.height, this.rowStart + this.capacity, Math.max(stop, boundary));
    await this.load(this.rowStop, readStop);
    this.rowStop = readStop;
  }

  /** Reads rows `[y0, y1)` into the planes, one chunk column at a time. */
  private async load(y0: number, y1: number): Promise<void> {
    if (y1 <= y0) return;
    const { width: w, layers: c } = this;
    const rows = y1 - y0;
    const base = (y0 - this.rowStart) * w;
    this.valid.fill(0, base, base + rows * w);
    for (let x0 = 0; x0 < w; x0 += this.chunkCols) {
      const x1 = Math.min(w, x0 + this.chunkCols);
      const cols = x1 - x0;
      const box = { start: [y0, x0, this.layerStart], stop: [y1, x1, this.layerStart + c] };
      const { data } = await this.volume.read(box);
      const hwc = data as Uint8Array;
      // (rows, cols, C) → one plane per layer; the validity mask on the way.
      for (let r = 0; r < rows; r++) {
        const dst = base + r * w + x0;
        let s = r * cols * c;
        for (let x = 0; x < cols; x++, s += c) {
          let any = 0;
          for (let l = 0; l < c; l++) {
            const value = hwc[s + l]!;
            this.planes[l]![dst + x] = value;
            any |= value;
          }
          if (any !== 0) this.valid[dst + x] = 1;
        }
      }
    }
  }
}
