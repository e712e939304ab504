/**
 * Reads a model's top-level ModelProto fields straight from the protobuf wire format, because
 * onnxruntime-node exposes no model metadata. Only the top level is walked: the graph (field 7),
 * which holds the weights, is skipped by its length, so this costs microseconds even for big models.
 */
import { OnnxParseError } from './errors';

/** Top-level facts of an ONNX ModelProto. */
export interface OnnxMetadata {
  /** ModelProto.ir_version (field 1). */
  irVersion: number;
  /** ModelProto.producer_name (field 2); '' when absent. */
  producerName: string;
  /** ModelProto.producer_version (field 3); '' when absent. */
  producerVersion: string;
  /** ModelProto.domain (field 4), when present. */
  domain?: string;
  /** ModelProto.model_version (field 5), when present. */
  modelVersion?: number;
  /** ModelProto.doc_string (field 6), when present. */
  docString?: string;
  /** ModelProto.metadata_props (field 14) as a map; a repeated key keeps its last value. */
  metadataProps: Record<string, string>;
  /** ModelProto.opset_import (field 8): domain ('' = the default ONNX domain) and version. */
  opsetImports: {
    /** Operator set domain; '' is the default ONNX domain. */
    domain: string;
    /** Operator set version. */
    version: number;
  }[];
}

// ONNX's onnx.proto field numbers (stable since IR 3).
const MODEL_IR_VERSION = 1;
const MODEL_PRODUCER_NAME = 2;
const MODEL_PRODUCER_VERSION = 3;
const MODEL_DOMAIN = 4;
const MODEL_VERSION = 5;
const MODEL_DOC_STRING = 6;
const MODEL_OPSET_IMPORT = 8;
const MODEL_METADATA_PROPS = 14;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

const utf8 = new TextDecoder('utf-8');

/** A cursor over protobuf bytes; every read checks bounds, so truncated input fails with a message, not garbage. */
class WireReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
    readonly source: string,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(what: string): never {
    throw new OnnxParseError(`${this.source} is not a valid ONNX model: ${what} at byte ${this.pos}; the file is truncated or not ONNX`);
  }

  /**
   * A varint as a JS number. Multiplication instead of bit shifts keeps values above 2^31 exact up to
   * 2^53 (int64 fields such as ir_version or model_version); beyond that precision, not safety, is lost.
   */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end');
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** Start and end of a length-delimited field's payload; moves past it. */
  lengthDelimited(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) this.fail(`field of ${len} bytes runs past the end`);
    this.pos = start + len;
    return [start, this.pos];
  }

  string(): string {
    const [start, end] = this.lengthDelimited();
    return utf8.decode(this.bytes.subarray(start, end));
  }

  /** Skips one field's payload of the given wire type (groups are skipped up to their matching end tag). */
  skip(wireType: number, fieldNumber: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      case WIRE_START_GROUP:
        for (;;) {
          if (this.done) this.fail(`group ${fieldNumber} is not closed`);
          const tag = this.varint();
          const wt = tag % 8;
          const fn = Math.floor(tag / 8);
          if (wt === WIRE_END_GROUP) {
            if (fn !== fieldNumber) this.fail(`group ${fieldNumber} closed by end tag of field ${fn}`);
            return;
          }
          this.skip(wt, fn);
        }
      default:
        this.fail(`unknown wire type ${wireType} (field ${fieldNumber})`);
    }
  }

  /** The next tag as [field number, wire type]. */
  tag(): [number, number] {
    // Tags are varints too; field numbers reach 2^29 − 1, so split with arithmetic, not `>>>`.
    const tag = this.varint();
    const fieldNumber = Math.floor(tag / 8);
    if (fieldNumber === 0) this.fail('field number 0');
    return [fieldNumber, tag % 8];
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) this.fail(`fixed-width field runs past the end`);
    this.pos += n;
  }
}

function expectWireType(r: WireReader, field: number, got: number, want: number): void {
  if (got !== want) r.fail(`ModelProto field ${field} has wire type ${got}, expected ${want}`);
}

/** StringStringEntryProto { 1: key, 2: value }. */
function readStringEntry(r: WireReader): [string, string] {
  let key = '';
  let value = '';
  while (!r.done) {
    const [field, wireType] = r.tag();
    if (field === 1 && wireType === WIRE_LEN) key = r.string();
    else if (field === 2 && wireType === WIRE_LEN) value = r.string();
    else r.skip(wireType, field);
  }
  return [key, value];
}

/** OperatorSetIdProto { 1: domain, 2: version }. */
function readOpsetId(r: WireReader): { domain: string; version: number } {
  let domain = '';
  let version = 0;
  while (!r.done) {
    const [field, wireType] = r.tag();
    if (field === 1 && wireType === WIRE_LEN) domain = r.string();
    else if (field === 2 && wireType === WIRE_VARINT) version = r.varint();
    else r.skip(wireType, field);
  }
  return { domain, version };
}

/**
 * Reads ir_version, producer, doc_string, opset imports and `metadata_props` from ONNX model bytes
 * without a protobuf library. `source` names the model in error messages. Throws OnnxParseError when
 * the bytes are not a well-formed ModelProto.
 */
export function readOnnxMetadata(bytes: Uint8Array, source = 'model'): OnnxMetadata {
  const r = new WireReader(bytes, 0, bytes.length, source);
  const out: OnnxMetadata = { irVersion: 0, producerName: '', producerVersion: '', metadataProps: {}, opsetImports: [] };
  let sawGraph = false;
  while (!r.done) {
    const [field, wireType] = r.tag();
    switch (field) {
      case MODEL_IR_VERSION:
        expectWireType(r, field, wireType, WIRE_VARINT);
        out.irVersion = r.varint();
        break;
      case MODEL_VERSION:
        expectWireType(r, field, wireType, WIRE_VARINT);
        out.modelVersion = r.varint();
        break;
      case MODEL_PRODUCER_NAME:
      case MODEL_PRODUCER_VERSION:
      case MODEL_DOMAIN:
      case MODEL_DOC_STRING: {
        expectWireType(r, field, wireType, WIRE_LEN);
        const s = r.string();
        if (field === MODEL_PRODUCER_NAME) out.producerName = s;
        else if (field === MODEL_PRODUCER_VERSION) out.producerVersion = s;
        else if (field === MODEL_DOMAIN) out.domain = s;
        else out.docString = s;
        break;
      }
      case MODEL_OPSET_IMPORT: {
        expectWireType(r, field, wireType, WIRE_LEN);
        const [start, end] = r.lengthDelimited();
        out.opsetImports.push(readOpsetId(new WireReader(bytes, start, end, source)));
        break;
      }
      case MODEL_METADATA_PROPS: {
        expectWireType(r, field, wireType, WIRE_LEN);
        const [start, end] = r.lengthDelimited();
        const [key, value] = readStringEntry(new WireReader(bytes, start, end, source));
        out.metadataProps[key] = value;
        break;
      }
      default:
        if (field === 7 && wireType === WIRE_LEN) sawGraph = true;
        r.skip(wireType, field);
    }
  }
  // Random bytes sometimes parse as a few fields; a model always has an IR version or a graph.
  if (out.irVersion === 0 && !sawGraph) {
    throw new OnnxParseError(`${source} is not a valid ONNX model: no ir_version and no graph in ${bytes.length} bytes`);
  }
  return out;
}
