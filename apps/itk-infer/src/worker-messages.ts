/** The IPC messages between itk-infer and its worker processes (serialization 'advanced'). */
import type { FileOutcome, ProcessorConfig } from './image-processor';

/** Parent → worker. */
export type ToWorker =
  | { type: 'init'; config: ProcessorConfig }
  | { type: 'file'; file: string }
  | { type: 'exit' };

/** Worker → parent. Workers never write progress to the terminal; the parent draws it. */
export type FromWorker =
  | { type: 'ready'; notes: string[] }
  | { type: 'fatal'; message: string; exitCode: number }
  | { type: 'progress'; file: string; done: number; total: number }
  | { type: 'result'; outcome: FileOutcome };
