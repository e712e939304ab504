// Whether onnxruntime-web really runs several threads in Node: each count in a fresh process, because the
// WebAssembly thread pool is sized once per process.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/thread-count.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

async function threadCount(threads: number): Promise<{ before: number; after: number; threads: number; logits: number[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@voxelflow/source', '--import', tsx, fixture, String(threads)]);
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe.skipIf(process.platform !== 'linux')('WebAssembly threads in Node', () => {
  it('threads: 1 starts no worker; threads: 3 starts two worker threads and gives the same answer', async () => {
    const [one, three] = await Promise.all([threadCount(1), threadCount(3)]);
    expect(one.threads).toBe(1);
    expect(one.after - one.before).toBe(0);
    expect(three.threads).toBe(3);
    expect(three.after - three.before).toBe(2);
    // analytic3d: logits (−2x + 1, 2x − 1) for x = 0.25, 0.75.
    expect(one.logits).toEqual([0.5, -0.5, -0.5, 0.5]);
    expect(three.logits).toEqual(one.logits);
  }, 60_000);
});
