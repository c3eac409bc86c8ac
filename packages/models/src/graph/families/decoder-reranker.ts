import { HybridRagError } from "@hybrid-rag/core";
import type { FamilyBuildContext } from "../model-family.ts";
import { parseDecoderArchitecture } from "./decoder-config.ts";
import { buildDecoderStack, type DecoderStackOptions } from "./decoder-stack.ts";
import { buildPooledScoreHead, type Pooling } from "./pooled-score-head.ts";

/**
 * A decoder with a pooled `score` head (cross-encoder), or its final hidden states (embedder).
 * Shared by llama-bidirectional and mistral: the blocks are the same, the recipes differ in
 * attention and pooling.
 */
export async function buildDecoderReranker(
  context: FamilyBuildContext,
  family: string,
  recipe: { readonly attention: DecoderStackOptions["attention"]; readonly pooling: Pooling },
): Promise<void> {
  const architecture = parseDecoderArchitecture(context.config, family);
  const stack = await buildDecoderStack(context, architecture, {
    attention: recipe.attention,
    queryKeyNorm: false,
    // *ForSequenceClassification checkpoints nest the decoder under `model.`; a bare model
    // (AutoModel, e.g. LlamaBidirectionalModel) saves it at the top level.
    prefix: context.weights.info("embed_tokens.weight") === undefined ? "model." : "",
  });
  if (context.task === "cross-encoder") {
    await buildPooledScoreHead(context, stack, architecture.hidden, recipe.pooling, family);
    return;
  }
  if (context.task !== "embedder") {
    throw new HybridRagError(
      "invalid-argument",
      `${family}: unknown task ${String(context.task)}.`,
    );
  }
  const { builder } = context;
  builder.node("Cast", [stack.hiddenStates], { to: 1 }, "last_hidden_state");
  builder.output("last_hidden_state", "float", [
    "batch_size",
    "sequence_length",
    architecture.hidden,
  ]);
}
