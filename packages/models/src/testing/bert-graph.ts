import { type Attributes, OnnxGraphBuilder } from "./onnx-graph-builder.ts";
import type { SeededRandom } from "./seeded-random.ts";

export interface BertArchitecture {
  readonly kind: "cross-encoder" | "bi-encoder";
  readonly vocabularySize: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly maxPositions: number;
  readonly typeVocabularySize: number;
  readonly layerNormEpsilon: number;
}

// Large enough that masked positions get exactly zero attention weight after softmax.
const maskedScore = -10_000;

/**
 * Writes a BERT encoder as an ONNX graph (opset 17) with random weights: embeddings (word +
 * position + token type) → LayerNorm → N layers of masked self-attention and a GELU (Erf) FFN.
 * Cross-encoders end in the BERT pooler (tanh on [CLS]) and a one-logit classifier ("logits",
 * [batch, 1]); bi-encoders output "last_hidden_state" ([batch, sequence, hidden]). The inputs
 * and outputs are named as Hugging Face Optimum exports them, so transformers.js loads the file.
 */
export function buildBertGraph(
  architecture: BertArchitecture,
  random: SeededRandom,
  precision: "fp32" | "fp16" = "fp32",
): Uint8Array {
  const { hidden, heads } = architecture;
  // fp16: every weight and activation in half precision; inputs (int64) and outputs (float32)
  // keep their types, as onnxconverter-common's keep_io_types does.
  const graph = new OnnxGraphBuilder({ weights: precision === "fp16" ? "float16" : "float32" });
  const toOutput = precision === "fp16" ? "Cast" : "Identity";
  const toOutputAttributes: Attributes = precision === "fp16" ? { to: 1 } : {};
  const weights = new WeightFactory(graph, random);
  const dims = ["batch_size", "sequence_length"];
  const inputIds = graph.input("input_ids", "int64", dims);
  const attentionMask = graph.input("attention_mask", "int64", dims);
  const tokenTypeIds = graph.input("token_type_ids", "int64", dims);

  const zero = graph.int64Tensor("const_zero", [], [0]);
  const one = graph.int64Tensor("const_one", [], [1]);
  const axesOneTwo = graph.int64Tensor("const_axes_1_2", [2], [1, 2]);
  const headShape = graph.int64Tensor("const_head_shape", [4], [0, 0, heads, hidden / heads]);
  const mergedShape = graph.int64Tensor("const_merged_shape", [3], [0, 0, hidden]);

  // Embeddings.
  const words = graph.node("Gather", [
    weights.normal("embeddings.word", [architecture.vocabularySize, hidden]),
    inputIds,
  ]);
  const sequenceLength = graph.node("Gather", [graph.node("Shape", [inputIds]), one], { axis: 0 });
  const positionIds = graph.node("Range", [zero, sequenceLength, one]);
  const positions = graph.node("Gather", [
    weights.normal("embeddings.position", [architecture.maxPositions, hidden]),
    positionIds,
  ]);
  const types = graph.node("Gather", [
    weights.normal("embeddings.token_type", [architecture.typeVocabularySize, hidden]),
    tokenTypeIds,
  ]);
  const summed = graph.node("Add", [graph.node("Add", [words, positions]), types]);
  let hiddenStates = layerNorm(graph, weights, "embeddings.norm", summed, architecture);

  // Additive attention mask: 0 where attended, maskedScore on padding; [batch, 1, 1, sequence].
  const maskFloat = graph.node("Cast", [attentionMask], { to: graph.weightTypeCode });
  const inverted = graph.node("Sub", [graph.floatScalar("const_float_one", 1), maskFloat]);
  const additive = graph.node("Mul", [
    inverted,
    graph.floatScalar("const_mask_score", maskedScore),
  ]);
  const mask = graph.node("Unsqueeze", [additive, axesOneTwo]);

  const shapes = { headShape, mergedShape };
  for (let layer = 0; layer < architecture.layers; layer++) {
    hiddenStates = encoderLayer(
      graph,
      weights,
      `layer.${layer}`,
      hiddenStates,
      mask,
      shapes,
      architecture,
    );
  }

  if (architecture.kind === "bi-encoder") {
    graph.node(toOutput, [hiddenStates], toOutputAttributes, "last_hidden_state");
    graph.output("last_hidden_state", "float", ["batch_size", "sequence_length", hidden]);
    return graph.encode("bert-bi-encoder", 17);
  }
  const cls = graph.node("Gather", [hiddenStates, zero], { axis: 1 });
  const pooled = graph.node("Tanh", [dense(graph, weights, "pooler", cls, hidden, hidden)]);
  const logits = dense(graph, weights, "classifier", pooled, hidden, 1);
  graph.node(toOutput, [logits], toOutputAttributes, "logits");
  graph.output("logits", "float", ["batch_size", 1]);
  return graph.encode("bert-cross-encoder", 17);
}

