import { HybridRagError } from "@hybrid-rag/core";
import type { FamilyBuildContext, ModelFamily } from "../model-family.ts";
import { configNames, parseDecoderArchitecture } from "./decoder-config.ts";
import { buildDecoderStack, decoderOpset } from "./decoder-stack.ts";
import { pairFormatFromConfig } from "./pair-template.ts";
import { lastTokenStates } from "./pooled-score-head.ts";

// Qwen3-Reranker (0.6B / 4B / 8B) is published as a plain Qwen3ForCausalLM: the reranking is
// in the prompt. Its model card asks the model whether the document meets the query's
// requirements, answering "yes" or "no", and scores P(yes) = softmax(logit_yes, logit_no)[0]
// at the last token. We output logit(yes) − logit(no): the same order (P(yes) is its
// sigmoid) as one raw logit, like every cross-encoder here. Any Qwen3ForCausalLM directory is
// scored this way: a chat model asked the same question is a (weaker) zero-shot reranker.

// Truncation: the model card truncates the instruction/query/document part and keeps the
// closing `<|im_end|>` and assistant turn whole; whoever applies this template must cut inside
// {query}/{passage}, never the text after {passage}, or the last token is not the answer slot.

/** The model card's default instruction. */
export const qwen3DefaultInstruction =
  "Given a web search query, retrieve relevant passages that answer the query";

const systemPrompt =
  'Judge whether the Document meets the requirements based on the Query and the Instruct provided. Note that the answer can only be "yes" or "no".';

/** The model card's prompt: system turn, the user turn with instruction/query/document, and an
 * assistant turn opened with an empty thinking block. */
export const qwen3RerankerPairTemplate =
  `<|im_start|>system\n${systemPrompt}<|im_end|>\n<|im_start|>user\n` +
  `<Instruct>: ${qwen3DefaultInstruction}\n<Query>: {query}\n<Document>: {passage}` +
  "<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n";

export const qwen3RerankerFamily: ModelFamily = {
  name: "qwen3-reranker",
  tasks: ["cross-encoder"],
  opset: decoderOpset,
  matches: (config) => configNames(config).architectures.includes("Qwen3ForCausalLM"),
  build: buildQwen3Reranker,
  pairInputFormat: (config) =>
    pairFormatFromConfig(config, qwen3RerankerPairTemplate, "qwen3-reranker"),
};

async function buildQwen3Reranker(context: FamilyBuildContext): Promise<void> {
  if (context.task !== "cross-encoder") {
    throw new HybridRagError(
      "unsupported",
      `qwen3-reranker scores (query, passage) pairs; it cannot be used as an embedder (task ${context.task}).`,
    );
  }
  const yes = answerToken(context, "yes");
  const no = answerToken(context, "no");
  const architecture = parseDecoderArchitecture(context.config, "qwen3-reranker");
  const stack = await buildDecoderStack(context, architecture, {
    attention: "causal",
    queryKeyNorm: true,
    prefix: "model.",
  });
  const { builder, weights } = context;
  const { hidden, vocabularySize } = architecture;
  const headName =
    architecture.tieWordEmbeddings || weights.info("lm_head.weight") === undefined
      ? "model.embed_tokens.weight"
      : "lm_head.weight";
  // Only the two answer rows of the LM head: [hidden, 2] instead of [hidden, vocabulary].
  const head = await weights.readFloat32(headName, [vocabularySize, hidden]);
  const answers = new Float32Array(hidden * 2);
  for (let i = 0; i < hidden; i++) {
    answers[i * 2] = head[yes * hidden + i] ?? 0;
    answers[i * 2 + 1] = head[no * hidden + i] ?? 0;
  }
  const last = lastTokenStates(builder, stack.hiddenStates, stack.attentionMask);
  const answerLogits = builder.node("MatMul", [
    last,
    builder.floatTensor("answers.weight_t", [hidden, 2], answers),
  ]); // [batch, 2]: logit(yes), logit(no)
  const difference = builder.node("MatMul", [
    answerLogits,
    builder.floatTensor("answers.yes_minus_no", [2, 1], new Float32Array([1, -1])),
  ]);
  builder.node("Cast", [difference], { to: 1 }, "logits");
  builder.output("logits", "float", ["batch_size", 1]);
}

function answerToken(context: FamilyBuildContext, token: string): number {
  const id = context.tokenId?.(token);
  if (id === undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `qwen3-reranker: the token ${JSON.stringify(token)} is not in the directory's tokenizer.json (or no tokenizer was given); the yes/no recipe needs Qwen3's tokenizer.`,
    );
  }
  return id;
}
