import { describe, expect, it } from 'vitest';
import { fileErrorLine, isOutOfMemory, OUT_OF_MEMORY_HINT } from '../src/out-of-memory';

function allocationFailure(): unknown {
  try {
    return new ArrayBuffer(2 ** 52);
  } catch (e) {
    return e;
  }
}

describe('out-of-memory errors', () => {
  it('recognises a real V8 allocation failure, also as a cause or as text from a worker', () => {
    const e = allocationFailure();
    expect(e).toBeInstanceOf(RangeError);
    expect(isOutOfMemory(e)).toBe(true);
    expect(isOutOfMemory(new Error('inference failed', { cause: e }))).toBe(true);
    expect(isOutOfMemory('model m: ONNX Runtime failed on a batch: Failed to allocate memory for requested buffer of size 4294967296')).toBe(true);
    expect(isOutOfMemory(new Error('CUDA failure 2: out of memory'))).toBe(true);
    expect(isOutOfMemory(new Error('cannot read x.nii.gz: not a complete gzip stream'))).toBe(false);
  });

  it('words one line per file, with the hint for allocation failures', () => {
    expect(fileErrorLine('a.mha', allocationFailure())).toBe(`a.mha: Array buffer allocation failed — ${OUT_OF_MEMORY_HINT}`);
    expect(fileErrorLine('a.mha', new Error('cannot read /in/a.mha: bad header\nmore'))).toBe('cannot read /in/a.mha: bad header');
    expect(fileErrorLine('a.mha', 'boom')).toBe('a.mha: boom');
    expect(OUT_OF_MEMORY_HINT).toMatch(/smaller --patch-size.*fewer --num-proc/);
  });
});
