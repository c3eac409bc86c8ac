import * as ort from "onnxruntime-node";
import { OnnxGraphBuilder } from "../../testing/onnx-graph-builder.ts";
import { decoderOpset } from "../families/decoder-stack.ts";
import type { GraphPrecision, ModelFamily, ModelTask, WeightSource } from "../model-family.ts";

export interface FamilySessionOptions {
  readonly family: ModelFamily;
  readonly config: Readonly<Record<string, unknown>>;
  readonly weights: WeightSource;
  readonly precision?: GraphPrecision;
  readonly task?: ModelTask;
  readonly tokenId?: (token: string) => number | undefined;
}

/** Builds a family's graph in memory and opens it on onnxruntime's CPU provider (tests only). */
export async function createFamilySession(options: FamilySessionOptions): Promise<{
  readonly session: ort.InferenceSession;
  readonly graph: Uint8Array;
}> {
  const graph = await buildFamilyGraph(options);
  const session = await ort.InferenceSession.create(graph, { executionProviders: ["cpu"] });
  return { session, graph };
}

/** The family's graph as ONNX bytes (one protobuf: under 2 GB of weights). */
export async function buildFamilyGraph(options: FamilySessionOptions): Promise<Uint8Array> {
  const precision = options.precision ?? "float32";
  const builder = new OnnxGraphBuilder({ weights: precision });
  await options.family.build({
    config: options.config,
    weights: options.weights,
    builder,
    precision,
    task: options.task ?? "cross-encoder",
    ...(options.tokenId === undefined ? {} : { tokenId: options.tokenId }),
  });
  return builder.encode(options.family.name, decoderOpset);
}

/** Right-pads rows with `padId` and returns the int64 feeds and the padded arrays. */
export function paddedFeeds(
  rows: readonly (readonly number[])[],
  padId = 0,
): {
  readonly feeds: Record<string, ort.Tensor>;
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
} {
  const width = Math.max(...rows.map((row) => row.length));
  const inputIds = rows.map((row) => [
    ...row,
    ...new Array<number>(width - row.length).fill(padId),
  ]);
  const attentionMask = rows.map((row) =>
    row.map(() => 1).concat(new Array<number>(width - row.length).fill(0)),
  );
  const tensor = (values: number[][]): ort.Tensor =>
    new ort.Tensor(
      "int64",
      BigInt64Array.from(values.flat(), (value) => BigInt(value)),
      [rows.length, width],
    );
  return {
    feeds: { input_ids: tensor(inputIds), attention_mask: tensor(attentionMask) },
    inputIds,
    attentionMask,
  };
}

/** The `logits` output as numbers, one per row. */
export async function runLogits(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
): Promise<number[]> {
  const output = await session.run(feeds);
  const logits = output.logits;
  if (logits === undefined) throw new Error("the graph has no logits output");
  return Array.from(logits.data as Float32Array);
}
