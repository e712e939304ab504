/**
 * How many worker processes to start and which GPU each one sees: itk_infer's rule
 * `num_proc = max(--num-proc, --gpus)`, process i on GPU i mod gpus (CUDA_VISIBLE_DEVICES), never
 * more processes than files, and the cores shared out as session threads.
 */

/** One worker process to start. */
export interface WorkerPlan {
  /** 0-based process number (its progress row is `proc <index>`). */
  index: number;
  /** ONNX Runtime device inside the process. */
  device: 'cpu' | 'cuda';
  /** CUDA_VISIBLE_DEVICES for the process (GPU runs only). */
  cudaVisibleDevices?: string;
  /** Intra-op threads of its session. */
  threads: number;
}

/**
 * The processes of a run.
 *
 * @param numProc - --num-proc (≥ 1)
 * @param gpus - --gpus (0 = CPU only)
 * @param files - number of files to process
 * @param cores - CPU cores available
 * @param threads - --threads, when given
 */
export function planWorkers(numProc: number, gpus: number, files: number, cores: number, threads?: number): WorkerPlan[] {
  const n = Math.max(1, Math.min(Math.max(numProc, gpus), files));
  const perProcess = threads ?? Math.max(1, Math.floor(cores / n));
  return Array.from({ length: n }, (_, index) =>
    gpus > 0
      ? { index, device: 'cuda' as const, cudaVisibleDevices: String(index % gpus), threads: perProcess }
      : { index, device: 'cpu' as const, threads: perProcess },
  );
}
