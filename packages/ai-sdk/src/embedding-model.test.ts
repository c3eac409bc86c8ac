import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOnnxEmbedder, type OnnxEmbedder } from "@hybrid-rag/embeddings";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "@hybrid-rag/embeddings-use";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { cosineSimilarity, embed, embedMany } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hybridRag } from "./hybrid-rag-provider.ts";

let root: string;
let onnx: OnnxEmbedder;
let useLite: UseLiteEmbedder;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ai-sdk-embed-"));
  await createTinyBertModel(root, { kind: "bi-encoder", layers: 1, hidden: 32, heads: 2, seed: 3 });
  onnx = await createOnnxEmbedder({
    model: root,
    executionProvider: "cpu",
    intraOpThreads: 1,
    prefixes: "e5",
  });
  useLite = await createUseLiteEmbedder();
}, 300_000);

afterAll(async () => {
  await onnx?.release();
  useLite?.release();
  await rm(root, { recursive: true, force: true });
});

describe("hybridRag.embedding with the AI SDK's embed() and embedMany()", () => {
  it("embeds a query exactly as the ONNX embedder does (its query prefix included)", async () => {
    const { embedding } = await embed({ model: hybridRag.embedding(onnx), value: "solar power" });
    const [expected] = await onnx.embedQueries(["solar power"]);
    expect(embedding).toEqual(Array.from(expected!));
    const [asPassage] = await onnx.embedPassages(["solar power"]);
    expect(embedding).not.toEqual(Array.from(asPassage!));
  });

  it("embeds passages in calls of at most maxEmbeddingsPerCall, in order", async () => {
    const values = Array.from({ length: 7 }, (_, index) => `passage number ${index} about tides`);
    const model = hybridRag.embedding(onnx, { inputType: "passage", maxEmbeddingsPerCall: 3 });
    const { embeddings } = await embedMany({ model, values });
    const expected = await onnx.embedPassages(values);
    expect(embeddings).toEqual(expected.map((vector) => Array.from(vector)));
  });

  it("refuses a dimension the model does not produce instead of returning another one", async () => {
    const model = hybridRag.embedding(onnx);
    await expect(model.doEmbed({ values: ["x"], dimensions: 8 })).rejects.toThrow(
      /32-dimensional.*dimensions 8/,
    );
  });

  it("with USE-lite (a real model): a paraphrase is nearer than an unrelated sentence", async () => {
    const model = hybridRag.embedding(useLite);
    const { embeddings } = await embedMany({
      model,
      values: ["How old are you?", "What is your age?", "The train leaves at noon."],
    });
    expect(embeddings[0]).toHaveLength(512);
    const paraphrase = cosineSimilarity(embeddings[0]!, embeddings[1]!);
    const unrelated = cosineSimilarity(embeddings[0]!, embeddings[2]!);
    expect(paraphrase).toBeGreaterThan(unrelated + 0.2);
    const [expected] = await useLite.embedQueries(["How old are you?"]);
    expect(embeddings[0]![0]).toBeCloseTo(expected![0]!, 6);
  });
});
