// Source mode only (tests, development): Piscina loads this file, which registers tsx's loader inside
// the worker and then re-exports the TypeScript worker. Built packages load dist/accumulate-worker.js.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./accumulate-worker.ts');
export default worker.default;
export const decodePatch = worker.decodePatch;
