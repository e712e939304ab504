/** @packageDocumentation ONNX Runtime (onnxruntime-node) implementation of the inference ModelBackend; model cards from ONNX metadata. */
export const PACKAGE_NAME = '@voxelflow/runtime-onnx';
