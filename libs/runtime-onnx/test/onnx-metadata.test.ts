import { readFileSync } from 'node:fs';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { OnnxParseError, readOnnxMetadata } from '../src/index';
import { TEST_MODEL_NAMES } from '../src/testing/test-models';

const modelUrl = (name: string) => new URL(`../../../test-data/models/${name}.onnx`, import.meta.url);
const modelBytes = (name: string) => new Uint8Array(readFileSync(modelUrl(name)));

/** Concatenates raw protobuf pieces. */
const concat = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
/** A protobuf varint (written here by hand, independently of the reader under test). */
function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
/** A field tag: (field number << 3) | wire type, as a varint. */
const tag = (field: number, wireType: number) => varint(field * 8 + wireType);

describe('readOnnxMetadata', () => {
  it.each(TEST_MODEL_NAMES.map((n) => [n]))('%s: matches an independent protobuf decode', (name) => {
    const bytes = modelBytes(name);
    const mine = readOnnxMetadata(bytes, name);
    const ref = fromBinary(ModelProtoSchema, bytes);
    expect(mine.irVersion).toBe(Number(ref.irVersion));
    expect(mine.producerName).toBe(ref.producerName);
    expect(mine.producerVersion).toBe(ref.producerVersion);
    expect(mine.docString ?? '').toBe(ref.docString);
    expect(mine.opsetImports).toEqual(ref.opsetImport.map((o) => ({ domain: o.domain, version: Number(o.version) })));
    expect(mine.metadataProps).toEqual(Object.fromEntries(ref.metadataProps.map((p) => [p.key, p.value])));
    expect(Object.keys(mine.metadataProps)).toContain('voxelflow.card');
    expect(JSON.parse(mine.metadataProps['voxelflow.card']!).name).toBe(name);
    // The committed models are IR 8 / opset 17 (test-data/README.md).
    expect(mine.irVersion).toBe(8);
    expect(mine.opsetImports.find((o) => o.domain === '')?.version).toBe(17);
  });

  it('keeps int64 varints above 2^31 exact', () => {
    const bytes = toBinary(
      ModelProtoSchema,
      create(ModelProtoSchema, {
        irVersion: 2n ** 40n + 3n,
        modelVersion: 2n ** 33n,
        opsetImport: [{ domain: 'ai.onnx.ml', version: 2n ** 31n + 1n }],
        metadataProps: [{ key: 'k', value: 'é ✓' }],
        domain: 'org.example',
      }),
    );
    const m = readOnnxMetadata(bytes);
    expect(m.irVersion).toBe(2 ** 40 + 3);
    expect(m.modelVersion).toBe(2 ** 33);
    expect(m.opsetImports).toEqual([{ domain: 'ai.onnx.ml', version: 2 ** 31 + 1 }]);
    expect(m.metadataProps).toEqual({ k: 'é ✓' });
    expect(m.domain).toBe('org.example');
  });

  it('skips unknown fields of every wire type, including groups, and keeps the last of a repeated key', () => {
    const base = toBinary(
      ModelProtoSchema,
      create(ModelProtoSchema, { irVersion: 9n, metadataProps: [{ key: 'a', value: '1' }] }),
    );
    const extra = concat(
      [...tag(40, 0), ...varint(2 ** 32 - 1)], // varint
      [...tag(9999, 0), ...varint(2 ** 50)], // varint past 2^32, large field number
      [...tag(41, 1), 1, 2, 3, 4, 5, 6, 7, 8], // fixed64
      [...tag(42, 5), 1, 2, 3, 4], // fixed32
      [...tag(43, 2), 3, 9, 9, 9], // length-delimited
      // group 44 holding a varint and a nested group 45, closed by end-group tags.
      [...tag(44, 3), ...tag(1, 0), 5, ...tag(45, 3), ...tag(45, 4), ...tag(44, 4)],
    );
    // A second metadata_props entry {1: "a", 2: "2", 3: an unknown fixed32}: tag, length, payload.
    const entry = [...tag(1, 2), 1, 0x61, ...tag(2, 2), 1, 0x32, ...tag(3, 5), 0, 0, 0, 0];
    const bytes = concat(base, extra, tag(14, 2), varint(entry.length), entry);
    const m = readOnnxMetadata(bytes);
    expect(m.irVersion).toBe(9);
    expect(m.metadataProps).toEqual({ a: '2' });
    // The independent decoder agrees that the bytes are well formed.
    expect(fromBinary(ModelProtoSchema, bytes).metadataProps.map((p) => p.value)).toEqual(['1', '2']);
  });

  it('rejects truncated and non-ONNX bytes with OnnxParseError naming the source', () => {
    const bytes = modelBytes('unet3d-tiny');
    for (const cut of [1, 5, 100, bytes.length - 1]) {
      expect(() => readOnnxMetadata(bytes.subarray(0, cut), 'unet.onnx')).toThrow(OnnxParseError);
    }
    expect(() => readOnnxMetadata(bytes.subarray(0, 100), 'unet.onnx')).toThrow(/unet\.onnx.*truncated or not ONNX/);
    expect(() => readOnnxMetadata(new TextEncoder().encode('{"not": "onnx"}'), 'x.json')).toThrow(OnnxParseError);
    expect(() => readOnnxMetadata(new Uint8Array(0), 'empty.onnx')).toThrow(/empty\.onnx/);
    // Wire type 7 does not exist.
    expect(() => readOnnxMetadata(Uint8Array.from([...tag(50, 7), 0]))).toThrow(/wire type 7/);
    // A group closed by the wrong field's end tag.
    expect(() => readOnnxMetadata(Uint8Array.from([...tag(1, 0), 8, ...tag(44, 3), ...tag(45, 4)]))).toThrow(/group 44/);
  });
});
