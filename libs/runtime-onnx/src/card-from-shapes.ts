/**
 * What a model's declared tensor shapes say about its card: input channels, classes, patch size,
 * layout. Used only to fill fields that no card (embedded, sidecar, nnU-Net) states.
 */
import type { ModelCard, TensorInfo } from '@voxelflow/inference';

const fixed = (d: number | string | null | undefined): d is number => typeof d === 'number' && d > 0;

/**
 * The card implied by fixed dimensions of the first input and output: `inChannels` = input dim 1,
 * `numClasses` = output dim 1, `layout` '2.5d' for a rank-5 input with a rank-4 output (else '3d'
 * for rank 5), and `patchSize` = the fixed spatial dims (the last two for 2.5D, where dim 2 is
 * `layers`). `layout` picks which dims are spatial; pass the card's own when it has one.
 */
export function cardFromShapes(input: TensorInfo, output: TensorInfo | undefined, layout?: ModelCard['layout']): ModelCard {
  const card: ModelCard = {};
  const inShape = input.shape;
  const outShape = output?.shape;
  if (fixed(inShape[1])) card.inChannels = inShape[1];
  if (outShape && fixed(outShape[1])) card.numClasses = outShape[1];
  let lay = layout;
  if (!lay && inShape.length === 5) lay = outShape?.length === 4 ? '2.5d' : '3d';
  if (lay && !layout) card.layout = lay;
  const spatial = lay === '2.5d' ? inShape.slice(3) : inShape.slice(2);
  if (spatial.length > 0 && spatial.every(fixed)) card.patchSize = spatial as number[];
  if (lay === '2.5d' && inShape.length === 5 && fixed(inShape[2])) card.layers = inShape[2];
  return card;
}
