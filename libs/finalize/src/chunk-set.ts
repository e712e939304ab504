/**
 * A set of chunk indices of a grid as a bitset (one bit per chunk, row-major), small enough to store
 * with the output for resuming: 827,640 chunks (a whole scroll at 128³) take 101 KiB.
 */

/** Done/not-done flags of every chunk of a grid. */
export class ChunkSet {
  /** Chunks per axis. */
  readonly grid: readonly number[];
  /** Chunks in the grid. */
  readonly size: number;
  readonly #bits: Uint8Array;
  #count = 0;

  constructor(grid: readonly number[], bits?: Uint8Array) {
    this.grid = [...grid];
    this.size = grid.reduce((a, b) => a * b, 1);
    const bytes = Math.ceil(this.size / 8);
    this.#bits = new Uint8Array(bytes);
    if (bits) {
      if (bits.length !== bytes) throw new RangeError(`ChunkSet: ${bits.length} bytes for a grid of ${this.size} chunks`);
      this.#bits.set(bits);
      for (let i = 0; i < this.size; i++) if (this.#has(i)) this.#count++;
    }
  }

  /** Number of chunks in the set. */
  get count(): number {
    return this.#count;
  }

  /** Row-major linear index of `index`, or −1 outside the grid. */
  linear(index: readonly number[]): number {
    if (index.length !== this.grid.length) return -1;
    let i = 0;
    for (let a = 0; a < this.grid.length; a++) {
      const v = index[a]!;
      if (!Number.isInteger(v) || v < 0 || v >= this.grid[a]!) return -1;
      i = i * this.grid[a]! + v;
    }
    return i;
  }

  /** Whether the chunk with row-major index `linear` is in the set. */
  has(linear: number): boolean {
    return this.#has(linear);
  }

  /** Adds the chunk with row-major index `linear`. */
  add(linear: number): void {
    if (this.#has(linear)) return;
    this.#bits[linear >> 3]! |= 1 << (linear & 7);
    this.#count++;
  }

  #has(i: number): boolean {
    return (this.#bits[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  /** The bits as base64 (for JSON). */
  toBase64(): string {
    return Buffer.from(this.#bits.buffer, this.#bits.byteOffset, this.#bits.byteLength).toString('base64');
  }

  /** The set stored by {@link toBase64} for `grid`. */
  static fromBase64(grid: readonly number[], text: string): ChunkSet {
    const buf = Buffer.from(text, 'base64');
    return new ChunkSet(grid, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  }
}

/** Every index of `grid` in row-major (C) order, one fresh array each (lazily: grids can be large). */
export function* gridIndices(grid: readonly number[]): Generator<number[]> {
  if (grid.some((g) => g <= 0)) return;
  const idx = grid.map(() => 0);
  for (;;) {
    yield [...idx];
    let a = grid.length - 1;
    for (; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < grid[a]!) break;
      idx[a] = 0;
    }
    if (a < 0) return;
  }
}
