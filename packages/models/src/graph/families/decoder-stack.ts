import type { OnnxGraphBuilder } from "../../testing/onnx-graph-builder.ts";
import type { FamilyBuildContext } from "../model-family.ts";
import type { DecoderArchitecture } from "./decoder-config.ts";
import { optionalTensor, readFusedLinear } from "./linear-weights.ts";
import { inverseFrequencies, rotaryTables } from "./rope-frequencies.ts";

/** The default-domain opset decoder graphs use: RMSNormalization, RotaryEmbedding, Attention. */
export const decoderOpset = 23;

export interface DecoderStackOptions {
  /** "bidirectional": every token sees every non-pad token (NVIDIA's rerankers); "causal": LMs. */
  readonly attention: "bidirectional" | "causal";
  /** Qwen3: RMSNorm over each head of q and k before the rotation (`q_norm`, `k_norm`). */
  readonly queryKeyNorm: boolean;
  /** Checkpoint prefix of the decoder ("model." for *ForSequenceClassification / *ForCausalLM). */
  readonly prefix: string;
  /**
   * Rewrites the token embeddings [batch, sequence, hidden] before the first layer (a VLM puts
   * its image features in place of the image tokens' embeddings); default: unchanged.
   */
  readonly embed?: (tokenEmbeddings: string, inputIds: string) => Promise<string>;
}

/** What the heads on top of the decoder need. */
export interface DecoderStack {
  /** Final-norm hidden states [batch, sequence, hidden], in the graph's weight type. */
  readonly hiddenStates: string;
  readonly attentionMask: string;
}

/**
 * Writes a Llama-style decoder: token embeddings, then per layer RMSNorm → grouped-query
 * attention with rotary positions → residual → RMSNorm → SwiGLU MLP → residual, then the final
 * RMSNorm. Uses onnxruntime's implementations of the opset-23 RMSNormalization,
 * RotaryEmbedding and Attention ops (one kernel each on CPU and CUDA) rather than chains of
 * elementwise ops. Padding is masked on the keys, so right-padded pairs score as unpadded ones.
 */
export async function buildDecoderStack(
  context: FamilyBuildContext,
  architecture: DecoderArchitecture,
  options: DecoderStackOptions,
): Promise<DecoderStack> {
  const { builder, weights } = context;
  const { prefix } = options;
  const dims = ["batch_size", "sequence_length"];
  const inputIds = builder.input("input_ids", "int64", dims);
  const attentionMask = builder.input("attention_mask", "int64", dims);

  const embeddings = builder.floatTensor(
    `${prefix}embed_tokens.weight`,
    [architecture.vocabularySize, architecture.hidden],
    await weights.readFloat32(`${prefix}embed_tokens.weight`, [
      architecture.vocabularySize,
      architecture.hidden,
    ]),
  );
  let hiddenStates = builder.node("Gather", [embeddings, inputIds], { axis: 0 });
  if (options.embed) hiddenStates = await options.embed(hiddenStates, inputIds);

  const shared = sharedTensors(builder, architecture, inputIds, attentionMask, options);
  for (let layer = 0; layer < architecture.layers; layer++) {
    hiddenStates = await decoderLayer(
      context,
      architecture,
      options,
      shared,
      `${prefix}layers.${layer}.`,
      hiddenStates,
    );
  }
  const final = await rmsNorm(context, architecture, `${prefix}norm.weight`, hiddenStates);
  return { hiddenStates: final, attentionMask };
}

interface SharedTensors {
  readonly positionIds: string;
  readonly cos: string;
  readonly sin: string;
  readonly additiveMask: string;
}

