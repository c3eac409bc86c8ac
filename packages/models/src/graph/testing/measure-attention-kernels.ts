import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { OnnxGraphBuilder } from "../../testing/onnx-graph-builder.ts";

// Which attention kernel the decoder graphs should use on the CPU, at Llama 3.2 1B's attention
// shape (32 query heads sharing 8 key/value heads of 64, batch 4 × 128 tokens, additive mask):
// the opset-23 Attention op (grouped-query heads natively), the same attention in plain ops
// (MatMul, Softmax, key/value heads expanded), and com.microsoft MultiHeadAttention (no
// grouped-query support: key/value heads expanded first). All three must agree; the times are
// medians of 7 interleaved runs.
//   ./toolchain node packages/models/src/graph/testing/measure-attention-kernels.ts
const batch = 4;
const length = 128;
const heads = 32;
const keyValueHeads = 8;
const headSize = 64;
type Kind = "Attention (opset 23)" | "plain ops" | "MultiHeadAttention (com.microsoft)";
const kinds: readonly Kind[] = [
  "Attention (opset 23)",
  "plain ops",
  "MultiHeadAttention (com.microsoft)",
];

function build(kind: Kind): Uint8Array {
  const graph = new OnnxGraphBuilder();
  graph.input("q", "float", [batch, length, heads * headSize]);
  graph.input("k", "float", [batch, length, keyValueHeads * headSize]);
  graph.input("v", "float", [batch, length, keyValueHeads * headSize]);
  graph.input("mask", "float", [batch, 1, length, length]);
  const split = (input: string, count: number, name: string): string =>
    graph.node(
      "Transpose",
      [
        graph.node("Reshape", [
          input,
          graph.int64Tensor(`${name}.shape`, [4], [0, 0, count, headSize]),
        ]),
      ],
      { perm: [0, 2, 1, 3] },
    );
  const expand = (input: string, name: string): string =>
    graph.node("Reshape", [
      graph.node("Expand", [
        graph.node("Unsqueeze", [input, graph.int64Tensor(`${name}.axis`, [1], [2])]),
        graph.int64Tensor(
          `${name}.to`,
          [5],
          [batch, keyValueHeads, heads / keyValueHeads, length, headSize],
        ),
      ]),
      graph.int64Tensor(`${name}.merged`, [4], [batch, heads, length, headSize]),
    ]);
  if (kind === "Attention (opset 23)") {
    graph.node(
      "Attention",
      ["q", "k", "v", "mask"],
      { q_num_heads: heads, kv_num_heads: keyValueHeads },
      "y",
    );
  } else if (kind === "plain ops") {
    const query = split("q", heads, "q");
    const key = expand(split("k", keyValueHeads, "k"), "ke");
    const value = expand(split("v", keyValueHeads, "v"), "ve");
    const scores = graph.node("Add", [
      graph.node("Mul", [
        graph.node("MatMul", [query, graph.node("Transpose", [key], { perm: [0, 1, 3, 2] })]),
        graph.floatScalar("scale", 1 / Math.sqrt(headSize)),
      ]),
      "mask",
    ]);
    const context = graph.node("MatMul", [graph.node("Softmax", [scores], { axis: -1 }), value]);
    graph.node(
      "Reshape",
      [
        graph.node("Transpose", [context], { perm: [0, 2, 1, 3] }),
        graph.int64Tensor("merged", [3], [0, 0, heads * headSize]),
      ],
      {},
      "y",
    );
  } else {
    const flat = (input: string, name: string): string =>
      graph.node("Reshape", [
        graph.node("Transpose", [expand(split(input, keyValueHeads, name), `${name}e`)], {
          perm: [0, 2, 1, 3],
        }),
        graph.int64Tensor(`${name}.flat`, [3], [0, 0, heads * headSize]),
      ]);
    graph.node(
      "MultiHeadAttention",
      ["q", flat("k", "k"), flat("v", "v"), "", "", "mask"],
      { num_heads: heads },
      "y",
    );
  }
  graph.output("y", "float", [batch, length, heads * headSize]);
  const bytes = graph.encode(kind, 23);
  if (kind !== "MultiHeadAttention (com.microsoft)") return bytes;
  // The builder writes default-domain nodes only: move this one to onnxruntime's domain.
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  for (const node of model.graph?.node ?? []) {
    if (node.opType === "MultiHeadAttention") node.domain = "com.microsoft";
  }
  model.opsetImport?.push({ domain: "com.microsoft", version: 1 });
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

const values = (count: number): Float32Array =>
  Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.37));
const feeds = {
  q: new ort.Tensor("float32", values(batch * length * heads * headSize), [
    batch,
    length,
    heads * headSize,
  ]),
  k: new ort.Tensor("float32", values(batch * length * keyValueHeads * headSize), [
    batch,
    length,
    keyValueHeads * headSize,
  ]),
  v: new ort.Tensor("float32", values(batch * length * keyValueHeads * headSize), [
    batch,
    length,
    keyValueHeads * headSize,
  ]),
  mask: new ort.Tensor("float32", new Float32Array(batch * length * length), [
    batch,
    1,
    length,
    length,
  ]),
};
const sessions = new Map<Kind, ort.InferenceSession>();
for (const kind of kinds) {
  sessions.set(kind, await ort.InferenceSession.create(build(kind), { intraOpNumThreads: 2 }));
}
const outputs = new Map<Kind, Float32Array>();
for (const [kind, session] of sessions)
  outputs.set(kind, (await session.run(feeds)).y?.data as Float32Array);
const baseline = outputs.get("plain ops") ?? new Float32Array();
const times = new Map<Kind, number[]>(kinds.map((kind) => [kind, []]));
for (let run = 0; run < 7; run++) {
  for (const [kind, session] of sessions) {
    const started = performance.now();
    await session.run(feeds);
    times.get(kind)?.push(performance.now() - started);
  }
}
for (const kind of kinds) {
  const output = outputs.get(kind) ?? new Float32Array();
  const difference = output.reduce(
    (max, value, index) => Math.max(max, Math.abs(value - (baseline[index] ?? 0))),
    0,
  );
  const sorted = (times.get(kind) ?? []).sort((a, b) => a - b);
  console.log(
    `${kind.padEnd(36)} median ${sorted[3]?.toFixed(1)} ms, min ${sorted[0]?.toFixed(1)} ms, max |Δ| vs plain ops ${difference}`,
  );
}
