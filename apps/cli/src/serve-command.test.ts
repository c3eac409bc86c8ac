import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { hostname, tmpdir } from "node:os";
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

describe("hybrid-rag search through a running serve (no cold start)", () => {
  const searchJson = async (...args: string[]) => {
    const io = captureIo();
    const code = await runCli(
      ["search", collection, "pelican northern jetty", "--json", "--top-k", "5", ...args],
      io,
    );
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    return JSON.parse(io.out()) as {
      hits: { id: string; score: number; sources: unknown }[];
      server?: string;
    };
  };
  // The serve's API sends each retriever's rank and score, not the fusion's contribution.
  const ranking = (answer: Awaited<ReturnType<typeof searchJson>>) =>
    answer.hits.map(({ id, score, sources }) => ({
      id,
      score,
      sources: Object.entries(
        sources as Record<string, { status: string; rank?: number; score?: number }>,
      ).map(([name, { status, rank, score }]) => ({ name, status, rank, score })),
    }));

  it("finds the serve by its serve.json, answers as opening the collection does, and forgets it when the serve stops", async () => {
    const direct = await searchJson();
    expect(direct.server).toBeUndefined();
    const { child, url } = await startServe(["--port", "0", "--execution-provider", "cpu"]);
    try {
      const record = JSON.parse(await readFile(join(collection, "serve.json"), "utf8"));
      expect(record).toMatchObject({
        url,
        pid: child.pid,
        version: 1,
        reranker: "none",
        needsKey: false,
      });
      const found = await searchJson();
      expect(found.server).toBe(url);
      expect(ranking(found)).toEqual(ranking(direct));
      const named = await searchJson("--server", url);
      expect(named.server).toBe(url);
      expect(ranking(named)).toEqual(ranking(direct));
      expect((await searchJson("--no-server")).server).toBeUndefined();
      // Other settings than the serve's: opened here, or refused with --server.
      expect((await searchJson("--fusion", "dbsf")).server).toBeUndefined();
      const io = captureIo();
      expect(
        await runCli(["search", collection, "jetty", "--server", url, "--fusion", "dbsf"], io),
      ).toBe(1);
      expect(io.err()).toMatch(/--server .* leave out --fusion/);
    } finally {
      child.kill("SIGTERM");
    }
    await once(child, "exit");
    await expect(readFile(join(collection, "serve.json"), "utf8")).rejects.toThrow(/ENOENT/);
    expect((await searchJson()).server).toBeUndefined();
  }, 60_000);

  it("ignores a serve.json left by a process that is gone, and says when --server does not answer", async () => {
    const closed = await closedPort();
    await writeFile(
      join(collection, "serve.json"),
      JSON.stringify({
        url: `http://127.0.0.1:${closed}`,
        pid: 2 ** 22 + 17,
        host: hostname(),
        version: 1,
        reranker: "none",
        maxTopK: 100,
        maxCandidates: 1000,
        needsKey: false,
        startedAt: new Date().toISOString(),
      }),
    );
    try {
      expect((await searchJson()).server).toBeUndefined();
    } finally {
      await rm(join(collection, "serve.json"));
    }
    const io = captureIo();
    expect(
      await runCli(["search", collection, "jetty", "--server", `http://127.0.0.1:${closed}`], io),
    ).toBe(1);
    expect(io.err()).toMatch(
      new RegExp(
        `unavailable: No hybrid-rag serve answers at http://127.0.0.1:${closed} \\(ECONNREFUSED\\)`,
      ),
    );
  });
});

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}