function sharedTensors(
  builder: OnnxGraphBuilder,
  architecture: DecoderArchitecture,
  inputIds: string,
  attentionMask: string,
  options: DecoderStackOptions,
): SharedTensors {
  const zero = builder.int64Tensor("decoder.zero", [], [0]);
  const one = builder.int64Tensor("decoder.one", [], [1]);
  const inputShape = builder.node("Shape", [inputIds]);
  const sequenceLength = builder.node("Gather", [inputShape, one], { axis: 0 });
  const positions = builder.node("Range", [zero, sequenceLength, one]);
  // Right padding: the real tokens sit at positions 0..n-1, as without padding.
  const positionIds = builder.node("Expand", [
    builder.node("Unsqueeze", [positions, builder.int64Tensor("decoder.axis0", [1], [0])]),
    inputShape,
  ]);
  // The tables cover the positions the model declares; longer inputs fail in onnxruntime, and
  // the tokenizer truncates to the model's length before that.
  const frequencies = inverseFrequencies(architecture.rope, architecture.headDimension);
  const tables = rotaryTables(frequencies, architecture.maxPositions);
  const half = architecture.headDimension / 2;
  const cos = builder.floatTensor(
    "decoder.rotary_cos",
    [architecture.maxPositions, half],
    tables.cos,
  );
  const sin = builder.floatTensor(
    "decoder.rotary_sin",
    [architecture.maxPositions, half],
    tables.sin,
  );

  // Which keys each query may see: non-pad keys, before it (causal), within the window.
  const queryIndex = builder.node("Unsqueeze", [
    positions,
    builder.int64Tensor("decoder.axis1", [1], [1]),
  ]);
  const keyIndex = builder.node("Unsqueeze", [
    positions,
    builder.int64Tensor("decoder.axis0b", [1], [0]),
  ]);
  let allowed = builder.node("Unsqueeze", [
    builder.node("Cast", [attentionMask], { to: boolType }),
    builder.int64Tensor("decoder.axes_1_2", [2], [1, 2]),
  ]); // [batch, 1, 1, keys]
  const distance = builder.node("Sub", [queryIndex, keyIndex]); // [queries, keys]
  if (options.attention === "causal") {
    allowed = builder.node("And", [allowed, builder.node("GreaterOrEqual", [distance, zero])]);
  }
  if (architecture.slidingWindow !== undefined) {
    // transformers' sliding window: a query sees keys less than `sliding_window` positions away
    // (behind it when causal; on either side when bidirectional).
    const window = builder.int64Tensor("decoder.sliding_window", [], [architecture.slidingWindow]);
    const span = builder.node("Abs", [distance]);
    allowed = builder.node("And", [allowed, builder.node("Less", [span, window])]);
  }
  // Additive and finite: a row with no visible key (a pad query far past the window) then
  // averages instead of producing NaN, which would leak into the next layer's values.
  const maskedScore = builder.weightTypeCode === float16Type ? -30_000 : -1e9;
  const additive = builder.node("Where", [
    allowed,
    builder.floatScalar("decoder.attend", 0),
    builder.floatScalar("decoder.masked", maskedScore),
  ]);
  // onnxruntime's Attention wants the mask's query axis in full: [batch, 1, queries, keys].
  const slice = (from: number, name: string): string =>
    builder.node("Slice", [
      inputShape,
      builder.int64Tensor(`decoder.${name}_start`, [1], [from]),
      builder.int64Tensor(`decoder.${name}_end`, [1], [from + 1]),
    ]);
  const batch = slice(0, "batch");
  const length = slice(1, "length");
  const maskShape = builder.node(
    "Concat",
    [batch, builder.int64Tensor("decoder.one_1d", [1], [1]), length, length],
    { axis: 0 },
  );
  const additiveMask = builder.node("Expand", [additive, maskShape]);
  return { positionIds, cos, sin, additiveMask };
}

const boolType = 9;
const float16Type = 10;

async function decoderLayer(
  context: FamilyBuildContext,
  architecture: DecoderArchitecture,
  options: DecoderStackOptions,
  shared: SharedTensors,
  prefix: string,
  input: string,
): Promise<string> {
  const { builder, weights } = context;
  const { hidden, heads, keyValueHeads, headDimension } = architecture;
  const queryWidth = heads * headDimension;
  const keyValueWidth = keyValueHeads * headDimension;
  const attention = `${prefix}self_attn.`;

  const normed = await rmsNorm(context, architecture, `${prefix}input_layernorm.weight`, input);
  const projection = await readFusedLinear(weights, hidden, [
    {
      weight: `${attention}q_proj.weight`,
      bias: attentionBias(context, architecture, `${attention}q_proj.bias`),
      outputs: queryWidth,
    },
    {
      weight: `${attention}k_proj.weight`,
      bias: attentionBias(context, architecture, `${attention}k_proj.bias`),
      outputs: keyValueWidth,
    },
    {
      weight: `${attention}v_proj.weight`,
      bias: attentionBias(context, architecture, `${attention}v_proj.bias`),
      outputs: keyValueWidth,
    },
  ]);
  const projected = linear(
    builder,
    `${attention}qkv`,
    normed,
    projection,
    hidden,
    queryWidth + 2 * keyValueWidth,
  );
  const [query, key, value] = sliceLastAxis(builder, projected, `${attention}qkv`, [
    queryWidth,
    keyValueWidth,
    keyValueWidth,
  ]);

  let rotatedQuery = query;
  let rotatedKey = key;
  if (options.queryKeyNorm) {
    rotatedQuery = await headNorm(context, architecture, `${attention}q_norm.weight`, query, heads);
    rotatedKey = await headNorm(
      context,
      architecture,
      `${attention}k_norm.weight`,
      key,
      keyValueHeads,
    );
  }
  rotatedQuery = builder.node(
    "RotaryEmbedding",
    [rotatedQuery, shared.cos, shared.sin, shared.positionIds],
    { num_heads: heads, interleaved: 0 },
  );
  rotatedKey = builder.node(
    "RotaryEmbedding",
    [rotatedKey, shared.cos, shared.sin, shared.positionIds],
    { num_heads: keyValueHeads, interleaved: 0 },
  );

  const attended = builder.node(
    "Attention",
    [rotatedQuery, rotatedKey, value, shared.additiveMask],
    {
      q_num_heads: heads,
      kv_num_heads: keyValueHeads,
      scale: { float: 1 / Math.sqrt(headDimension) },
    },
  );
  const outputBias = optionalTensor(weights, `${attention}o_proj.bias`);
  const output = await readFusedLinear(weights, queryWidth, [
    { weight: `${attention}o_proj.weight`, bias: outputBias, outputs: hidden },
  ]);
  const afterAttention = builder.node("Add", [
    input,
    linear(builder, `${attention}o_proj`, attended, output, queryWidth, hidden),
  ]);

  const mlp = `${prefix}mlp.`;
  const postNormed = await rmsNorm(
    context,
    architecture,
    `${prefix}post_attention_layernorm.weight`,
    afterAttention,
  );
  const gateUp = await readFusedLinear(weights, hidden, [
    { weight: `${mlp}gate_proj.weight`, outputs: architecture.intermediate },
    { weight: `${mlp}up_proj.weight`, outputs: architecture.intermediate },
  ]);
  const gateUpProjected = linear(
    builder,
    `${mlp}gate_up`,
    postNormed,
    gateUp,
    hidden,
    2 * architecture.intermediate,
  );
  const [gate, up] = sliceLastAxis(builder, gateUpProjected, `${mlp}gate_up`, [
    architecture.intermediate,
    architecture.intermediate,
  ]);
  const activated = builder.node("Mul", [
    builder.node("Mul", [gate, builder.node("Sigmoid", [gate])]),
    up,
  ]);
  const down = await readFusedLinear(weights, architecture.intermediate, [
    { weight: `${mlp}down_proj.weight`, outputs: hidden },
  ]);
  return builder.node("Add", [
    afterAttention,
    linear(builder, `${mlp}down_proj`, activated, down, architecture.intermediate, hidden),
  ]);
}

