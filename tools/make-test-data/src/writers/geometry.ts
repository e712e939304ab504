/**
 * Voxel geometry in ITK's convention (LPS world, x fastest): world = origin + direction · diag(spacing)
 * · index, with direction columns being the index axes. NIfTI wants the same map in RAS.
 */
export interface ImageGeometry {
  /** Size along x, y, z (x fastest in memory). */
  size: [number, number, number];
  /** Spacing along x, y, z (mm). */
  spacing: [number, number, number];
  /** World position (LPS, mm) of voxel (0, 0, 0). */
  origin: [number, number, number];
  /** Row-major 3×3 direction matrix D[r][c] (LPS); column c is the direction of index axis c. */
  direction: [number, number, number, number, number, number, number, number, number];
}

/** The 3×4 RAS affine of a geometry: LPS with world x and y negated. */
export function rasAffine(g: ImageGeometry): number[][] {
  const flip = [-1, -1, 1];
  return [0, 1, 2].map((r) => [
    ...[0, 1, 2].map((c) => flip[r]! * g.direction[3 * r + c]! * g.spacing[c]! + 0), // + 0: no −0 in headers
    flip[r]! * g.origin[r]! + 0,
  ]);
}
