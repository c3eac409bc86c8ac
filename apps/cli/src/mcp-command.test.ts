import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSampleFolder } from "@hybrid-rag/collection/testing";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// `hybrid-rag mcp <dir>` as an agent runs it: a child process spoken to over stdio by the
// official SDK's client.
let workspace: string;
let collection: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-mcp-"));
  const model = join(workspace, "tiny-bi-encoder");
  await createTinyBertModel(model, { kind: "bi-encoder" });
  const folder = join(workspace, "docs");
  await mkdir(folder);
  await writeSampleFolder(folder);
  collection = join(workspace, "collection");
  const io = captureIo();
  const code = await runCli(
    ["ingest", folder, "--into", collection, "--embedding-model", model, "--no-progress"],
    io,
  );
  expect(io.err()).toBe("");
  expect(code).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag mcp", () => {
  it("serves the collection over stdio: tools/call search returns cited passages", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        join(import.meta.dirname, "bin.ts"),
        "mcp",
        collection,
        "--description",
        "three sample files",
      ],
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      const search = tools.find((tool) => tool.name === "search")!;
      expect(search.description).toContain("three sample files");
      const result = await client.callTool({
        name: "search",
        arguments: { query: "pelican northern jetty", top_k: 3 },
      });
      expect(result.isError).toBeFalsy();
      const { passages } = result.structuredContent as {
        passages: Array<{
          parentId: string;
          source: string;
          start: number;
          end: number;
          text: string;
        }>;
      };
      expect(passages).toHaveLength(3);
      for (const passage of passages) {
        expect(passage.source).toMatch(/\.(pdf|html|md)$/);
        expect(passage.end - passage.start).toBe(passage.text.length);
      }
      const { resources } = await client.listResources();
      expect(resources).toHaveLength(3);
    } finally {
      await client.close();
    }
    expect(stderr).toContain("on stdio");
  }, 60_000);

  it("refuses a non-loopback HTTP address without an API key", async () => {
    const io = captureIo();
    const code = await runCli(["mcp", collection, "--http", "--host", "0.0.0.0"], io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(/--host 0\.0\.0\.0 .*HYBRID_RAG_API_KEY/);
  });
});
