import { AxisTransform } from './axis-transform';
import { TilingArgumentError } from './errors';

/** Which test-time augmentation set to use. */
export type TtaKind = 'none' | 'mirroring' | 'rotation';

/** Every {@link TtaKind}, for option parsing and error messages. */
export const TTA_KINDS: readonly TtaKind[] = ['none', 'mirroring', 'rotation'];

/** Options of {@link ttaTransforms}. */
export interface TtaOptions {
  /**
   * Spatial axes that mirroring may flip (0 = first spatial axis), e.g. nnU-Net's
   * `inference_allowed_mirroring_axes`. Default: all.
   */
  readonly mirrorAxes?: readonly number[];
  /** If given, transforms that swap axes are checked against it now rather than on first use. */
  readonly patchSize?: readonly number[];
}

const AXIS_LETTERS: Record<number, readonly string[]> = { 2: ['y', 'x'], 3: ['z', 'y', 'x'] };

function identityPerm(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The transforms of a TTA set; the engine averages `invert(model(apply(x)))` over them with equal
 * weights (logits, as nnU-Net and villa do).
 *
 * - `'none'`: identity only.
 * - `'mirroring'`: every subset of flips over the mirror axes — 8 in 3-D (identity, x, y, z, xy, xz,
 *   yz, xyz: villa's order), 4 in 2-D. Works on any patch shape.
 * - `'rotation'`: villa's "rotation", which is axis transposition: identity, transpose(z, x),
 *   transpose(z, y) in 3-D; identity, transpose(y, x) in 2-D. Needs equal extents on the swapped axes.
 *
 * @param kind - the TTA set
 * @param spatialDims - 2 for `[…, H, W]` patches, 3 for `[…, Z, Y, X]`
 * @param options - mirror axes and an optional patch size to validate against
 * @throws {@link TilingArgumentError} on an unknown kind, dimension or mirror axis
 * @throws {@link TtaShapeError} if `patchSize` is given and a transposition does not fit it
 */
export function ttaTransforms(kind: TtaKind, spatialDims: 2 | 3, options: TtaOptions = {}): AxisTransform[] {
  const letters = AXIS_LETTERS[spatialDims];
  if (!letters) throw new TilingArgumentError(`TTA needs 2 or 3 spatial dimensions, got ${String(spatialDims)}`);
  const n = spatialDims;
  const id = identityPerm(n);
  const noFlip = new Array<boolean>(n).fill(false);
  let out: AxisTransform[];
  if (kind === 'none') {
    out = [new AxisTransform('identity', id, noFlip)];
  } else if (kind === 'mirroring') {
    const axes = options.mirrorAxes ?? id;
    if (axes.some((a) => !Number.isInteger(a) || a < 0 || a >= n) || new Set(axes).size !== axes.length) {
      throw new TilingArgumentError(`mirror axes [${axes.join(', ')}] must be distinct spatial axes in [0, ${n - 1}]`);
    }
    // Name axes innermost first (x, y, z) and order subsets by size, then by those letters: villa's list.
    const byLetter = [...axes].sort((a, b) => b - a);
    const subsets: number[][] = [[]];
    for (let k = 1; k <= byLetter.length; k++) combinations(byLetter, k, 0, [], subsets);
    out = subsets.map((sub) => {
      const flip = noFlip.map((_, a) => sub.includes(a));
      const name = sub.length === 0 ? 'identity' : `flip_${sub.map((a) => letters[a]).join('')}`;
      return new AxisTransform(name, id, flip);
    });
  } else if (kind === 'rotation') {
    out = [new AxisTransform('identity', id, noFlip)];
    const pairs: [number, number][] = n === 3 ? [[0, 2], [0, 1]] : [[0, 1]];
    for (const [a, b] of pairs) {
      const perm = [...id];
      perm[a] = b;
      perm[b] = a;
      out.push(new AxisTransform(`transpose_${letters[a]}${letters[b]}`, perm, noFlip));
    }
  } else {
    throw new TilingArgumentError(`unknown TTA kind '${String(kind)}': use one of ${TTA_KINDS.join(', ')}`);
  }
  if (options.patchSize) for (const t of out) t.checkShape(options.patchSize);
  return out;
}

function combinations(items: readonly number[], k: number, from: number, cur: number[], out: number[][]): void {
  if (cur.length === k) {
    out.push([...cur]);
    return;
  }
  for (let i = from; i < items.length; i++) {
    cur.push(items[i]!);
    combinations(items, k, i + 1, cur, out);
    cur.pop();
  }
}

/**
 * octopi `segment`'s ordered TTA list on `[…, Z, Y, X]`, of which the first `n` are used:
 * identity, rot90 k=2 in (y, x), flip z, flip x, flip y, rot90 k=1, rot90 k=3, flip zyx.
 *
 * Rotations follow `torch.rot90(x, k, dims=(y, x))` (= `np.rot90`): k=1 maps out[y, x] = in[x, W−1−y].
 * They keep the missing-wedge axis z in place and need Y = X. `n` is clamped as octopi does: below
 * 2 gives identity only, above 8 gives all 8.
 *
 * @param n - octopi's `--ntta` (default 4: identity, rot180, flip z, flip x)
 */
export function octopiTtaTransforms(n = 4): AxisTransform[] {
  const F = false;
  const T = true;
  const all = [
    new AxisTransform('identity', [0, 1, 2], [F, F, F]),
    new AxisTransform('rot90_yx_k2', [0, 1, 2], [F, T, T]),
    new AxisTransform('flip_z', [0, 1, 2], [T, F, F]),
    new AxisTransform('flip_x', [0, 1, 2], [F, F, T]),
    new AxisTransform('flip_y', [0, 1, 2], [F, T, F]),
    new AxisTransform('rot90_yx_k1', [0, 2, 1], [F, T, F]),
    new AxisTransform('rot90_yx_k3', [0, 2, 1], [F, F, T]),
    new AxisTransform('flip_zyx', [0, 1, 2], [T, T, T]),
  ];
  const count = !(n >= 2) ? 1 : Math.min(8, Math.floor(n));
  return all.slice(0, count);
}
