import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

// ONNX enum values, spelled out: the generated enums are TypeScript `enum`s, which
// `erasableSyntaxOnly` code may read but this file keeps as plain numbers for clarity.
const floatType = 1;
const int64Type = 7;
const float16Type = 10;
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
  /** The element type of weights and float constants: float32 (1) or float16 (10). */
  readonly weightTypeCode: number;
  readonly #nodes: onnxProto.onnx.INodeProto[] = [];
  readonly #initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly #inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly #outputs: onnxProto.onnx.IValueInfoProto[] = [];
  #counter = 0;

  /** `weights: "float16"` stores every float tensor as IEEE half precision (an fp16 model). */
  constructor(options: { readonly weights?: "float32" | "float16" } = {}) {
    this.weightTypeCode = options.weights === "float16" ? float16Type : floatType;
  }

  /** Declares a graph input with symbolic dimensions (strings) or fixed ones (numbers). */
  input(name: string, elementType: "float" | "int64", dims: readonly (string | number)[]): string {
    this.#inputs.push(valueInfo(name, elementType, dims));
    return name;
  }

  output(name: string, elementType: "float" | "int64", dims: readonly (string | number)[]): void {
    this.#outputs.push(valueInfo(name, elementType, dims));
  }

  /** A weight tensor (float32 or float16, see the constructor) as raw little-endian bytes. */
  floatTensor(name: string, dims: readonly number[], values: Float32Array): string {
    const stored = this.weightTypeCode === float16Type ? float32ToFloat16Bits(values) : values;
    this.#initializers.push({
      name,
      dims: [...dims],
      dataType: this.weightTypeCode,
      rawData: new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength),
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

/** IEEE 754 half-precision bits of float32 values, rounded to nearest (ties to even). */
export function float32ToFloat16Bits(values: Float32Array): Uint16Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const halves = new Uint16Array(values.length);
  for (const [index, word] of words.entries()) {
    const sign = (word >>> 16) & 0x8000;
    const exponent = (word >>> 23) & 0xff;
    const mantissa = word & 0x7fffff;
    if (exponent === 0xff) {
      halves[index] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      halves[index] = sign | 0x7c00; // overflow: infinity
    } else if (halfExponent <= 0) {
      if (halfExponent < -10) {
        halves[index] = sign; // underflow: zero
        continue;
      }
      const full = mantissa | 0x800000;
      const shift = 14 - halfExponent;
      let half = full >>> shift;
      const remainder = full & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (remainder > halfway || (remainder === halfway && half & 1)) half++;
      halves[index] = sign | half;
    } else {
      let half = (halfExponent << 10) | (mantissa >>> 13);
      const remainder = mantissa & 0x1fff;
      if (remainder > 0x1000 || (remainder === 0x1000 && half & 1)) half++;
      halves[index] = sign | half;
    }
  }
  return halves;
}
