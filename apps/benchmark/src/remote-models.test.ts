import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./main.ts";
import type { BenchmarkReport } from "./results.ts";
import { writeTinyBeir } from "./tiny-beir.ts";

// A loopback server speaking NVIDIA's reranking NIM API (POST /v1/ranking): the logit is the
// number of query words found in the passage, so the judged topic documents come first.
let server: Server;
let baseUrl = "";
let root = "";
const models = new Set<string>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hybrid-rag-bench-remote-"));
  await writeTinyBeir(join(root, "tiny"));
  server = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    if (request.method !== "POST" || request.url !== "/v1/ranking") {
      response.writeHead(404).end();
      return;
    }
    const parsed = JSON.parse(body) as {
      model: string;
      query: { text: string };
      passages: { text: string }[];
    };
    models.add(parsed.model);
    const words = parsed.query.text.toLowerCase().match(/\w+/g) ?? [];
    const rankings = parsed.passages
      .map((passage, index) => ({
        index,
        logit:
          words.filter((word) => passage.text.toLowerCase().includes(word)).length - index / 1000,
      }))
      .sort((left, right) => right.logit - left.logit);
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ rankings }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await rm(root, { recursive: true, force: true });
});

const quiet = { stdout: () => {}, stderr: () => {} };

describe("bench with a remote reranking endpoint", () => {
  it("reranks through the NIM API and records the endpoint, not the key", async () => {
    const out = join(root, "out");
    const args = [
      "--dataset",
      join(root, "tiny"),
      "--pipelines",
      "sparse+rerank",
      "--top-k",
      "10",
      "--out",
      out,
      "--no-progress",
    ];
    const code = await runCli(
      [...args, "--reranker-model", baseUrl, "--reranker-endpoint-model", "nvidia/rerank-test"],
      quiet,
    );
    expect(code).toBe(0);
    expect(models).toEqual(new Set(["nvidia/rerank-test"]));
    const report = JSON.parse(await readFile(join(out, "results.json"), "utf8")) as BenchmarkReport;
    expect(report.configurations[0]).toMatchObject({ status: "ok", metrics: { "recall@5": 1 } });
    expect(report.components.reranker).toEqual({
      status: "ok",
      configuration: { endpoint: baseUrl, api: "nim", model: "nvidia/rerank-test" },
    });
  });

  it("asks for what an endpoint cannot tell: model name and vector length", async () => {
    const errors: string[] = [];
    const io = { stdout: () => {}, stderr: (text: string) => errors.push(text) };
    const args = [
      "--dataset",
      join(root, "tiny"),
      "--pipelines",
      "dense+rerank",
      "--embedding-model",
      baseUrl,
      "--reranker-model",
      baseUrl,
    ];
    expect(await runCli(args, io)).toBe(2);
    expect(errors.join("")).toMatch(
      /--embedding-dimension <n>.*--embedding-endpoint-model <name>.*--reranker-endpoint-model <name>/,
    );
  });
});
