import { HybridRagError } from "@hybrid-rag/core";
import type { OnnxGraphBuilder } from "../../testing/onnx-graph-builder.ts";
import type { FamilyBuildContext } from "../model-family.ts";
import type { DecoderStack } from "./decoder-stack.ts";
import { optionalTensor, readFusedLinear } from "./linear-weights.ts";

/** How the token states become one vector, as NVIDIA's remote code names it (`pool_type`). */
export type Pooling = "avg" | "last" | "cls";

const poolings: readonly Pooling[] = ["avg", "last", "cls"];

/** config.json's `pooling` ("avg" when absent, as in NVIDIA's configs), validated. */
export function poolingFromConfig(
  config: Readonly<Record<string, unknown>>,
  fallback: Pooling,
  family: string,
): Pooling {
  const pooling = config.pooling ?? fallback;
  if (typeof pooling === "string" && (poolings as readonly string[]).includes(pooling)) {
    return pooling as Pooling;
  }
  throw new HybridRagError(
    "unsupported",
    `${family} config.json: pooling ${JSON.stringify(pooling)} is not supported; use one of ${poolings.join(", ")}.`,
  );
}

/**
 * NVIDIA's reranker head: the final hidden states pooled over non-pad tokens ("avg": their mean;
 * "last": the last non-pad token, right padding; "cls": the first), a linear `score` layer to
 * one logit, divided by config.json's `temperature` (1 in published configs). Writes the
 * `logits` output [batch, 1] float32.
 */
export async function buildPooledScoreHead(
  context: FamilyBuildContext,
  stack: DecoderStack,
  hidden: number,
  pooling: Pooling,
  family: string,
): Promise<void> {
  const { builder, config, weights } = context;
  const temperature = config.temperature ?? 1;
  if (typeof temperature !== "number" || !(temperature > 0)) {
    throw new HybridRagError(
      "invalid-argument",
      `${family} config.json: temperature must be a positive number, got ${JSON.stringify(config.temperature)}.`,
    );
  }
  const scoreInfo = weights.info("score.weight");
  if (scoreInfo !== undefined && scoreInfo.shape[0] !== 1) {
    throw new HybridRagError(
      "unsupported",
      `${family}: score.weight has shape [${scoreInfo.shape.join(", ")}]; a reranker has one label ([1, ${hidden}]).`,
    );
  }
  const pooled = poolTokens(builder, stack, pooling);
  const score = await readFusedLinear(weights, hidden, [
    { weight: "score.weight", bias: optionalTensor(weights, "score.bias"), outputs: 1 },
  ]);
  let logits = builder.node("MatMul", [
    pooled,
    builder.floatTensor("score.weight_t", [hidden, 1], score.matrix),
  ]);
  if (score.bias !== undefined) {
    logits = builder.node("Add", [logits, builder.floatTensor("score.bias", [1], score.bias)]);
  }
  if (temperature !== 1) {
    logits = builder.node("Div", [logits, builder.floatScalar("head.temperature", temperature)]);
  }
  builder.node("Cast", [logits], { to: floatType }, "logits");
  builder.output("logits", "float", ["batch_size", 1]);
}

const floatType = 1;

function poolTokens(builder: OnnxGraphBuilder, stack: DecoderStack, pooling: Pooling): string {
  const sequenceAxis = builder.int64Tensor("head.axis1", [1], [1]);
  if (pooling === "cls") {
    return builder.node(
      "Gather",
      [stack.hiddenStates, builder.int64Tensor("head.first", [], [0])],
      {
        axis: 1,
      },
    );
  }
  if (pooling === "last") return lastTokenStates(builder, stack.hiddenStates, stack.attentionMask);
  // The sum over thousands of tokens can overflow half precision (65,504) on providers with
  // fp16 reductions (CUDA): an fp16 graph averages in float32 and casts the mean back. No test
  // guards it: a CPU attempt (final states around ±600, 128 tokens) passed with and without it.
  const half = builder.weightTypeCode !== floatType;
  const states = half
    ? builder.node("Cast", [stack.hiddenStates], { to: floatType })
    : stack.hiddenStates;
  const mask = builder.node("Unsqueeze", [
    builder.node("Cast", [stack.attentionMask], { to: floatType }),
    builder.int64Tensor("head.axis2", [1], [2]),
  ]); // [batch, sequence, 1]
  const summed = builder.node("ReduceSum", [builder.node("Mul", [states, mask]), sequenceAxis], {
    keepdims: 0,
  });
  const counts = builder.node("ReduceSum", [mask, sequenceAxis], { keepdims: 0 }); // [batch, 1]
  const mean = builder.node("Div", [summed, counts]);
  return half ? builder.node("Cast", [mean], { to: builder.weightTypeCode }) : mean;
}

/** The hidden state of each row's last non-pad token (right padding): [batch, hidden]. */
export function lastTokenStates(
  builder: OnnxGraphBuilder,
  hiddenStates: string,
  attentionMask: string,
): string {
  const lengths = builder.node(
    "ReduceSum",
    [attentionMask, builder.int64Tensor("last.axis1", [1], [1])],
    { keepdims: 1 },
  ); // [batch, 1]
  const lastIndex = builder.node("Sub", [lengths, builder.int64Tensor("last.one", [], [1])]);
  return builder.node("GatherND", [hiddenStates, lastIndex], { batch_dims: 1 });
}
