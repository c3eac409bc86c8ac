import { z } from "zod";
import { assertOneLabel, basePrefix, parseFamilyConfig } from "../family-config.ts";
import { GraphBlocks, maskedScore } from "../graph-blocks.ts";
import type { FamilyBuildContext, ModelFamily } from "../model-family.ts";

const activation = z.enum(["gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu", "swish"]);

const modernBertConfigSchema = z.looseObject({
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  max_position_embeddings: z.number().int().positive(),
  hidden_activation: activation.default("gelu"),
  norm_eps: z.number().positive().default(1e-5),
  norm_bias: z.boolean().default(false),
  attention_bias: z.boolean().default(false),
  mlp_bias: z.boolean().default(false),
  classifier_bias: z.boolean().default(false),
  classifier_activation: activation.default("gelu"),
  classifier_pooling: z.enum(["cls", "mean"]).default("cls"),
  global_attn_every_n_layers: z.number().int().positive().default(3),
  local_attention: z.number().int().positive().default(128),
  global_rope_theta: z.number().positive().default(160_000),
  local_rope_theta: z.number().positive().nullable().default(10_000),
  // transformers 5 spells the layer pattern and rope bases out per layer type.
  layer_types: z.array(z.enum(["full_attention", "sliding_attention"])).optional(),
  rope_parameters: z
    .looseObject({
      full_attention: z.looseObject({ rope_theta: z.number().positive() }).optional(),
      sliding_attention: z.looseObject({ rope_theta: z.number().positive() }).optional(),
    })
    .optional(),
});

type ModernBertConfig = z.output<typeof modernBertConfigSchema>;

/**
 * ModernBERT (gte-reranker-modernbert-base, ModernBERT-embed): pre-LayerNorm layers with rotary
 * positions, global attention every `global_attn_every_n_layers` layers and a
 * `local_attention`-wide sliding window in between (each with its own rope base), GeGLU MLPs, no
 * biases unless the config asks; the classifier pools ([CLS] or mean), then dense → act → norm.
 */
export const modernBertFamily: ModelFamily = {
  name: "modernbert",
  tasks: ["cross-encoder", "embedder"],
  matches: (config) =>
    config.model_type === "modernbert" ||
    (Array.isArray(config.architectures) &&
      config.architectures.some(
        (name) => typeof name === "string" && name.startsWith("ModernBert"),
      )),
  build: buildModernBertGraph,
  pairInputFormat: () => ({ template: undefined }),
};