interface AttentionShapes {
  readonly headShape: string;
  readonly mergedShape: string;
}

function encoderLayer(
  graph: OnnxGraphBuilder,
  weights: WeightFactory,
  prefix: string,
  input: string,
  mask: string,
  shapes: AttentionShapes,
  architecture: BertArchitecture,
): string {
  const { hidden, heads, intermediate } = architecture;
  const project = (name: string, perm: readonly number[]): string => {
    const projected = dense(graph, weights, `${prefix}.${name}`, input, hidden, hidden);
    const split = graph.node("Reshape", [projected, shapes.headShape]);
    return graph.node("Transpose", [split], { perm });
  };
  const query = project("query", [0, 2, 1, 3]);
  const key = project("key", [0, 2, 3, 1]);
  const value = project("value", [0, 2, 1, 3]);
  const scale = graph.floatScalar(`${prefix}.scale`, 1 / Math.sqrt(hidden / heads));
  const scores = graph.node("Add", [
    graph.node("Mul", [graph.node("MatMul", [query, key]), scale]),
    mask,
  ]);
  const probabilities = graph.node("Softmax", [scores], { axis: -1 });
  const context = graph.node("Transpose", [graph.node("MatMul", [probabilities, value])], {
    perm: [0, 2, 1, 3],
  });
  const merged = graph.node("Reshape", [context, shapes.mergedShape]);
  const attended = dense(graph, weights, `${prefix}.attention_output`, merged, hidden, hidden);
  const afterAttention = layerNorm(
    graph,
    weights,
    `${prefix}.attention_norm`,
    graph.node("Add", [attended, input]),
    architecture,
  );
  const expanded = dense(
    graph,
    weights,
    `${prefix}.intermediate`,
    afterAttention,
    hidden,
    intermediate,
  );
  const activated = gelu(graph, expanded);
  const contracted = dense(graph, weights, `${prefix}.output`, activated, intermediate, hidden);
  return layerNorm(
    graph,
    weights,
    `${prefix}.output_norm`,
    graph.node("Add", [contracted, afterAttention]),
    architecture,
  );
}

/** Exact GELU, as BERT defines it: x · ½ · (1 + erf(x / √2)). */
function gelu(graph: OnnxGraphBuilder, input: string): string {
  const scaled = graph.node("Div", [input, graph.floatScalar(`gelu_sqrt2_${input}`, Math.SQRT2)]);
  const erfPlusOne = graph.node("Add", [
    graph.node("Erf", [scaled]),
    graph.floatScalar(`gelu_one_${input}`, 1),
  ]);
  const half = graph.node("Mul", [input, graph.floatScalar(`gelu_half_${input}`, 0.5)]);
  return graph.node("Mul", [half, erfPlusOne]);
}

function dense(
  graph: OnnxGraphBuilder,
  weights: WeightFactory,
  prefix: string,
  input: string,
  inputSize: number,
  outputSize: number,
): string {
  const product = graph.node("MatMul", [
    input,
    weights.normal(`${prefix}.weight`, [inputSize, outputSize]),
  ]);
  return graph.node("Add", [product, weights.normal(`${prefix}.bias`, [outputSize])]);
}

function layerNorm(
  graph: OnnxGraphBuilder,
  weights: WeightFactory,
  prefix: string,
  input: string,
  architecture: BertArchitecture,
): string {
  const size = architecture.hidden;
  return graph.node(
    "LayerNormalization",
    [input, weights.normal(`${prefix}.gamma`, [size], 1), weights.normal(`${prefix}.beta`, [size])],
    { axis: -1, epsilon: { float: architecture.layerNormEpsilon } },
  );
}

/**
 * Random weights. The spread (0.1, wider than BERT's 0.02 initialisation) keeps activations
 * far enough apart that different inputs get visibly different scores.
 */
class WeightFactory {
  readonly #graph: OnnxGraphBuilder;
  readonly #random: SeededRandom;

  constructor(graph: OnnxGraphBuilder, random: SeededRandom) {
    this.#graph = graph;
    this.#random = random;
  }

  normal(name: string, dims: readonly number[], mean = 0): string {
    const count = dims.reduce((product, dim) => product * dim, 1);
    return this.#graph.floatTensor(name, dims, this.#random.normals(count, 0.1, mean));
  }
}
