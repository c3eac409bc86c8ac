import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Document, Hit, ImageResolver, InlineImage } from "@hybrid-rag/core";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { createVisionRerankerDirectory, writeTestImages } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { rerankerSpecSchema } from "../pipeline-spec.ts";
import { type BuiltReranker, buildReranker } from "./reranker-kinds.ts";

// `rerankerOnWorker` (what `hybrid-rag serve` uses): a VLM cross-encoder on a worker thread gets
// the app's image resolver too. Stored references are read on the calling thread and their
// bytes cross to the worker, so it scores exactly as the in-process reranker does.

const query = "which quarter had the highest revenue?";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let root: string;
let model: string;
let chart: InlineImage;
let scan: InlineImage;
let resolver: ImageResolver & { readonly resolved: string[] };
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "worker-vlm-"));
  // Graphs built from the safetensors go to a cache of this test's own (the workers read it too).
  vi.stubEnv("HYBRID_RAG_CACHE_DIR", join(root, "cache"));
  model = join(root, "model");
  await createVisionRerankerDirectory(model);
  const images = await writeTestImages(root);
  chart = { mediaType: "image/png", data: await readFile(images.wide) };
  scan = { mediaType: "image/png", data: await readFile(images.square) };
  const stored = new Map([[sha256(scan.data), scan]]);
  resolver = {
    resolved: [],
    async resolveImage(image) {
      const found = stored.get(image.ref);
      if (found === undefined) throw new Error(`no image ${image.ref}`);
      this.resolved.push(image.ref);
      return found;
    },
  };
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(root, { recursive: true, force: true });
});

function hitsOf(documents: readonly Document[]): Hit[] {
  return documents.map((document, index) => ({
    id: document.id,
    score: 0,
    rank: index + 1,
    document,
    sources: {},
  }));
}

async function build(options: { onWorker: boolean; resolver?: ImageResolver }) {
  return buildReranker(rerankerSpecSchema.parse({ model }), {
    executionProvider: "cpu",
    options: {
      rerankerOnWorker: options.onWorker,
      ...(options.resolver ? { imageResolver: options.resolver } : {}),
    },
  });
}

describe("buildReranker with rerankerOnWorker on a VLM", { timeout: 180_000 }, () => {
  it("resolves stored images for the worker and scores as the in-process reranker does", async () => {
    const hits = hitsOf([
      { id: "text", text: "Revenue peaked in the third quarter at 4.2 million." },
      { id: "page-3", text: "", image: { mediaType: "image/png", ref: sha256(scan.data) } },
      { id: "figure-2", text: "Figure 2: quarterly revenue", image: chart },
    ]);
    const built: BuiltReranker[] = [];
    try {
      const onWorker = await build({ onWorker: true, resolver });
      built.push(onWorker);
      const inProcess = await build({ onWorker: false, resolver });
      built.push(inProcess);
      expect(onWorker.reranker.accepts?.images).toBe(true);
      const scores = async (each: BuiltReranker) =>
        Object.fromEntries(
          (await each.reranker.rerank(query, hits)).map((hit) => [hit.id, hit.score]),
        );
      const worker = await scores(onWorker);
      expect(resolver.resolved).toEqual([sha256(scan.data)]);
      const reference = await scores(inProcess);
      expect(Object.keys(worker).sort()).toEqual(["figure-2", "page-3", "text"]);
      for (const id of Object.keys(reference)) expect(worker[id]).toBeCloseTo(reference[id]!, 5);
    } finally {
      await Promise.all(built.map((each) => each.release()));
    }
  });

  it("without a resolver, refuses a stored image naming the passage and what to pass", async () => {
    const onWorker = await build({ onWorker: true });
    try {
      const stored = hitsOf([
        { id: "page-3", text: "", image: { mediaType: "image/png", ref: sha256(scan.data) } },
      ]);
      const failure = await onWorker.reranker
        .rerank(query, stored)
        .catch((error: unknown) => error);
      await expectErrorCode(Promise.reject(failure), "invalid-argument");
      expect(String(failure)).toMatch(/stored reference .* no resolveImage was given/);
    } finally {
      await onWorker.release();
    }
  });
});