async function buildModernBertGraph(context: FamilyBuildContext): Promise<void> {
  const config = parseFamilyConfig(modernBertConfigSchema, context.config, "modernbert");
  const blocks = new GraphBlocks(context);
  const graph = blocks.graph;
  const hidden = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = hidden / heads;
  const intermediate = config.intermediate_size;
  const prefix = basePrefix((name) => blocks.has(name), "embeddings.tok_embeddings.weight", [
    "model.",
    "",
  ]);
  const norm = (name: string, input: string): Promise<string> =>
    blocks.layerNorm(
      `${name}.weight`,
      config.norm_bias ? `${name}.bias` : undefined,
      input,
      hidden,
      config.norm_eps,
    );
  const dims = ["batch_size", "sequence_length"];
  const inputIds = graph.input("input_ids", "int64", dims);
  const attentionMask = graph.input("attention_mask", "int64", dims);

  const embedded = graph.node("Gather", [
    await blocks.weight(`${prefix}embeddings.tok_embeddings.weight`, [config.vocab_size, hidden]),
    inputIds,
  ]);
  let states = await norm(`${prefix}embeddings.norm`, embedded);

  const length = graph.node("Gather", [graph.node("Shape", [inputIds]), blocks.int64([1], [])], {
    axis: 0,
  });
  const globalMask = blocks.paddingMask(attentionMask);
  const localMask = graph.node("Add", [
    globalMask,
    slidingWindowMask(blocks, length, config.local_attention),
  ]);
  const rotaries = new Map<number, Rotary>();
  const rotaryFor = (theta: number): Rotary => {
    let rotary = rotaries.get(theta);
    if (!rotary) {
      rotary = rotaryTables(blocks, theta, headSize, config.max_position_embeddings, length);
      rotaries.set(theta, rotary);
    }
    return rotary;
  };

  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const at = `${prefix}layers.${layer}`;
    const global = isGlobalLayer(config, layer);
    const normed = layer === 0 ? states : await norm(`${at}.attn_norm`, states);
    const project = async (part: "query" | "key" | "value", index: number): Promise<string> => {
      let projected = await blocks.linearRows(
        `${at}.attn.Wqkv.weight`,
        normed,
        hidden,
        3 * hidden,
        index * hidden,
        hidden,
        part,
      );
      if (config.attention_bias) {
        const bias = await context.weights.readFloat32(`${at}.attn.Wqkv.bias`, [3 * hidden]);
        const slice = bias.slice(index * hidden, (index + 1) * hidden);
        projected = graph.node("Add", [
          projected,
          graph.floatTensor(`${at}.attn.Wqkv.bias.${part}`, [hidden], slice),
        ]);
      }
      return blocks.splitHeads(projected, heads, headSize);
    };
    const rotary = rotaryFor(ropeTheta(config, global));
    const query = applyRotary(blocks, await project("query", 0), rotary, headSize);
    const key = applyRotary(blocks, await project("key", 1), rotary, headSize);
    const value = await project("value", 2);
    const keyTransposed = graph.node("Transpose", [key], { perm: [0, 1, 3, 2] });
    const attended = blocks.mergeHeads(
      blocks.scaledDotProduct(
        query,
        keyTransposed,
        value,
        headSize,
        global ? globalMask : localMask,
      ),
      hidden,
    );
    states = graph.node("Add", [
      states,
      await blocks.linear(`${at}.attn.Wo`, attended, hidden, hidden, config.attention_bias),
    ]);

    const mlpInput = await norm(`${at}.mlp_norm`, states);
    const wi = `${at}.mlp.Wi.weight`;
    let gateInput = await blocks.linearRows(
      wi,
      mlpInput,
      hidden,
      2 * intermediate,
      0,
      intermediate,
      "input",
    );
    let gate = await blocks.linearRows(
      wi,
      mlpInput,
      hidden,
      2 * intermediate,
      intermediate,
      intermediate,
      "gate",
    );
    if (config.mlp_bias) {
      const bias = await context.weights.readFloat32(`${at}.mlp.Wi.bias`, [2 * intermediate]);
      gateInput = graph.node("Add", [
        gateInput,
        graph.floatTensor(`${wi}.bias.input`, [intermediate], bias.slice(0, intermediate)),
      ]);
      gate = graph.node("Add", [
        gate,
        graph.floatTensor(`${wi}.bias.gate`, [intermediate], bias.slice(intermediate)),
      ]);
    }
    const gated = graph.node("Mul", [blocks.activation(config.hidden_activation, gateInput), gate]);
    states = graph.node("Add", [
      states,
      await blocks.linear(`${at}.mlp.Wo`, gated, intermediate, hidden, config.mlp_bias),
    ]);
  }
  states = await norm(`${prefix}final_norm`, states);

  if (context.task === "embedder") {
    blocks.output(states, "last_hidden_state", ["batch_size", "sequence_length", hidden]);
    return;
  }
  assertOneLabel(context.config, "modernbert");
  const pooled =
    config.classifier_pooling === "cls"
      ? blocks.token(states, 0)
      : blocks.meanPool(states, attentionMask);
  const dense = await blocks.linear("head.dense", pooled, hidden, hidden, config.classifier_bias);
  const headed = await norm("head.norm", blocks.activation(config.classifier_activation, dense));
  const logits = await blocks.linear("classifier", headed, hidden, 1);
  blocks.output(logits, "logits", ["batch_size", 1]);
}