function attentionBias(
  context: FamilyBuildContext,
  architecture: DecoderArchitecture,
  name: string,
): string | undefined {
  // With attention_bias the checkpoint must have the bias: readFloat32 then names it if missing.
  return architecture.attentionBias ? name : optionalTensor(context.weights, name);
}

function linear(
  builder: OnnxGraphBuilder,
  name: string,
  input: string,
  weights: { readonly matrix: Float32Array; readonly bias: Float32Array | undefined },
  inputs: number,
  outputs: number,
): string {
  const product = builder.node("MatMul", [
    input,
    builder.floatTensor(`${name}.weight_t`, [inputs, outputs], weights.matrix),
  ]);
  if (weights.bias === undefined) return product;
  return builder.node("Add", [
    product,
    builder.floatTensor(`${name}.bias`, [outputs], weights.bias),
  ]);
}

/**
 * The parts of a fused projection, as Slices of its last axis: the builder gives each node one
 * output, so Split (several outputs) is not available; onnxruntime runs these as copies.
 */
function sliceLastAxis<const Sizes extends readonly number[]>(
  builder: OnnxGraphBuilder,
  input: string,
  name: string,
  sizes: Sizes,
): { readonly [Index in keyof Sizes]: string } {
  const outputs: string[] = [];
  const axis = builder.int64Tensor(`${name}.slice_axis`, [1], [-1]);
  let start = 0;
  for (const [index, size] of sizes.entries()) {
    outputs.push(
      builder.node("Slice", [
        input,
        builder.int64Tensor(`${name}.slice_start_${index}`, [1], [start]),
        builder.int64Tensor(`${name}.slice_end_${index}`, [1], [start + size]),
        axis,
      ]),
    );
    start += size;
  }
  return outputs as unknown as { readonly [Index in keyof Sizes]: string };
}

async function rmsNorm(
  context: FamilyBuildContext,
  architecture: DecoderArchitecture,
  name: string,
  input: string,
): Promise<string> {
  const scale = context.builder.floatTensor(
    name,
    [architecture.hidden],
    await context.weights.readFloat32(name, [architecture.hidden]),
  );
  return context.builder.node("RMSNormalization", [input, scale], {
    axis: -1,
    epsilon: { float: architecture.rmsNormEpsilon },
  });
}

/** RMSNorm over each head's slice of a [batch, sequence, heads × d] projection. */
async function headNorm(
  context: FamilyBuildContext,
  architecture: DecoderArchitecture,
  name: string,
  input: string,
  heads: number,
): Promise<string> {
  const { builder } = context;
  const { headDimension } = architecture;
  const scale = builder.floatTensor(
    name,
    [headDimension],
    await context.weights.readFloat32(name, [headDimension]),
  );
  const perHead = builder.node("Reshape", [
    input,
    builder.int64Tensor(`${name}.heads_shape`, [4], [0, 0, heads, headDimension]),
  ]);
  const normed = builder.node("RMSNormalization", [perHead, scale], {
    axis: -1,
    epsilon: { float: architecture.rmsNormEpsilon },
  });
  return builder.node("Reshape", [
    normed,
    builder.int64Tensor(`${name}.merged_shape`, [3], [0, 0, heads * headDimension]),
  ]);
}
