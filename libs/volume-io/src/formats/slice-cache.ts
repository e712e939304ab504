/**
 * A small LRU of decoded 2D slices bounded in bytes, with in-flight de-duplication: concurrent reads
 * of one slice decode it once.
 */

/** LRU map from a slice index to its decoded value, bounded by the sum of `sizeOf(value)`. */
export class SliceCache<V> {
  private readonly entries = new Map<number, V>();
  private readonly loading = new Map<number, Promise<V>>();
  private bytes = 0;
  /** Bumped by `delete`, so a load that started before an invalidation is not cached after it. */
  private generation = 0;

  /**
   * @param maxBytes upper bound of the cached bytes; the most recent slice is always kept, even if larger.
   * @param sizeOf bytes held by one value.
   */
  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** The cached value of `index`, or the result of `load()` (which is then cached). */
  async get(index: number, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(index);
    if (hit !== undefined) {
      this.entries.delete(index);
      this.entries.set(index, hit);
      return hit;
    }
    const inFlight = this.loading.get(index);
    if (inFlight !== undefined) return inFlight;
    const generation = this.generation;
    const p = load().then(
      (value) => {
        if (this.loading.get(index) === p) this.loading.delete(index);
        if (generation === this.generation) this.put(index, value);
        return value;
      },
      (err: unknown) => {
        if (this.loading.get(index) === p) this.loading.delete(index);
        throw err;
      },
    );
    this.loading.set(index, p);
    return p;
  }

  /** Stores `value` under `index`, evicting least recently used entries beyond the byte bound. */
  put(index: number, value: V): void {
    const old = this.entries.get(index);
    if (old !== undefined) {
      this.entries.delete(index);
      this.bytes -= this.sizeOf(old);
    }
    this.entries.set(index, value);
    this.bytes += this.sizeOf(value);
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes || this.entries.size <= 1) break;
      this.entries.delete(k);
      this.bytes -= this.sizeOf(v);
    }
  }

  /** Drops `index` from the cache, including a load in flight (its result is then not cached). */
  delete(index: number): void {
    this.generation++;
    this.loading.delete(index);
    const v = this.entries.get(index);
    if (v === undefined) return;
    this.entries.delete(index);
    this.bytes -= this.sizeOf(v);
  }
}
