#!/usr/bin/env node
import { createCrossEncoder } from "@hybrid-rag/reranker";
import { configFromEnvironment } from "./config.ts";
import { crossEncoderScorer } from "./cross-encoder-scorer.ts";
import { createRerankerServer } from "./server.ts";

// Configuration errors end the process with the message only: it names each bad variable.
let config: ReturnType<typeof configFromEnvironment>;
try {
  config = configFromEnvironment();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

const { modelPath, executionProvider, ...settings } = config;
let release: (() => Promise<void>) | undefined;
const server = createRerankerServer({
  settings,
  metadata: { modelPath },
  loadScorer: async () => {
    const crossEncoder = await createCrossEncoder({
      model: modelPath,
      executionProvider,
      // The server's batch budget is the model run's: a batch is one run, never re-split.
      maxTokensPerBatch: settings.maxBatchTokens,
      maxBatchSize: settings.maxBatchPairs,
    });
    release = () => crossEncoder.release();
    server.app.log.info(crossEncoder.providerReport, "execution provider");
    return crossEncoderScorer(crossEncoder);
  },
});

server.modelLoaded.catch(() => {
  // The reason is logged by the server; a replica without a model is useless.
  void server.close().finally(() => process.exit(1));
});

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, "shutting down: finishing requests in flight");
    server
      .close()
      .then(() => release?.())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          server.app.log.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  });
}

await server.listen();
