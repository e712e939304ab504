/**
 * A minimal baseline TIFF writer: little-endian, grayscale, unsigned 8- or 16-bit, one
 * uncompressed strip per page, one page per plane. Written by hand so the tests' TIFF reader is
 * checked against an independent writer.
 */
import { TestDataError } from '../errors';

/** Pages of one TIFF file; every page has the same width, height and bit depth. */
export interface TiffPages {
  width: number;
  height: number;
  /** One typed array of width·height samples per page, row-major (x fastest). */
  pages: (Uint8Array | Uint16Array)[];
}

const SHORT = 3;
const LONG = 4;

/** Encodes pages as one TIFF file (a single page is an ordinary 2D TIFF). */
export function encodeTiff({ width, height, pages }: TiffPages): Uint8Array {
  if (pages.length === 0) throw new TestDataError('encodeTiff: no pages');
  const bits = pages[0] instanceof Uint16Array ? 16 : 8;
  const pageBytes = width * height * (bits / 8);
  const tagCount = 11;
  const ifdBytes = 2 + 12 * tagCount + 4;
  const total = 8 + pages.length * (pageBytes + (pageBytes % 2) + ifdBytes);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = 0x49; // "II": little-endian
  out[1] = 0x49;
  view.setUint16(2, 42, true);
  let offset = 8;
  let previousNextPointer = 4; // where the offset of the first IFD goes
  for (const page of pages) {
    if (page.length !== width * height || (page instanceof Uint16Array ? 16 : 8) !== bits) {
      throw new TestDataError(`encodeTiff: every page must be ${width}x${height} at ${bits} bits`);
    }
    const dataOffset = offset;
    if (page instanceof Uint16Array) page.forEach((v, i) => view.setUint16(dataOffset + 2 * i, v, true));
    else out.set(page, dataOffset);
    offset += pageBytes + (pageBytes % 2); // IFDs start on a word boundary
    view.setUint32(previousNextPointer, offset, true);
    const tags: [number, number, number][] = [
      [256, LONG, width],
      [257, LONG, height],
      [258, SHORT, bits],
      [259, SHORT, 1], // no compression
      [262, SHORT, 1], // BlackIsZero
      [273, LONG, dataOffset],
      [277, SHORT, 1],
      [278, LONG, height], // one strip
      [279, LONG, pageBytes],
      [284, SHORT, 1], // chunky
      [339, SHORT, 1], // unsigned integer
    ];
    view.setUint16(offset, tags.length, true);
    tags.forEach(([tag, type, value], i) => {
      const at = offset + 2 + 12 * i;
      view.setUint16(at, tag, true);
      view.setUint16(at + 2, type, true);
      view.setUint32(at + 4, 1, true);
      if (type === SHORT) view.setUint16(at + 8, value, true);
      else view.setUint32(at + 8, value, true);
    });
    previousNextPointer = offset + 2 + 12 * tags.length;
    view.setUint32(previousNextPointer, 0, true); // last IFD until a next page overwrites it
    offset += ifdBytes;
  }
  return out;
}
