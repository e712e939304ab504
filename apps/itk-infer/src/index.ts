/**
 * @packageDocumentation `itk-infer` as a module: `main(argv)` runs the command line; `runItkInfer`
 * runs a folder of medical images with typed options and returns what was segmented, skipped and failed.
 */
export { main, optionsFromArgs, VERSION } from './main';
export { runItkInfer, type ItkInferOptions, type RunSummary } from './run';
