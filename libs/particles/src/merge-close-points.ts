/**
 * Merging picks that sit on the same particle (octopi's `remove_repeated_picks`): points closer than
 * or equal to `distance` are joined (single linkage, so chains merge), and each group is replaced by
 * its mean position. Points are swept in z order so only pairs within `distance` in z are compared.
 */

/** A point with a score, in any one unit; merged groups keep the highest score and add up `voxels`. */
export interface WeightedPoint {
  /** z coordinate (slowest axis of the z, y, x arrays). */
  z: number;
  /** y coordinate. */
  y: number;
  /** x coordinate (fastest axis). */
  x: number;
  /** Confidence; a merged point keeps the highest of its group. */
  score: number;
  /** Size of the region the point stands for, in voxels; a merged point has its group's sum. */
  voxels: number;
}

/** Groups of points within `distance` of each other (single linkage), each replaced by its mean; input order of first members is kept. */
export function mergeClosePoints(points: readonly WeightedPoint[], distance: number): WeightedPoint[] {
  const n = points.length;
  if (n < 2 || !(distance >= 0)) return points.map((p) => ({ ...p }));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => points[a]!.z - points[b]!.z);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  const d2 = distance * distance;
  for (let s = 0; s < n; s++) {
    const a = points[order[s]!]!;
    for (let t = s + 1; t < n; t++) {
      const b = points[order[t]!]!;
      const dz = b.z - a.z;
      if (dz > distance) break;
      const dy = b.y - a.y;
      const dx = b.x - a.x;
      if (dz * dz + dy * dy + dx * dx <= d2) {
        const ra = find(order[s]!);
        const rb = find(order[t]!);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  const out: WeightedPoint[] = [];
  for (const members of [...groups.values()].sort((a, b) => a[0]! - b[0]!)) {
    let z = 0;
    let y = 0;
    let x = 0;
    let score = -Infinity;
    let voxels = 0;
    for (const i of members) {
      const p = points[i]!;
      z += p.z;
      y += p.y;
      x += p.x;
      score = Math.max(score, p.score);
      voxels += p.voxels;
    }
    const k = members.length;
    out.push({ z: z / k, y: y / k, x: x / k, score, voxels });
  }
  return out;
}
