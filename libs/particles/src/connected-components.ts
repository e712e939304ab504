/**
 * Connected-component labelling of a 3D mask: two raster passes with union-find over provisional
 * labels (no recursion, no queue), O(voxels · neighbours). Components are numbered 1..count in the
 * raster order of their first voxel, as `scipy.ndimage.label` numbers them.
 */
import { ParticlesArgumentError } from './errors';
import { checkShape, type Shape3 } from './volume-shape';

/** 6: faces; 18: faces and edges; 26: faces, edges and corners. */
export type Connectivity = 6 | 18 | 26;

/** Labels and the number of components. */
export interface ComponentLabels {
  /** 0 for background, 1..count per component. */
  labels: Int32Array;
  /** Number of components (the largest label). */
  count: number;
}

/** The neighbour offsets (dz, dy, dx) that precede a voxel in raster order, for `connectivity`. */
function backwardOffsets(connectivity: Connectivity): number[][] {
  const out: number[][] = [];
  for (let dz = -1; dz <= 0; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (dz === 0 && (dy > 0 || (dy === 0 && dx >= 0))) continue; // not before the voxel
        const nonZero = (dz !== 0 ? 1 : 0) + (dy !== 0 ? 1 : 0) + (dx !== 0 ? 1 : 0);
        if (connectivity === 6 && nonZero > 1) continue;
        if (connectivity === 18 && nonZero > 2) continue;
        out.push([dz, dy, dx]);
      }
    }
  }
  return out;
}

/**
 * Labels the connected components of the non-zero voxels of `mask` (shape z, y, x).
 * `out` may be passed to reuse an Int32Array of the same length.
 */
export function connectedComponents(mask: Uint8Array, shape: Shape3, connectivity: Connectivity = 6, out?: Int32Array): ComponentLabels {
  const n = checkShape(shape, mask.length, 'connectedComponents');
  if (connectivity !== 6 && connectivity !== 18 && connectivity !== 26) {
    throw new ParticlesArgumentError(`connectedComponents: connectivity ${String(connectivity)} is not 6, 18 or 26`);
  }
  const [Z, Y, X] = shape;
  const labels = out ?? new Int32Array(n);
  if (labels.length !== n) throw new ParticlesArgumentError(`connectedComponents: out has ${labels.length} elements, the mask ${n}`);
  const offs = backwardOffsets(connectivity);
  const odz = Int32Array.from(offs, (o) => o[0]!);
  const ody = Int32Array.from(offs, (o) => o[1]!);
  const odx = Int32Array.from(offs, (o) => o[2]!);
  const oIdx = Int32Array.from(offs, (o) => o[0]! * Y * X + o[1]! * X + o[2]!);
  const nOff = offs.length;

  let parent = new Int32Array(1024);
  let next = 1; // provisional label 0 is background
  let merges = 0;
  if (out) labels.fill(0);
  const find = (a: number): number => {
    while (parent[a] !== a) {
      const g = parent[parent[a]!]!;
      parent[a] = g; // path halving
      a = g;
    }
    return a;
  };

  // Pass 1: provisional labels; union with every labelled backward neighbour. The smaller label
  // becomes the root, so each set's root is its first voxel's label in raster order.
  let i = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        if (mask[i] === 0) continue;
        let cur = 0;
        for (let k = 0; k < nOff; k++) {
          const nz = z + odz[k]!;
          const ny = y + ody[k]!;
          const nx = x + odx[k]!;
          if (nz < 0 || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
          const l = labels[i + oIdx[k]!]!;
          if (l === 0) continue;
          if (cur === 0) {
            cur = find(l);
            continue;
          }
          const r = find(l);
          if (r !== cur) {
            merges++;
            if (r < cur) {
              parent[cur] = r;
              cur = r;
            } else {
              parent[r] = cur;
            }
          }
        }
        if (cur === 0) {
          if (next >= parent.length) {
            const grown = new Int32Array(parent.length * 2);
            grown.set(parent);
            parent = grown;
          }
          parent[next] = next;
          cur = next++;
        }
        labels[i] = cur;
      }
    }
  }

  // Without merges the provisional labels already are 1..count in first-voxel order.
  if (merges === 0) return { labels, count: next - 1 };
  // Final numbering: roots in increasing order get 1, 2, …; every label maps through its root.
  const final = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    const r = find(l);
    if (r === l) final[l] = ++count;
  }
  for (let l = 1; l < next; l++) final[l] = final[find(l)]!;
  for (let j = 0; j < n; j++) {
    const l = labels[j]!;
    if (l !== 0) labels[j] = final[l]!;
  }
  return { labels, count };
}
