/**
 * Recognising allocation failures — V8's typed-array/ArrayBuffer RangeErrors, ONNX Runtime's
 * "Failed to allocate memory", CUDA's out-of-memory codes — so the user gets the one-line hint the
 * itk_infer docs give instead of a stack of native text.
 */
import { errorLine } from '@voxelflow/cli-kit';

const OOM_PATTERNS: readonly RegExp[] = [
  /array buffer allocation failed/i,
  /invalid typed array length/i,
  /invalid array buffer length/i,
  /out of memory/i,
  /failed to allocate/i,
  /bad_alloc/i,
  /cudaErrorMemoryAllocation/i,
  /CUBLAS_STATUS_ALLOC_FAILED/i,
  /heap out of memory/i,
];

/** The hint printed after an allocation failure. */
export const OUT_OF_MEMORY_HINT = 'out of memory: use a smaller --patch-size, fewer --num-proc, or --fp16 with a float16 model';

/** Whether `error` (or any error in its `cause` chain) is an allocation failure. */
export function isOutOfMemory(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (OOM_PATTERNS.some((p) => p.test(message))) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/**
 * The one line reported for a failed file: the error's first line, prefixed with the file name unless
 * the message already names it, and followed by {@link OUT_OF_MEMORY_HINT} for allocation failures.
 */
export function fileErrorLine(fileName: string, error: unknown): string {
  const line = errorLine(error);
  const named = line.includes(fileName) ? line : `${fileName}: ${line}`;
  return isOutOfMemory(error) ? `${named} — ${OUT_OF_MEMORY_HINT}` : named;
}
