/**
 * Marker-based watershed by priority flooding, as `skimage.segmentation.watershed(image, markers,
 * mask=…)` does it with connectivity 1: every marker voxel enters a min-heap ordered by (image value,
 * age); popping a voxel labels each unlabelled 6-neighbour inside the mask with the popped label and
 * pushes it with a fresh age, so equal values flood first-come first-served. Each voxel is pushed at
 * most once: O(voxels · log front).
 */
import { ParticlesArgumentError } from './errors';
import { checkShape, type Shape3 } from './volume-shape';

/** A binary min-heap of voxel indices keyed by (value, age), in parallel typed arrays that grow as needed. */
class FloodQueue {
  private values = new Float64Array(1024);
  private ages = new Float64Array(1024);
  private indices = new Int32Array(1024);
  size = 0;

  private less(a: number, b: number): boolean {
    const va = this.values[a]!;
    const vb = this.values[b]!;
    return va < vb || (va === vb && this.ages[a]! < this.ages[b]!);
  }

  private swap(a: number, b: number): void {
    const v = this.values[a]!;
    this.values[a] = this.values[b]!;
    this.values[b] = v;
    const g = this.ages[a]!;
    this.ages[a] = this.ages[b]!;
    this.ages[b] = g;
    const i = this.indices[a]!;
    this.indices[a] = this.indices[b]!;
    this.indices[b] = i;
  }

  push(value: number, age: number, index: number): void {
    if (this.size === this.values.length) {
      const cap = this.values.length * 2;
      const v = new Float64Array(cap);
      v.set(this.values);
      this.values = v;
      const g = new Float64Array(cap);
      g.set(this.ages);
      this.ages = g;
      const i = new Int32Array(cap);
      i.set(this.indices);
      this.indices = i;
    }
    let k = this.size++;
    this.values[k] = value;
    this.ages[k] = age;
    this.indices[k] = index;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.less(k, parent)) break;
      this.swap(k, parent);
      k = parent;
    }
  }

  /** Removes the smallest entry and returns its voxel index. */
  pop(): number {
    const top = this.indices[0]!;
    const last = --this.size;
    if (last > 0) {
      this.values[0] = this.values[last]!;
      this.ages[0] = this.ages[last]!;
      this.indices[0] = this.indices[last]!;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.less(r, l) ? r : l;
        if (!this.less(c, k)) break;
        this.swap(c, k);
        k = c;
      }
    }
    return top;
  }
}

/**
 * Floods `image` (shape z, y, x; lower values first) from `markers` (non-zero = seed label) within
 * `mask` (non-zero = may be labelled; default everywhere), 6-connected. Returns the labels; `out` may
 * be `markers` itself to label in place. Markers outside the mask are dropped.
 */
export function watershed(image: Float32Array, markers: Int32Array, shape: Shape3, mask?: Uint8Array, out?: Int32Array): Int32Array {
  const n = checkShape(shape, image.length, 'watershed');
  if (markers.length !== n) throw new ParticlesArgumentError(`watershed: markers have ${markers.length} elements, the image ${n}`);
  if (mask && mask.length !== n) throw new ParticlesArgumentError(`watershed: mask has ${mask.length} elements, the image ${n}`);
  const labels = out ?? new Int32Array(n);
  if (labels.length !== n) throw new ParticlesArgumentError(`watershed: out has ${labels.length} elements, the image ${n}`);
  if (labels !== markers) labels.set(markers);
  const [Z, Y, X] = shape;
  const plane = Y * X;
  const queue = new FloodQueue();

  for (let i = 0; i < n; i++) {
    if (labels[i] === 0) continue;
    if (mask && mask[i] === 0) {
      labels[i] = 0;
      continue;
    }
    queue.push(image[i]!, 0, i);
  }

  let age = 1;
  while (queue.size > 0) {
    const i = queue.pop();
    const label = labels[i]!;
    const x = i % X;
    const y = ((i - x) / X) % Y;
    const z = (i - x - y * X) / plane;
    // The six face neighbours, each only when inside the array.
    for (let k = 0; k < 6; k++) {
      let j: number;
      switch (k) {
        case 0:
          if (z === 0) continue;
          j = i - plane;
          break;
        case 1:
          if (y === 0) continue;
          j = i - X;
          break;
        case 2:
          if (x === 0) continue;
          j = i - 1;
          break;
        case 3:
          if (x === X - 1) continue;
          j = i + 1;
          break;
        case 4:
          if (y === Y - 1) continue;
          j = i + X;
          break;
        default:
          if (z === Z - 1) continue;
          j = i + plane;
      }
      if (labels[j] !== 0 || (mask !== undefined && mask[j] === 0)) continue;
      labels[j] = label;
      queue.push(image[j]!, age++, j);
    }
  }
  return labels;
}
