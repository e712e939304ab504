import type { Dim, ElemType } from './graph-builder';
import type { TestModelCard } from './model-card';

/** One input or output of a test model as the manifest records it. */
export interface TensorDescription {
  name: string;
  dtype: ElemType;
  /** Symbolic (dynamic) dims are names. */
  shape: Dim[];
}

/** What the manifest says about one model: enough to compute its expected output without ONNX. */
export interface ModelDescription {
  file: string;
  input: TensorDescription;
  output: TensorDescription;
  card: TestModelCard;
  /** The formula in words and symbols (also the model's doc_string). */
  formula: string;
  /** The numbers in the formula. */
  parameters: Record<string, unknown>;
}

/** A built model: its file bytes and its manifest entry. */
export interface TestModel {
  /** File name under `models/`. */
  fileName: string;
  bytes: Uint8Array;
  description: ModelDescription;
}
