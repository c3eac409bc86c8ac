import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PipelineSpecInput } from "@hybrid-rag/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDemoInvocation } from "./demo-arguments.ts";
import { demoConfigFromEnvironment } from "./demo-config.ts";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "hybrid-rag-demo-spec-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function specFile(name: string, spec: unknown): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, JSON.stringify(spec));
  return file;
}

describe("the demo's pipeline spec", () => {
  it("is the embedded default without environment: BM25 english, vector index, USE-lite, RRF", () => {
    const { spec } = demoConfigFromEnvironment({});
    expect(spec).toMatchObject({
      sparse: { engine: "bm25", analyzer: "english", k1: 1.2, b: 0.75 },
      dense: { engine: "vector-index", metric: "cosine" },
      embedder: { model: "use-lite" },
      fusion: { method: "rrf", k: 60 },
    });
    expect(spec.reranker).toBeUndefined();
  });

  it("takes the environment's servers and models as spec fields", () => {
    const { spec } = demoConfigFromEnvironment({
      ELASTICSEARCH_URL: "http://es:9200",
      QDRANT_URL: "http://qdrant:6333",
      DEMO_INDEX_NAME: "docs",
      EMBEDDING_MODEL_PATH: "/models/bge",
      RERANKER_URL: "http://reranker:8000",
      DEMO_EXECUTION_PROVIDER: "cpu",
    });
    expect(spec).toMatchObject({
      sparse: {
        engine: "elasticsearch",
        url: "http://es:9200",
        index: "docs",
        analyzer: "english",
      },
      dense: { engine: "qdrant", url: "http://qdrant:6333", collection: "docs" },
      embedder: { model: "/models/bge" },
      reranker: { model: "http://reranker:8000", api: "nim", endpointModel: "reranker" },
      executionProvider: "cpu",
    });
  });

  it("marks a RERANKER_URL VLM with RERANKER_IMAGES (reranker.images), and refuses it without a URL", () => {
    const url = "http://vlm:8000";
    const vlm = (environment: Record<string, string>, base?: PipelineSpecInput) =>
      demoConfigFromEnvironment(environment, {}, base).spec.reranker;
    expect(vlm({ RERANKER_URL: url, RERANKER_IMAGES: "true" })).toEqual({
      model: url,
      api: "nim",
      endpointModel: "reranker",
      images: true,
    });
    expect(vlm({ RERANKER_URL: url, RERANKER_IMAGES: "0" })).not.toHaveProperty("images");
    // A --spec VLM endpoint moved by RERANKER_URL stays a VLM.
    const base: PipelineSpecInput = {
      version: 1,
      reranker: { model: "http://old:8000", api: "nim", images: true },
    };
    expect(vlm({ RERANKER_URL: url }, base)).toMatchObject({ model: url, images: true });
    expect(() => vlm({ RERANKER_IMAGES: "true" })).toThrow(
      /RERANKER_IMAGES is for a NIM VLM reranker behind RERANKER_URL, and RERANKER_URL is not set/,
    );
    expect(() => vlm({ RERANKER_URL: url, RERANKER_IMAGES: "maybe" })).toThrow(
      /RERANKER_IMAGES must be true or false/,
    );
  });

  it("prints a spec that --spec reads back to the same spec (round trip)", async () => {
    const environment = { EMBEDDING_MODEL_PATH: "/models/bge", DEMO_FUSION: "dbsf" };
    const printed = await readDemoInvocation(["--print-spec", "corpus"], environment);
    expect(printed.kind).toBe("print-spec");
    if (printed.kind === "help") return;
    const file = await specFile("printed.json", printed.config.spec);
    const again = await readDemoInvocation(["--spec", file, "corpus"], {});
    if (again.kind === "help") throw new Error("unexpected help");
    expect(again.kind).toBe("serve");
    expect(again.config.spec).toEqual(printed.config.spec);
  });

  it("lets a variable that is set override the spec file, and only such a variable", async () => {
    const file = await specFile("base.json", {
      version: 1,
      sparse: { engine: "bm25", k1: 0.9 },
      embedder: { model: "/models/e5", prefixes: "e5" },
      reranker: { model: "/models/minilm" },
      executionProvider: "cuda",
      fusion: { method: "linear", normalizer: "z-score" },
    });
    const invocation = await readDemoInvocation(["--spec", file], {
      EMBEDDING_MODEL_PATH: "/models/bge",
    });
    if (invocation.kind === "help") throw new Error("unexpected help");
    const { spec } = invocation.config;
    expect(spec.embedder).toMatchObject({ model: "/models/bge", prefixes: "e5" });
    expect(spec.sparse).toMatchObject({ engine: "bm25", k1: 0.9, analyzer: "standard" });
    expect(spec.dense).toBeUndefined();
    expect(spec.reranker?.model).toBe("/models/minilm");
    // DEMO_EXECUTION_PROVIDER and DEMO_FUSION are not set: the file's values stand.
    expect(spec.executionProvider).toBe("cuda");
    expect(spec.fusion).toEqual({ method: "linear", normalizer: "z-score" });
  });

  it("refuses an invalid spec file naming the file and the field", async () => {
    const file = await specFile("wrong.json", { version: 1, dense: { engine: "faiss" } });
    await expect(readDemoInvocation(["--spec", file], {})).rejects.toThrow(
      /--spec .*wrong\.json.*dense\.engine must be "vector-index" \(embedded\) or "qdrant"/,
    );
    await expect(readDemoInvocation(["--spce", file], {})).rejects.toThrow(/--spce/);
  });

  it("prints the spec from the command line (main.ts --print-spec)", async () => {
    const main = join(import.meta.dirname, "main.ts");
    const { stdout } = await promisify(execFile)(process.execPath, [main, "--print-spec"], {
      env: { ...process.env, QDRANT_URL: "http://qdrant:6333" },
    });
    expect(JSON.parse(stdout)).toMatchObject({ version: 1, dense: { engine: "qdrant" } });
  }, 60_000);
});
