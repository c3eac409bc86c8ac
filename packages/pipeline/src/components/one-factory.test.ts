import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The apps build components only through this package's factory: no app source calls a
// backend's or a model's constructor itself (the copies that drifted apart are gone). The
// reranking server is the exception by design: it serves a cross-encoder *scorer* (batches of
// pairs), not a Reranker, and takes the model from the spec's reranker part.
const repository = join(import.meta.dirname, "../../../..");
const apps = join(repository, "apps");
const constructors = [
  "createOnnxEmbedder",
  "createOnnxEmbedderPool",
  "createNimEmbedder",
  "createTeiEmbedder",
  "createOpenAiEmbedder",
  "createUseLiteEmbedder",
  "createUseLiteEmbedderPool",
  "createCrossEncoderReranker",
  "createWorkerPoolReranker",
  "createNimReranker",
  "createTeiReranker",
  "createCohereReranker",
  "createBm25Index",
  "createVectorIndex",
  "createQdrantIndex",
  "createElasticsearchIndex",
];

function appSources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      return ["node_modules", "dist", "testing"].includes(entry.name) ? [] : appSources(path);
    }
    return /\.ts$/.test(entry.name) && !/\.test(\.helper)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe.skipIf(!existsSync(apps))("one factory", () => {
  it("no app builds a retriever, embedder or reranker except through buildComponents", () => {
    const offenders = ["benchmark", "cli", "demo"].flatMap((app) =>
      appSources(join(apps, app, "src")).flatMap((file) => {
        const text = readFileSync(file, "utf8");
        return constructors
          .filter((name) => new RegExp(`\\b${name}\\b`).test(text))
          .map((name) => `${relative(repository, file)}: ${name}`);
      }),
    );
    expect(offenders).toEqual([]);
  });
});
