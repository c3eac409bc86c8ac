import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedCollection, type EmbeddedCollection } from "@hybrid-rag/collection";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "@hybrid-rag/embeddings-use";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { type CrossEncoderReranker, createCrossEncoderReranker } from "@hybrid-rag/reranker";
import { MetadataMode, NodeRelationship, TextNode } from "@llamaindex/core/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HybridRagReranker } from "./hybrid-rag-node-postprocessor.ts";
import { HybridRagRetriever } from "./hybrid-rag-retriever.ts";

// The real @llamaindex/core classes over a USE-lite collection (a real model) and a generated
// tiny cross-encoder.
let root: string;
let embedder: UseLiteEmbedder;
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
  root = await mkdtemp(join(tmpdir(), "llamaindex-"));
  await createTinyBertModel(root, {
    kind: "cross-encoder",
    layers: 1,
    hidden: 32,
    heads: 2,
    seed: 7,
  });
  reranker = await createCrossEncoderReranker({
    model: root,
    executionProvider: "cpu",
    intraOpThreads: 1,
  });
  embedder = await createUseLiteEmbedder();
  collection = createEmbeddedCollection({
    embedder,
    chunking: { maxTokens: 64, overlapTokens: 8 },
  });
  await collection.ingest(documents as never);
}, 300_000);

afterAll(async () => {
  await reranker?.crossEncoder.release();
  embedder?.release();
  await rm(root, { recursive: true, force: true });
});

describe("HybridRagRetriever (LlamaIndex.TS)", () => {
  it("retrieve returns TextNodes with offsets, citation metadata and the source document", async () => {
    const retriever = new HybridRagRetriever({ source: collection, topK: 2 });
    const found = await retriever.retrieve("pelican on the northern jetty");
    expect(found).toHaveLength(2);
    const { node, score } = found[0]!;
    expect(node).toBeInstanceOf(TextNode);
    const text = node as TextNode;
    expect(text.metadata).toMatchObject({
      parentId: "coast.md",
      source: "notes/coast.md",
      title: "Coast survey",
    });
    expect(score).toBe(text.metadata.score);
    expect(documents[0]!.text.slice(text.startCharIdx, text.endCharIdx)).toBe(text.text);
    expect(text.relationships[NodeRelationship.SOURCE]).toMatchObject({ nodeId: "coast.md" });
    expect(text.id_).toBe(text.metadata.id);
    // What an LLM sees: source and title, not the provenance numbers.
    const forLlm = text.getContent(MetadataMode.LLM);
    expect(forLlm).toContain("notes/coast.md");
    expect(forLlm).not.toContain("provenance");
  });

  it("accepts a query bundle and applies its filter", async () => {
    const retriever = new HybridRagRetriever({
      source: collection,
      topK: 3,
      filter: { parentId: "kitchen.md" },
    });
    const found = await retriever.retrieve({ query: "pelican" });
    expect(found.map(({ node }) => (node as TextNode).metadata.parentId)).toEqual(["kitchen.md"]);
  });
});

describe("HybridRagReranker (node postprocessor)", () => {
  it("reorders nodes by the cross-encoder's own scores and keeps topN", async () => {
    const query = "what pulls the tides";
    const texts = [
      "the moon pulls the tides",
      "lemon cake",
      "chess openings",
      "tides and the moon",
    ];
    const nodes = texts.map((text, index) => ({
      node: new TextNode({ id_: `n${index}`, text }),
      score: 0,
    }));
    const output = await new HybridRagReranker({ reranker, topN: 2 }).postprocessNodes(
      nodes,
      query,
    );
    const logits = await reranker.crossEncoder.scorePairs(query, texts);
    const expected = Array.from(logits, (score, index) => ({ score, index }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, 2);
    expect(output.map((entry) => entry.node.id_)).toEqual(
      expected.map((entry) => `n${entry.index}`),
    );
    expect(output.map((entry) => entry.score)).toEqual(expected.map((entry) => entry.score));
  });

  it("needs the query", async () => {
    await expect(new HybridRagReranker({ reranker }).postprocessNodes([])).rejects.toThrow(/query/);
  });
});
