import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedCollection, type EmbeddedCollection } from "@hybrid-rag/collection";
import { createOnnxEmbedder, type OnnxEmbedder } from "@hybrid-rag/embeddings";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "@hybrid-rag/embeddings-use";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { type CrossEncoderReranker, createCrossEncoderReranker } from "@hybrid-rag/reranker";
import { Document } from "@langchain/core/documents";
import { RunnableLambda } from "@langchain/core/runnables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HybridRagDocumentCompressor } from "./hybrid-rag-document-compressor.ts";
import { HybridRagEmbeddings } from "./hybrid-rag-embeddings.ts";
import { HybridRagRetriever } from "./hybrid-rag-retriever.ts";

// The real @langchain/core classes over a USE-lite collection (a real 512-d model from npm) and
// generated tiny ONNX models (the real BERT vocabulary).
let root: string;
let useLite: UseLiteEmbedder;
let onnx: OnnxEmbedder;
let reranker: CrossEncoderReranker;
let collection: EmbeddedCollection;

const documents = [
  {
    id: "coast.md",
    source: "notes/coast.md",
    title: "Coast survey",
    text: `${"The harbour notes repeat themselves. ".repeat(40)}One solitary pelican stood on the northern jetty all winter.`,
  },
  {
    id: "kitchen.md",
    source: "notes/kitchen.md",
    text: "Lemon cake needs three eggs and a cup of sugar.",
  },
  { id: "chess.md", source: "notes/chess.md", text: "The Sicilian defence answers e4 with c5." },
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "langchain-"));
  await createTinyBertModel(join(root, "cross"), {
    kind: "cross-encoder",
    layers: 1,
    hidden: 32,
    heads: 2,
    seed: 9,
  });
  await createTinyBertModel(join(root, "bi"), {
    kind: "bi-encoder",
    layers: 1,
    hidden: 32,
    heads: 2,
    seed: 8,
  });
  const cpu = { executionProvider: "cpu", intraOpThreads: 1 } as const;
  reranker = await createCrossEncoderReranker({ model: join(root, "cross"), ...cpu });
  onnx = await createOnnxEmbedder({ model: join(root, "bi"), ...cpu, prefixes: "e5" });
  useLite = await createUseLiteEmbedder();
  collection = createEmbeddedCollection({
    embedder: useLite,
    chunking: { maxTokens: 64, overlapTokens: 8 },
  });
  await collection.ingest(documents as never);
}, 300_000);

afterAll(async () => {
  await reranker?.crossEncoder.release();
  await onnx?.release();
  useLite?.release();
  await rm(root, { recursive: true, force: true });
});

describe("HybridRagRetriever", () => {
  it("invoke returns Documents with the passage, the chunk id and its citation in metadata", async () => {
    const retriever = new HybridRagRetriever({ source: collection, topK: 2 });
    const found = await retriever.invoke("pelican on the northern jetty");
    expect(found).toHaveLength(2);
    for (const document of found) expect(document).toBeInstanceOf(Document);
    const top = found[0]!;
    expect(top.metadata).toMatchObject({
      parentId: "coast.md",
      source: "notes/coast.md",
      title: "Coast survey",
      rank: 1,
    });
    expect(top.id).toBe(top.metadata.id);
    expect(top.pageContent).toContain("pelican");
    expect(documents[0]!.text.slice(top.metadata.start!, top.metadata.end!)).toBe(top.pageContent);
    expect(top.metadata.provenance.retrievers).toHaveProperty("bm25");
    expect(top.metadata.provenance.retrievers).toHaveProperty("dense");
  });

  it("runs as a Runnable: batch, pipe, and a filter", async () => {
    const retriever = new HybridRagRetriever({
      source: collection,
      topK: 3,
      filter: { parentId: "kitchen.md" },
    });
    const [cake, chess] = await retriever.batch(["lemon cake", "Sicilian defence"]);
    expect(cake!.map((document) => document.metadata.parentId)).toEqual(["kitchen.md"]);
    expect(chess!.every((document) => document.metadata.parentId === "kitchen.md")).toBe(true);
    const chain = retriever.pipe(
      RunnableLambda.from((found: Document[]) =>
        found.map((document) => document.metadata.source).join(","),
      ),
    );
    expect(await chain.invoke("eggs")).toBe("notes/kitchen.md");
  });

  it("refuses a bad topK with the value", () => {
    expect(() => new HybridRagRetriever({ source: collection, topK: 0 })).toThrow(/got 0/);
  });
});

describe("HybridRagDocumentCompressor", () => {
  it("reorders by the cross-encoder's own scores, keeps topN and every document's metadata", async () => {
    const query = "what pulls the tides";
    const input = [
      new Document({ pageContent: "the moon pulls the tides", metadata: { n: 0 } }),
      new Document({ pageContent: "lemon cake", metadata: { n: 1 }, id: "cake" }),
      new Document({ pageContent: "the moon pulls the tides", metadata: { n: 2 } }),
      new Document({ pageContent: "chess openings", metadata: { n: 3 } }),
    ];
    const compressor = new HybridRagDocumentCompressor({ reranker, topN: 3 });
    const output = await compressor.compressDocuments(input, query);
    const logits = await reranker.crossEncoder.scorePairs(
      query,
      input.map((document) => document.pageContent),
    );
    const expected = Array.from(logits, (score, n) => ({ score, n }))
      .sort((a, b) => b.score - a.score || a.n - b.n)
      .slice(0, 3);
    expect(output.map((document) => document.metadata.n)).toEqual(expected.map((entry) => entry.n));
    expect(output.map((document) => document.metadata.relevanceScore)).toEqual(
      expected.map((entry) => entry.score),
    );
    const all = await new HybridRagDocumentCompressor({ reranker }).compressDocuments(input, query);
    expect(all).toHaveLength(4);
    expect(all.find((document) => document.metadata.n === 1)!.id).toBe("cake");
    expect(await compressor.compressDocuments([], query)).toEqual([]);
  });
});

describe("HybridRagEmbeddings", () => {
  it("embeds queries and documents as the ONNX embedder's query and passage sides", async () => {
    const embeddings = new HybridRagEmbeddings({ embedder: onnx });
    const query = await embeddings.embedQuery("solar power");
    expect(query).toEqual(Array.from((await onnx.embedQueries(["solar power"]))[0]!));
    const passages = await embeddings.embedDocuments(["solar power", "wind"]);
    expect(passages).toHaveLength(2);
    expect(passages[0]).toEqual(Array.from((await onnx.embedPassages(["solar power"]))[0]!));
    expect(passages[0]).not.toEqual(query); // the e5 prefixes differ
  });

  it("with USE-lite: number arrays of 512, a paraphrase nearer than an unrelated sentence", async () => {
    const embeddings = new HybridRagEmbeddings({ embedder: useLite });
    const [a, b, c] = await embeddings.embedDocuments([
      "How old are you?",
      "What is your age?",
      "The train leaves at noon.",
    ]);
    expect(a).toHaveLength(512);
    expect(typeof a![0]).toBe("number");
    const dot = (x: number[], y: number[]) =>
      x.reduce((sum, value, index) => sum + value * y[index]!, 0);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.2);
  });
});
