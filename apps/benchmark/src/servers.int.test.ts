import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./main.ts";
import type { BenchmarkReport } from "./results.ts";
import { writeTinyBeir } from "./tiny-beir.ts";

const elasticsearchUrl = process.env.ELASTICSEARCH_URL;
const qdrantUrl = process.env.QDRANT_URL;
const live = Boolean(elasticsearchUrl && qdrantUrl);
if (!live)
  console.warn("servers.int.test.ts skipped: set ELASTICSEARCH_URL and QDRANT_URL to run it.");

let root = "";
beforeAll(async () => {
  if (!live) return;
  root = await mkdtemp(join(tmpdir(), "hybrid-rag-bench-servers-"));
  await writeTinyBeir(join(root, "tiny"));
  await createTinyBertModel(join(root, "bi-encoder"), { kind: "bi-encoder" });
}, 60_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function metrics(extra: string[], out: string): Promise<BenchmarkReport> {
  const args = [
    "--dataset",
    join(root, "tiny"),
    "--pipelines",
    "sparse,dense",
    "--top-k",
    "10",
    "--embedding-model",
    join(root, "bi-encoder"),
    "--out",
    join(root, out),
    "--no-progress",
    ...extra,
  ];
  expect(await runCli(args, { stdout: () => {}, stderr: () => {} })).toBe(0);
  return JSON.parse(await readFile(join(root, out, "results.json"), "utf8")) as BenchmarkReport;
}

describe.skipIf(!live)("bench --backend servers (Elasticsearch + Qdrant)", () => {
  it("gives the embedded engines' figures", async () => {
    const embedded = await metrics([], "embedded");
    const servers = await metrics(
      [
        "--backend",
        "servers",
        "--elasticsearch-url",
        elasticsearchUrl!,
        "--qdrant-url",
        qdrantUrl!,
      ],
      "servers",
    );
    expect(servers.configurations.map((result) => result.status)).toEqual(["ok", "ok"]);
    for (const index of [0, 1]) {
      const [a, b] = [embedded.configurations[index], servers.configurations[index]];
      if (a?.status !== "ok" || b?.status !== "ok") throw new Error("a configuration did not run");
      expect(b.metrics["ndcg@10"]).toBeCloseTo(a.metrics["ndcg@10"] ?? NaN, 4);
    }
  }, 120_000);
});
