/**
 * @packageDocumentation `voxelflow` as a module: `main(argv)` runs the command line and resolves with
 * the exit code. The commands only build options for the library functions (`predict`, `blend`,
 * `finalize`, `runPipeline` from @voxelflow/inference); call those directly from code.
 */
export { main, VERSION } from './main';
export { BACKENDS, BACKEND_MODULES, backendFactory } from './backends';
