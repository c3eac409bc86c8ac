import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSampleFolder } from "@hybrid-rag/collection/testing";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// `hybrid-rag serve <dir>` as a user runs it: a child process on loopback, stopped by SIGTERM.
let workspace: string;
let collection: string;
let model: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-serve-"));
  model = join(workspace, "tiny-cross-encoder");
  await createTinyBertModel(join(workspace, "tiny-bi-encoder"), { kind: "bi-encoder" });
  await createTinyBertModel(model, { kind: "cross-encoder", layers: 1, hidden: 32, heads: 2 });
  const folder = join(workspace, "docs");
  await mkdir(folder);
  await writeSampleFolder(folder);
  collection = join(workspace, "collection");
  const io = captureIo();
  const code = await runCli(
    [
      "ingest",
      folder,
      "--into",
      collection,
      "--embedding-model",
      join(workspace, "tiny-bi-encoder"),
      "--no-progress",
    ],
    io,
  );
  expect(code).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function startServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, "bin.ts"), "serve", collection, ...args],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      const match = / on (http:\/\/\S+) /.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}

describe("hybrid-rag serve", () => {
  it("serves search on loopback with the reranker on a worker, and stops cleanly on SIGTERM", async () => {
    const { child, url } = await startServe([
      "--port",
      "0",
      "--reranker-model",
      model,
      "--execution-provider",
      "cpu",
    ]);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/v1/search`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "pelican northern jetty", top_k: 3 }),
      });
      expect(response.status).toBe(200);
      const { passages } = (await response.json()) as {
        passages: Array<{ source: string; provenance: { rerankScore: number | null } }>;
      };
      expect(passages).toHaveLength(3);
      for (const passage of passages) expect(passage.provenance.rerankScore).not.toBeNull();
      expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  }, 60_000);

  it("refuses --ingest without HYBRID_RAG_API_KEY before loading any model", async () => {
    const io = captureIo();
    const previous = process.env.HYBRID_RAG_API_KEY;
    delete process.env.HYBRID_RAG_API_KEY;
    try {
      expect(await runCli(["serve", collection, "--ingest"], io)).toBe(1);
    } finally {
      if (previous !== undefined) process.env.HYBRID_RAG_API_KEY = previous;
    }
    expect(io.err()).toMatch(/--ingest .*HYBRID_RAG_API_KEY/);
  });
});
