import { closeSync, openSync, writeSync } from "node:fs";
import { basename } from "node:path";
import onnxProto from "onnx-proto";
import { float32ToFloat16Bits } from "./float16.ts";

const { onnx } = onnxProto;

export { float32ToFloat16Bits } from "./float16.ts";

// ONNX enum values, spelled out: the generated enums are TypeScript `enum`s, which
// `erasableSyntaxOnly` code may read but this file keeps as plain numbers for clarity.
const floatType = 1;
const int64Type = 7;
const float16Type = 10;
const attributeFloat = 1;
const attributeInt = 2;
const attributeInts = 7;
const externalLocation = 1;

/** onnxruntime's contrib operators (SkipLayerNormalization, FastGelu, MultiHeadAttention, …). */
export const microsoftDomain = "com.microsoft";

// Tensors smaller than this stay inside model.onnx, as onnx.save_model's default threshold does.
const externalThresholdBytes = 1024;
// External tensors start on 64-byte boundaries, so onnxruntime can use them in place when it maps the file.
const externalAlignment = 64;

export type AttributeValue = number | readonly number[];

/** Named attributes; integers and integer lists are written as INT(S), other numbers as FLOAT. */
export type Attributes = Readonly<Record<string, AttributeValue | { readonly float: number }>>;

export interface NodeOptions {
  /** Operator domain: "" (default ONNX) or `microsoftDomain` for onnxruntime's contrib ops. */
  readonly domain?: string;
}

export interface OnnxGraphBuilderOptions {
  /** `"float16"` stores every float weight as IEEE half precision (an fp16 model). */
  readonly weights?: "float32" | "float16";
  /**
   * Writes weights of 1 KiB and more to this file (created or truncated) as they are added,
   * instead of keeping them in memory: ONNX protobuf files cannot exceed 2 GB, and a
   * multi-GB model never has to be held whole. It must sit next to the model file, which names
   * it by its base name.
   */
  readonly externalDataPath?: string;
}

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
  readonly #domains = new Set<string>();
  readonly #external: { readonly fd: number; readonly location: string } | undefined;
  #externalOffset = 0;
  #counter = 0;
  #closed = false;

  constructor(options: OnnxGraphBuilderOptions = {}) {
    this.weightTypeCode = options.weights === "float16" ? float16Type : floatType;
    this.#external =
      options.externalDataPath === undefined
        ? undefined
        : {
            fd: openSync(options.externalDataPath, "w"),
            location: basename(options.externalDataPath),
          };
  }

  /** True when weights are stored as float16. */
  get isFloat16(): boolean {
    return this.weightTypeCode === float16Type;
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
    const stored = this.isFloat16 ? float32ToFloat16Bits(values) : values;
    this.#addInitializer(
      name,
      dims,
      this.weightTypeCode,
      new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength),
    );
    return name;
  }

  /** A float32 tensor whatever the weight type (inputs of ops that only take float32). */
  float32Tensor(name: string, dims: readonly number[], values: Float32Array): string {
    this.#addInitializer(
      name,
      dims,
      floatType,
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
    return name;
  }

  /** An int64 constant (shapes, axes, indices); `dims` [] makes a scalar. */
  int64Tensor(name: string, dims: readonly number[], values: readonly number[]): string {
    const data = new BigInt64Array(values.map((value) => BigInt(value)));
    this.#addInitializer(name, dims, int64Type, new Uint8Array(data.buffer));
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
    options: NodeOptions = {},
  ): string {
    this.#counter += 1;
    const output = outputName ?? `${opType.toLowerCase()}_${this.#counter}`;
    const domain = options.domain ?? "";
    if (domain !== "") this.#domains.add(domain);
    this.#nodes.push({
      opType,
      domain,
      name: `${opType}_${this.#counter}`,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return output;
  }

  /** An onnxruntime contrib op (domain com.microsoft). */
  contribNode(
    opType: string,
    inputs: readonly string[],
    attributes: Attributes = {},
    outputName?: string,
  ): string {
    return this.node(opType, inputs, attributes, outputName, { domain: microsoftDomain });
  }

  /**
   * Serialises the model (IR version 8, default-domain opset `opset`, com.microsoft 1 when a
   * contrib op is used) and closes the external data file, if any.
   */
  encode(graphName: string, opset: number): Uint8Array {
    this.close();
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "hybrid-rag graph builder",
      opsetImport: [
        { domain: "", version: opset },
        ...[...this.#domains].map((domain) => ({ domain, version: 1 })),
      ],
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

  /** Closes the external data file (encode does it too); safe to call more than once. */
  close(): void {
    if (this.#external && !this.#closed) closeSync(this.#external.fd);
    this.#closed = true;
  }

  #addInitializer(
    name: string,
    dims: readonly number[],
    dataType: number,
    bytes: Uint8Array,
  ): void {
    const external = this.#external;
    if (external === undefined || bytes.byteLength < externalThresholdBytes) {
      // Copied: callers may reuse or release the source buffer.
      this.#initializers.push({ name, dims: [...dims], dataType, rawData: bytes.slice() });
      return;
    }
    const padding =
      (externalAlignment - (this.#externalOffset % externalAlignment)) % externalAlignment;
    if (padding > 0) {
      writeSync(external.fd, new Uint8Array(padding));
      this.#externalOffset += padding;
    }
    writeAll(external.fd, bytes);
    this.#initializers.push({
      name,
      dims: [...dims],
      dataType,
      dataLocation: externalLocation,
      externalData: [
        { key: "location", value: external.location },
        { key: "offset", value: String(this.#externalOffset) },
        { key: "length", value: String(bytes.byteLength) },
      ],
    });
    this.#externalOffset += bytes.byteLength;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.byteLength) {
    written += writeSync(fd, bytes, written, bytes.byteLength - written);
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
