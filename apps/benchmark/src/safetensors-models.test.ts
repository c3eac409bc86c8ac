import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createDecoderRerankerDirectory,
  createSafetensorsModel,
  type DecoderRerankerFamilyName,
  type EncoderFamilyName,
} from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, runCli } from "./main.ts";
import type { BenchmarkReport } from "./results.ts";
import { writeTinyBeir } from "./tiny-beir.ts";

// `pnpm bench --reranker-model <dir> --embedding-model <dir>` with directories as
// save_pretrained() leaves them: safetensors weights, no ONNX file.

let root = "";
let dataset = "";
let embedder = "";
const previousCache = process.env.HYBRID_RAG_CACHE_DIR;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "bench-safetensors-"));
  process.env.HYBRID_RAG_CACHE_DIR = join(root, "cache");
  dataset = join(root, "tiny");
  await writeTinyBeir(dataset);
  embedder = join(root, "embedder");
  await createSafetensorsModel(embedder, { family: "bert", task: "embedder", pooling: "cls" });
}, 60_000);

afterAll(async () => {
  if (previousCache === undefined) delete process.env.HYBRID_RAG_CACHE_DIR;
  else process.env.HYBRID_RAG_CACHE_DIR = previousCache;
  await rm(root, { recursive: true, force: true });
});

const encoderFamilies: readonly string[] = ["bert", "xlm-roberta", "modernbert"];
const families = [...encoderFamilies, "llama-bidirectional", "mistral", "qwen3-reranker"];

describe("bench CLI on safetensors directories", () => {
  it.each(families)(
    "%s reranker (and a BERT embedder): every configuration runs",
    { timeout: 120_000 },
    async (family) => {
      const reranker = join(root, family);
      if (encoderFamilies.includes(family)) {
        await createSafetensorsModel(reranker, {
          family: family as EncoderFamilyName,
          task: "cross-encoder",
        });
      } else {
        await createDecoderRerankerDirectory(reranker, family as DecoderRerankerFamilyName);
      }
      expect((await readdir(reranker)).some((file) => file.endsWith(".onnx"))).toBe(false);
      const out = join(root, `out-${family}`);
      const stdout: string[] = [];
      const stderr: string[] = [];
      const io: CliIo = {
        stdout: (text) => stdout.push(text),
        stderr: (text) => stderr.push(text),
      };
      const code = await runCli(
        [
          "--dataset",
          dataset,
          "--top-k",
          "10",
          "--out",
          out,
          "--no-progress",
          "--execution-provider",
          "cpu",
          "--pipelines",
          "sparse+rerank,dense,dense+sparse+rerank",
          "--reranker-model",
          reranker,
          "--embedding-model",
          embedder,
        ],
        io,
      );
      expect(code, stderr.join("")).toBe(0);
      const report = JSON.parse(
        await readFile(join(out, "results.json"), "utf8"),
      ) as BenchmarkReport;
      expect(report.configurations.map((result) => [result.name, result.status])).toEqual([
        ["sparse+rerank", "ok"],
        ["dense", "ok"],
        ["dense+sparse+rerank", "ok"],
      ]);
      // model.onnx of a built graph holds no weights: the report pins them by the cache's content key.
      expect(report.components.reranker).toMatchObject({
        status: "ok",
        configuration: {
          builtGraph: {
            family,
            task: "cross-encoder",
            contentKey: expect.stringMatching(/^[0-9a-f]{32}$/),
          },
        },
      });
      expect(stdout.join("")).toMatch(/\| Sparse \+ Reranking \| \d\.\d{4} \|/);
    },
  );
});
