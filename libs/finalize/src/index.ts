/** @packageDocumentation Logits to probabilities and masks: softmax/sigmoid/argmax/threshold, uint8 scaling, pyramids, NGFF output. */
export const PACKAGE_NAME = '@voxelflow/finalize';
