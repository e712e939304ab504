/**
 * Where a file or folder lives. Strings are paths or URLs (`/data/ct.nii.gz`, `s3://bucket/seg/`);
 * a file URL is opened as the store of its parent folder plus the file's name as the key.
 */
import { openStore, type Store } from '@voxelflow/remote-storage';
import { ImageNotFoundError } from './errors';

/** A file: a path/URL, or a store plus the key of the file inside it. */
export type FileLocation =
  | string
  | {
      /** The store holding the file. */
      store: Store;
      /** The file's key inside the store. */
      key: string;
    };

/** A folder: a path/URL, or a store whose root is the folder. */
export type FolderLocation = string | Store;

/** A file opened for I/O: its store, its key, and a printable URL for messages. */
export interface ResolvedFile {
  store: Store;
  key: string;
  url: string;
}

/** Splits a path or URL into its parent folder and its last segment (`s3://b/a/x.nii` → `s3://b/a`, `x.nii`). */
export function splitFileUrl(url: string): {
  /** The folder's path or URL. */
  parent: string;
  /** The last segment (the file name). */
  name: string;
} {
  const trimmed = url.replace(/\/+$/, '');
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]+:\/\/[^/]*/.exec(trimmed);
  const minCut = scheme ? scheme[0].length : 0;
  const cut = trimmed.lastIndexOf('/');
  if (cut < minCut) {
    // A bare name ('x.nii') or a URL with nothing after its authority.
    if (scheme) return { parent: trimmed, name: '' };
    return { parent: '.', name: trimmed };
  }
  return { parent: cut === 0 ? '/' : trimmed.slice(0, cut), name: trimmed.slice(cut + 1) };
}

/** Joins a store URL and a key for messages. */
export function displayUrl(store: Store, key: string): string {
  return key === '' ? store.url : `${store.url.replace(/\/+$/, '')}/${key}`;
}

/** Opens the store that holds `location` and returns it with the file's key. */
export async function resolveFile(location: FileLocation): Promise<ResolvedFile> {
  if (typeof location !== 'string') {
    return { store: location.store, key: location.key, url: displayUrl(location.store, location.key) };
  }
  const { parent, name } = splitFileUrl(location);
  if (name === '') throw new ImageNotFoundError(`${location} names a folder, not a file; give the path of a file`, location);
  const store = await openStore(parent);
  return { store, key: name, url: displayUrl(store, name) };
}

/** Opens the store of a folder. */
export async function resolveFolder(location: FolderLocation): Promise<Store> {
  return typeof location === 'string' ? openStore(location) : location;
}

/** The bytes of `file`, or {@link ImageNotFoundError} naming it. */
export async function readFileBytes(file: ResolvedFile, what = 'image'): Promise<Uint8Array> {
  const bytes = await file.store.get(file.key);
  if (bytes === undefined) {
    throw new ImageNotFoundError(`${what} ${file.url} does not exist; check the path`, file.url);
  }
  return bytes;
}
