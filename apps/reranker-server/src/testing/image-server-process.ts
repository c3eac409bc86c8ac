// A reranker server with a model that accepts images, in its own process, for tests that
// measure its memory: prints `listening <url>`, and `rss <bytes>` (peak resident set size)
// then exits when a line arrives on stdin. Settings are the defaults of `configFromEnvironment`
// (and RERANKER_* variables given to the process). With a VLM directory as its argument it
// serves that model as the server does (`workerPoolScorer` on one worker thread), else the
// model-less `imageScorer`.
import { createInterface } from "node:readline";
import { createCrossEncoderWorkerPool } from "@hybrid-rag/reranker";
import { configFromEnvironment } from "../config.ts";
import { workerPoolScorer } from "../cross-encoder-scorer.ts";
import type { PairScorer } from "../pair-scorer.ts";
import { createRerankerServer } from "../server.ts";
import { imageScorer } from "./image-scorer.ts";

const modelDirectory = process.argv[2];

const {
  modelPath: _,
  executionProvider: __,
  workers: ___,
  ...settings
} = configFromEnvironment({
  ...process.env,
  NIM_MODEL_PATH: "vlm",
  RERANKER_HOST: "127.0.0.1",
  NIM_HTTP_API_PORT: "0",
  RERANKER_LOG_LEVEL: "silent",
});
async function loadScorer(): Promise<PairScorer> {
  if (modelDirectory === undefined) return imageScorer();
  const pool = await createCrossEncoderWorkerPool({
    model: modelDirectory,
    executionProvider: "cpu",
    maxTokensPerBatch: settings.maxBatchTokens,
    maxBatchSize: settings.maxBatchPairs,
  });
  return workerPoolScorer(pool, {
    imageLimits: { maxBytes: settings.maxImageBytes, maxPixels: settings.maxImagePixels },
  });
}

const server = createRerankerServer({ settings, loadScorer });
const url = await server.listen();
await server.modelLoaded;
process.stdout.write(`listening ${url}\n`);
for await (const _line of createInterface({ input: process.stdin })) {
  // Exits at once: a graceful close would wait for the refused uploads' connections.
  process.stdout.write(`rss ${process.resourceUsage().maxRSS * 1024}\n`, () => process.exit(0));
}
