import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

// ONNX enum values, spelled out: the generated enums are TypeScript `enum`s, which
// `erasableSyntaxOnly` code may read but this file keeps as plain numbers for clarity.
const floatType = 1;
const int64Type = 7;
const attributeFloat = 1;
const attributeInt = 2;
const attributeInts = 7;

export type AttributeValue = number | readonly number[];

/** Named attributes; integers and integer lists are written as INT(S), other numbers as FLOAT. */
export type Attributes = Readonly<Record<string, AttributeValue | { readonly float: number }>>;

/**
 * Builds an ONNX graph node by node. Each node gets one output, named after its op and a
 * counter, which `node()` returns so graphs read like expressions.
 */
export class OnnxGraphBuilder {
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];
  #counter = 0;

  /** Declares a graph input with symbolic dimensions (strings) or fixed ones (numbers). */
  input(name: string, elementType: "float" | "int64", dims: readonly (string | number)[]): string {
    this.#inputs.push(valueInfo(name, elementType, dims));
    return name;
  }

  output(name: string, elementType: "float" | "int64", dims: readonly (string | number)[]): void {
    this.#outputs.push(valueInfo(name, elementType, dims));
  }

  /** A float32 weight tensor stored as raw little-endian bytes. */
  floatTensor(name: string, dims: readonly number[], values: Float32Array): string {
    this.#initializers.push({
      name,
      dims: [...dims],
      dataType: floatType,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return name;
  }

  /** An int64 constant (shapes, axes, indices); `dims` [] makes a scalar. */
  int64Tensor(name: string, dims: readonly number[], values: readonly number[]): string {
    const data = new BigInt64Array(values.map((value) => BigInt(value)));
    this.#initializers.push({
      name,
      dims: [...dims],
      dataType: int64Type,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** A scalar float constant. */
  floatScalar(name: string, value: number): string {
    return this.floatTensor(name, [], new Float32Array([value]));
  }

  node(
    opType: string,
    inputs: readonly string[],
    attributes: Attributes = {},
    outputName?: string,
  ): string {
    this.#counter += 1;
    const output = outputName ?? `${opType.toLowerCase()}_${this.#counter}`;
    this.#nodes.push({
      opType,
      name: `${opType}_${this.#counter}`,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return output;
  }

  /** Serialises the model (IR version 8, default-domain opset `opset`). */
  encode(graphName: string, opset: number): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "hybrid-rag tiny-bert generator",
      opsetImport: [{ domain: "", version: opset }],
      graph: {
        name: graphName,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(
  name: string,
  elementType: "float" | "int64",
  dims: readonly (string | number)[],
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: elementType === "float" ? floatType : int64Type,
        shape: {
          dim: dims.map((dim) => (typeof dim === "string" ? { dimParam: dim } : { dimValue: dim })),
        },
      },
    },
  };
}

function attribute(
  name: string,
  value: AttributeValue | { readonly float: number },
): onnxProto.onnx.IAttributeProto {
  if (typeof value === "object" && "float" in value) {
    return { name, type: attributeFloat, f: value.float };
  }
  if (typeof value === "number") {
    return Number.isInteger(value)
      ? { name, type: attributeInt, i: value }
      : { name, type: attributeFloat, f: value };
  }
  return { name, type: attributeInts, ints: [...value] };
}
