import { z } from "zod";
import { assertOneLabel, basePrefix, parseFamilyConfig } from "../family-config.ts";
import { GraphBlocks } from "../graph-blocks.ts";
import type { FamilyBuildContext } from "../model-family.ts";

export const bertConfigSchema = z.looseObject({
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  hidden_act: z
    .enum(["gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu", "swish"])
    .default("gelu"),
  layer_norm_eps: z.number().positive().default(1e-12),
  max_position_embeddings: z.number().int().positive(),
  type_vocab_size: z.number().int().positive().default(2),
  pad_token_id: z.number().int().nonnegative().default(0),
  position_embedding_type: z.literal("absolute").default("absolute"),
});

/** How the BERT-shaped families differ. */
export interface BertVariant {
  readonly family: string;
  /** Prefixes the base model's tensors may carry, in checkpoints saved from a task model. */
  readonly prefixes: readonly string[];
  /** "absolute": 0…n−1; "roberta": padding_idx + 1 + cumulative count of non-padding tokens. */
  readonly positions: "absolute" | "roberta";
  /** Whether the graph takes token_type_ids (BERT) or adds token type 0 everywhere (RoBERTa). */
  readonly tokenTypeInput: boolean;
  /** "pooler": tanh(dense([CLS])) → classifier (BERT); "classification-head": dense → tanh → out_proj (RoBERTa). */
  readonly head: "pooler" | "classification-head";
}

/**
 * A BERT-shaped encoder (post-LayerNorm, learned absolute positions, exact GELU): embeddings
 * → LayerNorm → N × [self-attention → Add & LayerNorm → FFN → Add & LayerNorm], then the
 * sequence-classification head (cross-encoder, `logits`) or the hidden states (embedder).
 */
export async function buildBertShapedGraph(
  context: FamilyBuildContext,
  variant: BertVariant,
): Promise<void> {
  const config = parseFamilyConfig(bertConfigSchema, context.config, variant.family);
  const blocks = new GraphBlocks(context);
  const graph = blocks.graph;
  const hidden = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = hidden / heads;
  const epsilon = config.layer_norm_eps;
  const prefix = basePrefix(
    (name) => blocks.has(name),
    "embeddings.word_embeddings.weight",
    variant.prefixes,
  );
  const norm = (name: string, input: string): Promise<string> =>
    blocks.layerNorm(...layerNormNames(blocks, name), input, hidden, epsilon);

  const dims = ["batch_size", "sequence_length"];
  const inputIds = graph.input("input_ids", "int64", dims);
  const attentionMask = graph.input("attention_mask", "int64", dims);
  const tokenTypeIds = variant.tokenTypeInput
    ? graph.input("token_type_ids", "int64", dims)
    : undefined;

  const words = graph.node("Gather", [
    await blocks.weight(`${prefix}embeddings.word_embeddings.weight`, [config.vocab_size, hidden]),
    inputIds,
  ]);
  const positionTable = await blocks.weight(`${prefix}embeddings.position_embeddings.weight`, [
    config.max_position_embeddings,
    hidden,
  ]);
  const positions = graph.node("Gather", [
    positionTable,
    positionIds(blocks, inputIds, variant, config.pad_token_id),
  ]);
  const typeTable = await blocks.weight(`${prefix}embeddings.token_type_embeddings.weight`, [
    config.type_vocab_size,
    hidden,
  ]);
  const types = tokenTypeIds
    ? graph.node("Gather", [typeTable, tokenTypeIds])
    : graph.node("Gather", [typeTable, blocks.int64([0], [])]);
  const summed = graph.node("Add", [graph.node("Add", [words, positions]), types]);
  let states = await norm(`${prefix}embeddings.LayerNorm`, summed);

  const mask = blocks.paddingMask(attentionMask);
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const at = `${prefix}encoder.layer.${layer}`;
    const query = blocks.splitHeads(
      await blocks.linear(`${at}.attention.self.query`, states, hidden, hidden),
      heads,
      headSize,
    );
    const key = blocks.splitHeads(
      await blocks.linear(`${at}.attention.self.key`, states, hidden, hidden),
      heads,
      headSize,
      true,
    );
    const value = blocks.splitHeads(
      await blocks.linear(`${at}.attention.self.value`, states, hidden, hidden),
      heads,
      headSize,
    );
    const context_ = blocks.mergeHeads(
      blocks.scaledDotProduct(query, key, value, headSize, mask),
      hidden,
    );
    const attended = await blocks.linear(`${at}.attention.output.dense`, context_, hidden, hidden);
    const afterAttention = await norm(
      `${at}.attention.output.LayerNorm`,
      graph.node("Add", [attended, states]),
    );
    const expanded = await blocks.linear(
      `${at}.intermediate.dense`,
      afterAttention,
      hidden,
      config.intermediate_size,
    );
    const activated = blocks.activation(config.hidden_act, expanded);
    const contracted = await blocks.linear(
      `${at}.output.dense`,
      activated,
      config.intermediate_size,
      hidden,
    );
    states = await norm(`${at}.output.LayerNorm`, graph.node("Add", [contracted, afterAttention]));
  }

  if (context.task === "embedder") {
    blocks.output(states, "last_hidden_state", ["batch_size", "sequence_length", hidden]);
    return;
  }
  assertOneLabel(context.config, variant.family);
  const cls = blocks.token(states, 0);
  let logits: string;
  if (variant.head === "pooler") {
    const pooled = graph.node("Tanh", [
      await blocks.linear(`${prefix}pooler.dense`, cls, hidden, hidden),
    ]);
    logits = await blocks.linear("classifier", pooled, hidden, 1);
  } else {
    const dense = graph.node("Tanh", [
      await blocks.linear("classifier.dense", cls, hidden, hidden),
    ]);
    logits = await blocks.linear("classifier.out_proj", dense, hidden, 1);
  }
  blocks.output(logits, "logits", ["batch_size", 1]);
}

function positionIds(
  blocks: GraphBlocks,
  inputIds: string,
  variant: BertVariant,
  padId: number,
): string {
  const graph = blocks.graph;
  if (variant.positions === "absolute") {
    const length = graph.node("Gather", [graph.node("Shape", [inputIds]), blocks.int64([1], [])], {
      axis: 0,
    });
    return graph.node("Range", [blocks.int64([0], []), length, blocks.int64([1], [])]);
  }
  // transformers' create_position_ids_from_input_ids: padding tokens keep padding_idx.
  const notPadding = graph.node(
    "Cast",
    [graph.node("Not", [graph.node("Equal", [inputIds, blocks.int64([padId], [])])])],
    {
      to: 7,
    },
  );
  const counted = graph.node("Mul", [
    graph.node("CumSum", [notPadding, blocks.int64([1], [])]),
    notPadding,
  ]);
  return graph.node("Add", [counted, blocks.int64([padId], [])]);
}

/** LayerNorm weight and bias names: `weight`/`bias`, or TF-era `gamma`/`beta`. */
function layerNormNames(blocks: GraphBlocks, prefix: string): [string, string] {
  return blocks.has(`${prefix}.gamma`)
    ? [`${prefix}.gamma`, `${prefix}.beta`]
    : [`${prefix}.weight`, `${prefix}.bias`];
}
