import type { Store } from '@voxelflow/remote-storage';
import { fromNgffAttributes } from './attributes';
import { joinKey, readGroupAttributes } from './group-io';
import type { ImageLabel, NgffVersion } from './types';
import { writeNgffAttributes } from './write-ngff';

/** Options of {@link writeLabelMetadata}. */
export interface WriteLabelMetadataOptions {
  /** Path of the labelled image's group below the store root ('' for the root). */
  imagePath: string;
  /** Name of the label image; it lives at `<imagePath>/labels/<name>`. */
  name: string;
  /** The `image-label` metadata: colours, properties, source. */
  imageLabel: ImageLabel;
  /** NGFF version of the groups written. */
  version: NgffVersion;
}

/**
 * Declares a label image: adds `name` to the `labels` list of `<imagePath>/labels` (creating that
 * group) and writes `image-label` into `<imagePath>/labels/<name>`, keeping the multiscales already
 * there (write the label image's pyramid before or after, with `writeNgffAttributes`). When
 * `imageLabel.source` is omitted it points back at the image ('../../').
 */
export async function writeLabelMetadata(store: Store, options: WriteLabelMetadataOptions): Promise<void> {
  const labelsPath = joinKey(options.imagePath, 'labels');
  const labelPath = joinKey(labelsPath, options.name);
  const imageLabel: ImageLabel = { ...options.imageLabel, source: options.imageLabel.source ?? { image: '../../' } };
  await writeNgffAttributes(store, labelPath, { imageLabel }, options.version);
  const existing = await readGroupAttributes(store, labelsPath);
  const names = existing ? (fromNgffAttributes(existing.attributes).content.labels ?? []) : [];
  if (!names.includes(options.name)) {
    await writeNgffAttributes(store, labelsPath, { labels: [...names, options.name] }, options.version);
  }
}