function isGlobalLayer(config: ModernBertConfig, layer: number): boolean {
  const type = config.layer_types?.[layer];
  if (type !== undefined) return type === "full_attention";
  return layer % config.global_attn_every_n_layers === 0;
}

function ropeTheta(config: ModernBertConfig, global: boolean): number {
  const fromParameters = global
    ? config.rope_parameters?.full_attention?.rope_theta
    : config.rope_parameters?.sliding_attention?.rope_theta;
  if (fromParameters !== undefined) return fromParameters;
  return global ? config.global_rope_theta : (config.local_rope_theta ?? config.global_rope_theta);
}

/** 0 where |i − j| ≤ window / 2, maskedScore elsewhere: [1, 1, sequence, sequence]. */
function slidingWindowMask(blocks: GraphBlocks, length: string, window: number): string {
  const graph = blocks.graph;
  const positions = graph.node("Range", [blocks.int64([0], []), length, blocks.int64([1], [])]);
  const rows = graph.node("Unsqueeze", [positions, blocks.int64([1])]);
  const columns = graph.node("Unsqueeze", [positions, blocks.int64([0])]);
  const distance = graph.node("Abs", [graph.node("Sub", [rows, columns])]);
  const outside = graph.node("Greater", [distance, blocks.int64([Math.floor(window / 2)], [])]);
  const mask = graph.node("Where", [outside, blocks.scalar(maskedScore), blocks.scalar(0)]);
  return graph.node("Unsqueeze", [mask, blocks.int64([0, 1])]);
}

interface Rotary {
  readonly cos: string;
  readonly sin: string;
}

/**
 * cos/sin of position × inverse frequency for one rope base, tabulated up to the model's maximum
 * length and sliced to the input's: [sequence, headSize] (the two halves repeat, as rotate_half wants).
 */
function rotaryTables(
  blocks: GraphBlocks,
  theta: number,
  headSize: number,
  maxPositions: number,
  length: string,
): Rotary {
  const half = headSize / 2;
  const cos = new Float32Array(maxPositions * headSize);
  const sin = new Float32Array(maxPositions * headSize);
  for (let index = 0; index < half; index++) {
    // As transformers computes it: float32 inverse frequencies and products.
    const inverse = Math.fround(1 / Math.fround(theta ** Math.fround((2 * index) / headSize)));
    for (let position = 0; position < maxPositions; position++) {
      const angle = Math.fround(position * inverse);
      for (const offset of [index, index + half]) {
        cos[position * headSize + offset] = Math.cos(angle);
        sin[position * headSize + offset] = Math.sin(angle);
      }
    }
  }
  const graph = blocks.graph;
  const slice = (name: string, table: Float32Array): string =>
    graph.node("Slice", [
      graph.floatTensor(`rotary_${theta}_${name}`, [maxPositions, headSize], table),
      blocks.int64([0]),
      graph.node("Unsqueeze", [length, blocks.int64([0])]),
      blocks.int64([0]),
    ]);
  return { cos: slice("cos", cos), sin: slice("sin", sin) };
}

/** x·cos + rotate_half(x)·sin on [batch, heads, sequence, headSize]. */
function applyRotary(blocks: GraphBlocks, input: string, rotary: Rotary, headSize: number): string {
  const graph = blocks.graph;
  const half = headSize / 2;
  const first = graph.node("Slice", [
    input,
    blocks.int64([0]),
    blocks.int64([half]),
    blocks.int64([3]),
  ]);
  const second = graph.node("Slice", [
    input,
    blocks.int64([half]),
    blocks.int64([headSize]),
    blocks.int64([3]),
  ]);
  const rotated = graph.node("Concat", [graph.node("Neg", [second]), first], { axis: 3 });
  return graph.node("Add", [
    graph.node("Mul", [input, rotary.cos]),
    graph.node("Mul", [rotated, rotary.sin]),
  ]);
}
