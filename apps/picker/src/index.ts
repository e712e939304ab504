/**
 * @packageDocumentation `voxelflow-pick` as a module: `main(argv)` runs the command line and resolves
 * with the exit code. The work is in @voxelflow/particles (copick, localize, evaluate) and
 * @voxelflow/inference (segment's fused pass).
 */
export { main, VERSION } from './main';
