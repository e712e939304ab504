/**
 * Writes the whole test-data folder: models first (other work waits on them), then the volumes,
 * the copick project and the ink segment, then README.md and MANIFEST.json.
 */
import { writeCopick } from './data/copick';
import { writeCt } from './data/ct';
import { writeInk } from './data/ink';
import { PARTICLE_TYPES } from './data/particle-types';
import { writeScroll } from './data/scroll';
import { hashTree, MANIFEST_NAME } from './manifest';
import { buildAllModels } from './onnx/models';
import { OutputDir } from './output-dir';
import { README } from './readme';
import { stableStringify } from './stable-json';
import { GENERATOR_NAME, GENERATOR_VERSION } from './version';

/** Options of {@link makeTestData}. */
export interface MakeTestDataOptions {
  /** The test-data folder to (re)create. */
  outDir: string;
  /** Progress lines; silent by default. */
  log?: (line: string) => void;
}

/** The manifest as written. */
export interface Manifest {
  generator: string;
  version: string;
  totalBytes: number;
  files: Record<string, { sha256: string; bytes: number }>;
  datasets: Record<string, unknown>;
}

/** Generates test-data into `outDir`, replacing it only once everything is written. */
export async function makeTestData({ outDir, log = () => {} }: MakeTestDataOptions): Promise<Manifest> {
  const out = await OutputDir.begin(outDir);
  const models: Record<string, unknown> = {};
  for (const m of buildAllModels(PARTICLE_TYPES.map((t) => t.name))) {
    await out.write(`models/${m.fileName}`, m.bytes);
    models[m.fileName.replace(/\.onnx$/, '')] = m.description;
  }
  log('models written');
  const scroll = await writeScroll(out);
  log('scroll written');
  const ct = await writeCt(out);
  log('ct written');
  const copick = await writeCopick(out);
  log('copick written');
  const ink = await writeInk(out);
  log('ink written');
  await out.write('README.md', README);
  const files = await hashTree(out.root);
  const manifest: Manifest = {
    generator: GENERATOR_NAME,
    version: GENERATOR_VERSION,
    totalBytes: Object.values(files).reduce((a, f) => a + f.bytes, 0),
    files,
    datasets: { models, scroll, ct, copick, ink },
  };
  await out.write(MANIFEST_NAME, stableStringify(manifest) + '\n');
  await out.commit();
  log(`wrote ${Object.keys(files).length + 1} files, ${manifest.totalBytes} bytes, to ${outDir}`);
  return manifest;
}
