/**
 * A small builder of ONNX graphs over onnx-buf (the typed ONNX 1.20 schema). Enough for the test
 * models: initializers, value infos with symbolic dims, nodes with int/float/ints attributes, and a
 * ModelProto with a model card in `metadata_props`.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { stableStringify } from '../stable-json';
import type { TestModelCard } from './model-card';
import { TestDataError } from '../errors';

/** Element types the test models use. float16 data is given as raw bits in a Uint16Array. */
export type ElemType = 'float32' | 'float16' | 'int64';

/** One dimension: a fixed size or a symbolic name (dynamic). */
export type Dim = number | string;

/** Attribute values: integers become INT, other numbers FLOAT, arrays of integers INTS. */
export type AttrValue = number | number[] | { floats: number[] } | { float: number };

/** The metadata key under which every test model carries its card as JSON. */
export const CARD_METADATA_KEY = 'voxelflow.card';

/** ONNX IR version written (8 = ONNX 1.10; onnxruntime-node 1.30 loads 3–11). */
export const IR_VERSION = 8n;

/** Default-domain opset written (17 = ONNX 1.12; attributes such as ReduceMean's `axes` still live there). */
export const OPSET = 17n;

const ELEM: Record<ElemType, number> = {
  float32: TensorProto_DataType.FLOAT,
  float16: TensorProto_DataType.FLOAT16,
  int64: TensorProto_DataType.INT64,
};

/** Options of {@link GraphBuilder.build}. */
export interface BuildOptions {
  graphName: string;
  /** Written to ModelProto.doc_string: the formula the model computes, in words. */
  docString: string;
  card: TestModelCard;
  producerVersion: string;
}

/** Builds one graph; each method appends to it and returns the name of the value it produced. */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private counter = 0;

  /** Declares a graph input. */
  input(name: string, type: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares a graph output (the value must be produced by a node). */
  output(name: string, type: ElemType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Adds a constant tensor; data is stored little-endian in raw_data. */
  initializer(name: string, type: ElemType, dims: number[], data: Float32Array | Uint16Array | BigInt64Array): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new TestDataError(`initializer ${name}: ${data.length} values for dims [${dims}]`);
    this.initializers.push(
      create(TensorProtoSchema, {
        name,
        dataType: ELEM[type],
        dims: dims.map(BigInt),
        rawData: littleEndianBytes(data),
      }),
    );
    return name;
  }

  /** Adds a node. `outputs` defaults to one fresh name; returns the first output's name. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs?: string[]): string {
    const outs = outputs ?? [this.fresh(opType)];
    this.nodes.push(
      create(NodeProtoSchema, {
        opType,
        name: `${opType}_${this.nodes.length}`,
        input: inputs,
        output: outs,
        attribute: Object.entries(attrs).map(([key, v]) => attribute(key, v)),
      }),
    );
    return outs[0]!;
  }

  /** Conv with `pads` = k // 2 on every side (same-size output for odd kernels, stride 1). */
  conv(x: string, weight: string, bias: string, kernel: number[], output?: string): string {
    const half = kernel.map((k) => Math.floor(k / 2));
    return this.node(
      'Conv',
      [x, weight, bias],
      { kernel_shape: kernel, pads: [...half, ...half], strides: kernel.map(() => 1), dilations: kernel.map(() => 1), group: 1 },
      output ? [output] : undefined,
    );
  }

  /** A fresh value name. */
  fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix.toLowerCase()}_${this.counter}`;
  }

  /** The finished ModelProto (IR 8, opset 17) with the card under {@link CARD_METADATA_KEY}. */
  build(options: BuildOptions): ModelProto {
    const graph = create(GraphProtoSchema, {
      name: options.graphName,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
    return create(ModelProtoSchema, {
      irVersion: IR_VERSION,
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: OPSET })],
      producerName: '@voxelflow/make-test-data',
      producerVersion: options.producerVersion,
      docString: options.docString,
      graph,
      metadataProps: [
        create(StringStringEntryProtoSchema, { key: CARD_METADATA_KEY, value: stableStringify(options.card, 0) }),
      ],
    });
  }
}

/** Serializes a model to its ONNX file bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}

function valueInfo(name: string, type: ElemType, dims: Dim[]): ValueInfoProto {
  const shape = create(TensorShapeProtoSchema, {
    dim: dims.map((d) =>
      create(TensorShapeProto_DimensionSchema, {
        value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
      }),
    ),
  });
  const tensorType = create(TypeProto_TensorSchema, { elemType: ELEM[type], shape });
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }),
  });
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: v.map(BigInt) });
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new TestDataError(`attribute ${name}: ${v} is not an integer; pass { float: ${v} }`);
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(v) });
  }
  if ('floats' in v) return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOATS, floats: v.floats });
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: v.float });
}

function littleEndianBytes(data: Float32Array | Uint16Array | BigInt64Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else if (data instanceof Uint16Array) data.forEach((v, i) => view.setUint16(2 * i, v, true));
  else data.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return bytes;
}
