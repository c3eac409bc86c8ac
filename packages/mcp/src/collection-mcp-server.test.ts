import type { EmbeddedCollection } from "@hybrid-rag/collection";
import type { UseLiteEmbedder } from "@hybrid-rag/embeddings-use";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCollectionMcpServer, documentUri } from "./collection-mcp-server.ts";
import { createTestCollection, testDocuments } from "./mcp-test-collection.test.helper.ts";

// The SDK's own client against the server, over the SDK's in-memory transport.
let collection: EmbeddedCollection;
let embedder: UseLiteEmbedder;
let client: Client;

beforeAll(async () => {
  ({ collection, embedder } = await createTestCollection());
  const server = createCollectionMcpServer(collection, { maxTopK: 8, maxDocumentChars: 500 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
}, 300_000);

afterAll(async () => {
  await client?.close();
  embedder?.release();
});

interface Passage {
  id: string;
  parentId: string;
  source: string;
  start: number;
  end: number;
  text: string;
}

async function call(name: string, args: Record<string, unknown>) {
  return (await client.callTool({ name, arguments: args })) as {
    isError?: boolean;
    content: Array<{ type: string; text: string }>;
    structuredContent?: Record<string, unknown>;
  };
}

describe("hybrid-rag's MCP server", () => {
  it("lists search, get_passage and get_document, and the search description says what the collection holds", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "get_document",
      "get_passage",
      "search",
    ]);
    const search = tools.find((tool) => tool.name === "search")!;
    expect(search.description).toContain("3 documents");
    expect(search.description).toContain("Coast survey");
    expect(search.inputSchema.properties).toHaveProperty("query");
    expect(search.inputSchema.properties).toHaveProperty("top_k");
    expect(search.inputSchema.properties).toHaveProperty("filters");
    expect(search.inputSchema.required).toEqual(["query"]);
  });

  it("search returns cited passages whose offsets point into the document", async () => {
    const result = await call("search", { query: "pelican on the northern jetty", top_k: 3 });
    expect(result.isError).toBeFalsy();
    const { passages } = result.structuredContent as { passages: Passage[] };
    expect(passages.length).toBeGreaterThan(0);
    expect(passages.length).toBeLessThanOrEqual(3);
    const top = passages[0]!;
    expect(top).toMatchObject({ parentId: "coast.md", source: "notes/coast.md" });
    expect(testDocuments[0]!.text.slice(top.start, top.end)).toBe(top.text);
    expect(JSON.parse(result.content[0]!.text)).toEqual(result.structuredContent);
  });

  it("search applies filters", async () => {
    const result = await call("search", {
      query: "pelican",
      filters: { parentId: ["kitchen.md", "reports/chess #1.md"] },
    });
    const { passages } = result.structuredContent as { passages: Passage[] };
    expect(new Set(passages.map((passage) => passage.parentId))).toEqual(
      new Set(["kitchen.md", "reports/chess #1.md"]),
    );
  });

  it("refuses bad input through the schemas, naming the field", async () => {
    for (const [args, field] of [
      [{ query: "" }, "query"],
      [{ query: "x", top_k: 9 }, "top_k"],
      [{ query: "x", filters: { parentId: { near: 3 } } }, "filters"],
      [{ top_k: 2 }, "query"],
    ] as const) {
      const result = await call("search", args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(result.content[0]!.text).toContain(field);
    }
  });

  it("get_passage returns a passage by id; an unknown id is a not-found tool error", async () => {
    const { passages } = (await call("search", { query: "lemon cake" })).structuredContent as {
      passages: Passage[];
    };
    const kitchen = passages.find((passage) => passage.parentId === "kitchen.md")!;
    const result = await call("get_passage", { id: kitchen.id });
    expect(result.structuredContent).toMatchObject({
      id: kitchen.id,
      parentId: "kitchen.md",
      text: testDocuments[1]!.text,
      start: 0,
    });
    const missing = await call("get_passage", { id: "nope#0" });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]!.text).toMatch(/not-found: .*"nope#0"/);
  });

  it("get_document pages a long document by offset", async () => {
    const first = (await call("get_document", { id: "coast.md" })).structuredContent as {
      text: string;
      totalChars: number;
      nextOffset: number | null;
      chunks: unknown[];
    };
    expect(first.text).toHaveLength(500);
    expect(first.totalChars).toBe(testDocuments[0]!.text.length);
    let text = first.text;
    let next = first.nextOffset;
    while (next !== null) {
      const page = (await call("get_document", { id: "coast.md", offset: next }))
        .structuredContent as { text: string; nextOffset: number | null };
      text += page.text;
      next = page.nextOffset;
    }
    expect(text).toBe(testDocuments[0]!.text);
    expect(first.chunks.length).toBeGreaterThan(1);
  });

  it("lists every document as a resource and reads one, ids with / and # included", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.name).sort()).toEqual(
      testDocuments.map((document) => document.id).sort(),
    );
    const uri = documentUri("reports/chess #1.md");
    expect(resources.find((resource) => resource.name === "reports/chess #1.md")!.uri).toBe(uri);
    const read = await client.readResource({ uri });
    expect(read.contents[0]).toMatchObject({ uri, text: testDocuments[2]!.text });
  });
});
