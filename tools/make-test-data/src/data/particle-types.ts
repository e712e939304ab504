/**
 * The three particle types of the copick test project. Names follow copick's rule (no
 * underscores); radii are this project's own (Å), chosen to fit a small tomogram, and label k has
 * intensity band k, which is what multiclass3d.onnx recognises.
 */
export interface ParticleType {
  name: string;
  /** copick label, also the class index in multiclass3d and the intensity band centre. */
  label: number;
  /** Radius in Å. */
  radius: number;
  /** RGBA 0–255. */
  color: [number, number, number, number];
}

/** The particle types, in label order. */
export const PARTICLE_TYPES: readonly ParticleType[] = [
  { name: 'apo-ferritin', label: 1, radius: 60, color: [0, 117, 220, 128] },
  { name: 'beta-galactosidase', label: 2, radius: 90, color: [76, 0, 92, 128] },
  { name: 'ribosome', label: 3, radius: 110, color: [0, 92, 49, 128] },
];
