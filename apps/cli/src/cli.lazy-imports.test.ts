import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deepFacts, writeSampleFolder } from "@hybrid-rag/collection/testing";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Each command runs as a user runs it (a fresh `node bin.ts …`), with a resolve hook that
// records every package the process loads: a command must not load what it does not use.
const bin = join(import.meta.dirname, "bin.ts");
const recorder = join(import.meta.dirname, "loaded-packages.test.helper.ts");

/** Packages of models, ONNX, TensorFlow.js, images and PDF rendering: only a model search needs any. */
const modelPackages = [
  "@hybrid-rag/models",
  "@hybrid-rag/embeddings",
  "@hybrid-rag/embeddings-use",
  "@hybrid-rag/reranker",
  "onnxruntime-node",
  "onnxruntime-common",
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-backend-wasm",
  "@tensorflow-models/universal-sentence-encoder",
  "sharp",
  "@napi-rs/canvas",
  "unpdf/pdfjs",
];
/** Server packages: only `serve` and `mcp` need them. */
const serverPackages = ["fastify", "prom-client", "@modelcontextprotocol/sdk", "@hybrid-rag/mcp"];
/** What opening a collection needs: a search answered by a serve loads none of it. */
const retrievalPackages = [
  "@hybrid-rag/bm25",
  "@hybrid-rag/vector-index",
  "@hybrid-rag/chunking",
  "@huggingface/tokenizers",
];

let workspace: string;
let lexical: string;
let hybrid: string;

function runRecorded(...args: string[]): { packages: string[]; stdout: string } {
  const file = join(workspace, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const child = spawnSync(process.execPath, ["--import", recorder, bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, LOADED_PACKAGES_FILE: file },
  });
  if (child.status !== 0) throw new Error(`hybrid-rag ${args.join(" ")}: ${child.stderr}`);
  const packages = readFileSync(file, "utf8").split("\n");
  return { packages, stdout: child.stdout };
}

function ingest(folder: string, into: string, model: string): void {
  const child = spawnSync(
    process.execPath,
    [bin, "ingest", folder, "--into", into, "--embedding-model", model, "--no-progress"].concat(
      model === "none" ? [] : ["--execution-provider", "cpu"],
    ),
    { encoding: "utf8" },
  );
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
}

async function startServe(directory: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, "serve", directory, "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
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

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-lazy-"));
  const model = join(workspace, "tiny-bi-encoder");
  await createTinyBertModel(model, { kind: "bi-encoder" });
  const folder = join(workspace, "docs");
  await mkdir(folder);
  await writeSampleFolder(folder);
  lexical = join(workspace, "lexical");
  hybrid = join(workspace, "hybrid");
  ingest(folder, lexical, "none");
  ingest(folder, hybrid, model);
}, 180_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag loads only what a command uses", () => {
  it("--help loads no model, PDF, server or retrieval package", () => {
    const { packages, stdout } = runRecorded("--help");
    expect(stdout).toContain("Usage: hybrid-rag");
    for (const name of [...modelPackages, ...serverPackages, ...retrievalPackages])
      expect(packages).not.toContain(name);
  });

  it("a search of a BM25-only collection opens BM25 and the store, and loads no model or server package", () => {
    const { packages, stdout } = runRecorded(
      "search",
      lexical,
      deepFacts.markdown.query,
      "--no-server",
      "--json",
    );
    expect(JSON.parse(stdout).hits[0].parentId).toBe("kitchen-guide.md");
    expect(packages).toContain("@hybrid-rag/bm25");
    for (const name of [...modelPackages, ...serverPackages]) expect(packages).not.toContain(name);
  });

  it("a search answered by a serve loads neither the models nor the collection's indexes", async () => {
    const serve = await startServe(hybrid);
    try {
      const { packages, stdout } = runRecorded(
        "search",
        hybrid,
        deepFacts.markdown.query,
        "--json",
      );
      const answer = JSON.parse(stdout) as { server?: string; hits: { parentId: string }[] };
      expect(answer.server).toBe(serve.url);
      expect(answer.hits[0]!.parentId).toBe("kitchen-guide.md");
      for (const name of [...modelPackages, ...serverPackages, ...retrievalPackages])
        expect(packages).not.toContain(name);
    } finally {
      serve.child.kill("SIGTERM");
      await once(serve.child, "exit");
    }
  }, 120_000);

  it("a search that opens a hybrid collection loads its model (ONNX)", () => {
    const { packages } = runRecorded(
      "search",
      hybrid,
      deepFacts.markdown.query,
      "--no-server",
      "--execution-provider",
      "cpu",
    );
    expect(packages).toContain("@hybrid-rag/models");
    expect(packages).toContain("onnxruntime-node");
  }, 60_000);
});
