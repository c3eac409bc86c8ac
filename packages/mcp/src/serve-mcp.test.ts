import { request } from "node:http";
import type { EmbeddedCollection } from "@hybrid-rag/collection";
import type { UseLiteEmbedder } from "@hybrid-rag/embeddings-use";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCollectionMcpServer } from "./collection-mcp-server.ts";
import { createTestCollection } from "./mcp-test-collection.test.helper.ts";
import { type McpHttpServer, serveMcpOverHttp } from "./serve-mcp.ts";

let collection: EmbeddedCollection;
let embedder: UseLiteEmbedder;
let open: McpHttpServer;
let locked: McpHttpServer;
const apiKey = "a-test-key-of-24-chars!!";

beforeAll(async () => {
  ({ collection, embedder } = await createTestCollection());
  open = await serveMcpOverHttp(() => createCollectionMcpServer(collection));
  locked = await serveMcpOverHttp(() => createCollectionMcpServer(collection), { apiKey });
}, 300_000);

afterAll(async () => {
  await open?.close();
  await locked?.close();
  embedder?.release();
});

async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
  );
  return client;
}

function raw(url: string, headers: Record<string, string>, body = "{}") {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const target = new URL(url);
    const outgoing = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers },
      (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

describe("MCP over streamable HTTP", () => {
  it("listens on loopback and answers the SDK's client: tools/call search", async () => {
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connect(open.url);
    try {
      const result = await client.callTool({
        name: "search",
        arguments: { query: "lemon cake", top_k: 2 },
      });
      const { passages } = result.structuredContent as { passages: Array<{ parentId: string }> };
      expect(passages[0]!.parentId).toBe("kitchen.md");
    } finally {
      await client.close();
    }
  });

  it("needs the API key when one is set, checked before the body", async () => {
    await expect(connect(locked.url)).rejects.toThrow(/401|API key/);
    await expect(
      connect(locked.url, { authorization: "Bearer wrong-key-wrong-key-wrong" }),
    ).rejects.toThrow();
    const client = await connect(locked.url, { authorization: `Bearer ${apiKey}` });
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(3);
    await client.close();
  });

  it("refuses a Host header that is not loopback (DNS rebinding) and unknown paths", async () => {
    const headers = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    const rebound = await raw(open.url, { ...headers, host: "evil.example:80" });
    expect(rebound.status).toBe(403);
    const elsewhere = await raw(open.url.replace("/mcp", "/other"), headers);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toContain("/mcp");
  });

  it("refuses a short API key", async () => {
    await expect(
      serveMcpOverHttp(() => createCollectionMcpServer(collection), { apiKey: "short" }),
    ).rejects.toThrow(/5 characters.*16/);
  });
});
