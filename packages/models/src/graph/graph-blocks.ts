import type { FamilyBuildContext } from "./model-family.ts";
import type { OnnxGraphBuilder } from "./onnx-graph-builder.ts";

// Large enough that masked positions get exactly zero attention weight after softmax, and
// small enough to stay finite in float16.
export const maskedScore = -10_000;

/**
 * Graph pieces the encoder families share, reading their weights by checkpoint name. Linear
 * weights are stored transposed ([in, out]) so that every projection is one MatMul.
 */
export class GraphBlocks {
  readonly graph: OnnxGraphBuilder;
  readonly #context: FamilyBuildContext;
  #constants = 0;

  constructor(context: FamilyBuildContext) {
    this.#context = context;
    this.graph = context.builder;
  }

  /** A checkpoint tensor as an initializer of the expected shape. */
  async weight(name: string, shape: readonly number[]): Promise<string> {
    const values = await this.#context.weights.readFloat32(name, shape);
    return this.graph.floatTensor(name, shape, values);
  }

  /** True when the checkpoint has this (float) tensor. */
  has(name: string): boolean {
    return this.#context.weights.info(name) !== undefined;
  }

  /** A float constant in the graph's weight type (unique name). */
  scalar(value: number): string {
    this.#constants += 1;
    return this.graph.floatScalar(`const_${this.#constants}`, value);
  }

  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    this.#constants += 1;
    return this.graph.int64Tensor(`const_i64_${this.#constants}`, dims, values);
  }

  /** `nn.Linear`: x·Wᵀ (+ b); PyTorch stores W as [out, in]. */
  async linear(
    prefix: string,
    input: string,
    inFeatures: number,
    outFeatures: number,
    bias = true,
  ): Promise<string> {
    const stored = await this.#context.weights.readFloat32(`${prefix}.weight`, [
      outFeatures,
      inFeatures,
    ]);
    const transposed = transpose(stored, outFeatures, inFeatures);
    const weight = this.graph.floatTensor(
      `${prefix}.weight`,
      [inFeatures, outFeatures],
      transposed,
    );
    const product = this.graph.node("MatMul", [input, weight]);
    if (!bias) return product;
    return this.graph.node("Add", [product, await this.weight(`${prefix}.bias`, [outFeatures])]);
  }

  /**
   * Rows [rowStart, rowStart + outFeatures) of a fused `nn.Linear` without bias (ModernBERT's Wqkv
   * and Wi), as their own MatMul.
   */
  async linearRows(
    name: string,
    input: string,
    inFeatures: number,
    totalRows: number,
    rowStart: number,
    outFeatures: number,
    part: string,
  ): Promise<string> {
    const stored = await this.#context.weights.readFloat32(name, [totalRows, inFeatures]);
    const rows = stored.subarray(rowStart * inFeatures, (rowStart + outFeatures) * inFeatures);
    const transposed = transpose(rows, outFeatures, inFeatures);
    const weight = this.graph.floatTensor(`${name}.${part}`, [inFeatures, outFeatures], transposed);
    return this.graph.node("MatMul", [input, weight]);
  }

  /** `nn.LayerNorm` over the last axis; without bias when the architecture has none. */
  async layerNorm(
    weightName: string,
    biasName: string | undefined,
    input: string,
    size: number,
    epsilon: number,
  ): Promise<string> {
    const scale = await this.weight(weightName, [size]);
    const inputs = [input, scale];
    if (biasName !== undefined) inputs.push(await this.weight(biasName, [size]));
    return this.graph.node("LayerNormalization", inputs, { axis: -1, epsilon: { float: epsilon } });
  }

  /** Exact GELU, x · ½ · (1 + erf(x / √2)), as transformers' "gelu". */
  gelu(input: string): string {
    const scaled = this.graph.node("Div", [input, this.scalar(Math.SQRT2)]);
    const erfPlusOne = this.graph.node("Add", [this.graph.node("Erf", [scaled]), this.scalar(1)]);
    const half = this.graph.node("Mul", [input, this.scalar(0.5)]);
    return this.graph.node("Mul", [half, erfPlusOne]);
  }

  /** "gelu_new" / "gelu_pytorch_tanh": ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
  geluTanh(input: string): string {
    const cube = this.graph.node("Mul", [this.graph.node("Mul", [input, input]), input]);
    const inner = this.graph.node("Add", [
      input,
      this.graph.node("Mul", [cube, this.scalar(0.044715)]),
    ]);
    const tanh = this.graph.node("Tanh", [
      this.graph.node("Mul", [inner, this.scalar(Math.sqrt(2 / Math.PI))]),
    ]);
    const half = this.graph.node("Mul", [input, this.scalar(0.5)]);
    return this.graph.node("Mul", [half, this.graph.node("Add", [tanh, this.scalar(1)])]);
  }

  /** transformers' ACT2FN for the activations these encoders use. */
  activation(name: string, input: string): string {
    switch (name) {
      case "gelu":
        return this.gelu(input);
      case "gelu_new":
      case "gelu_pytorch_tanh":
      case "gelu_fast":
        return this.geluTanh(input);
      case "relu":
        return this.graph.node("Relu", [input]);
      case "silu":
      case "swish":
        return this.graph.node("Mul", [input, this.graph.node("Sigmoid", [input])]);
      case "tanh":
        return this.graph.node("Tanh", [input]);
      default:
        throw new Error(`unsupported activation ${name}`);
    }
  }

  /** Additive attention mask [batch, 1, 1, sequence]: 0 where attended, maskedScore on padding. */
  paddingMask(attentionMask: string): string {
    const maskFloat = this.graph.node("Cast", [attentionMask], { to: this.graph.weightTypeCode });
    const inverted = this.graph.node("Sub", [this.scalar(1), maskFloat]);
    const additive = this.graph.node("Mul", [inverted, this.scalar(maskedScore)]);
    return this.graph.node("Unsqueeze", [additive, this.int64([1, 2])]);
  }

  /** [batch, sequence, hidden] → [batch, heads, sequence, headSize] (or [batch, heads, headSize, sequence] for keys). */
  splitHeads(input: string, heads: number, headSize: number, keys = false): string {
    const split = this.graph.node("Reshape", [input, this.int64([0, 0, heads, headSize])]);
    return this.graph.node("Transpose", [split], { perm: keys ? [0, 2, 3, 1] : [0, 2, 1, 3] });
  }

  /** [batch, heads, sequence, headSize] → [batch, sequence, hidden]. */
  mergeHeads(input: string, hidden: number): string {
    const transposed = this.graph.node("Transpose", [input], { perm: [0, 2, 1, 3] });
    return this.graph.node("Reshape", [transposed, this.int64([0, 0, hidden])]);
  }

  /** softmax(q·kᵀ / √d + mask)·v on split heads (keys already transposed). */
  scaledDotProduct(
    query: string,
    keyTransposed: string,
    value: string,
    headSize: number,
    mask: string,
  ): string {
    const scores = this.graph.node("Div", [
      this.graph.node("MatMul", [query, keyTransposed]),
      this.scalar(Math.sqrt(headSize)),
    ]);
    const probabilities = this.graph.node("Softmax", [this.graph.node("Add", [scores, mask])], {
      axis: -1,
    });
    return this.graph.node("MatMul", [probabilities, value]);
  }

  /** Token `index` of every sequence: [batch, sequence, hidden] → [batch, hidden]. */
  token(input: string, index: number): string {
    return this.graph.node("Gather", [input, this.int64([index], [])], { axis: 1 });
  }

  /** Mean over attended tokens: Σ(h·mask) / Σmask → [batch, hidden]. */
  meanPool(input: string, attentionMask: string): string {
    const mask = this.graph.node("Unsqueeze", [
      this.graph.node("Cast", [attentionMask], { to: this.graph.weightTypeCode }),
      this.int64([2]),
    ]);
    const summed = this.graph.node(
      "ReduceSum",
      [this.graph.node("Mul", [input, mask]), this.int64([1])],
      {
        keepdims: 0,
      },
    );
    const counts = this.graph.node("ReduceSum", [mask, this.int64([1])], { keepdims: 0 });
    return this.graph.node("Div", [summed, counts]);
  }

  /** The graph output, cast back to float32 in fp16 graphs (keep_io_types). */
  output(value: string, name: string, dims: readonly (string | number)[]): void {
    if (this.graph.isFloat16) this.graph.node("Cast", [value], { to: 1 }, name);
    else this.graph.node("Identity", [value], {}, name);
    this.graph.output(name, "float", dims);
  }
}

function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    for (let column = 0; column < columns; column++) {
      out[column * rows + row] = values[offset + column]!;
    }
  }
  return out;
}
