// A reranker server with a model that accepts images, in its own process, for tests that
// measure its memory: prints `listening <url>`, and `rss <bytes>` (peak resident set size)
// then exits when a line arrives on stdin. Settings are the defaults of `configFromEnvironment`.
import { createInterface } from "node:readline";
import { configFromEnvironment } from "../config.ts";
import { createRerankerServer } from "../server.ts";
import { imageScorer } from "./image-scorer.ts";

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
const server = createRerankerServer({ settings, loadScorer: async () => imageScorer() });
const url = await server.listen();
await server.modelLoaded;
process.stdout.write(`listening ${url}\n`);
for await (const _line of createInterface({ input: process.stdin })) {
  process.stdout.write(`rss ${process.resourceUsage().maxRSS * 1024}\n`);
  await server.close();
  process.exit(0);
}
