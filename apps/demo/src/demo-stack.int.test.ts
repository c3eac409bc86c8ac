import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoConfigFromEnvironment, sampleCorpusPath } from "./demo-config.ts";
import { type RunningDemo, startDemo } from "./start-demo.ts";

const elasticsearchUrl = process.env.ELASTICSEARCH_URL;
const qdrantUrl = process.env.QDRANT_URL;
const live = Boolean(elasticsearchUrl && qdrantUrl);
if (!live) {
  console.warn(
    "Skipping the demo on the server stack: set ELASTICSEARCH_URL and QDRANT_URL (docker compose up -d elasticsearch qdrant).",
  );
}

describe.skipIf(!live)("demo on Elasticsearch and Qdrant (live servers)", () => {
  let workDirectory: string;
  let demo: RunningDemo;

  beforeAll(async () => {
    workDirectory = await mkdtemp(join(tmpdir(), "demo-stack-"));
    const biEncoder = join(workDirectory, "bi-encoder");
    await createTinyBertModel(biEncoder, { kind: "bi-encoder", seed: 4 });
    demo = await startDemo(
      demoConfigFromEnvironment(
        {
          DEMO_PORT: "0",
          DEMO_LOG_LEVEL: "silent",
          DEMO_EXECUTION_PROVIDER: "cpu",
          DEMO_INDEX_NAME: "hybrid-rag-demo-test",
          EMBEDDING_MODEL_PATH: biEncoder,
          ELASTICSEARCH_URL: elasticsearchUrl,
          QDRANT_URL: qdrantUrl,
        },
        sampleCorpusPath,
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await demo?.close();
    if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
  });

  it("ingests into both servers and shows their lists fused", async () => {
    const response = await demo.engine.search("wind turbines", { topK: 3 });
    const [sparse, dense, fused] = response.stages;
    expect(sparse?.description).toMatch(/Elasticsearch/);
    expect(dense?.description).toMatch(/Qdrant/);
    expect(sparse?.hits[0]?.id).toBe("wind-energy.md");
    expect(dense?.hits).toHaveLength(3);
    expect(fused?.status).toBe("on");
  });
});
