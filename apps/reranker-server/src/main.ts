#!/usr/bin/env node
import { createCrossEncoder, createCrossEncoderWorkerPool } from "@hybrid-rag/reranker";
import { configFromEnvironment } from "./config.ts";
import { crossEncoderScorer, workerPoolScorer } from "./cross-encoder-scorer.ts";
import { createRerankerServer } from "./server.ts";

// Configuration errors end the process with the message only: it names each bad variable.
let config: ReturnType<typeof configFromEnvironment>;
try {
  config = configFromEnvironment();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

const { modelPath, executionProvider, workers, ...settings } = config;
let release: (() => Promise<void>) | undefined;
const server = createRerankerServer({
  settings,
  metadata: { modelPath, workers },
  loadScorer: async () => {
    if (workers === 0) {
      const crossEncoder = await createCrossEncoder({
        model: modelPath,
        executionProvider,
        maxTokensPerBatch: settings.maxBatchTokens,
        maxBatchSize: settings.maxBatchPairs,
      });
      release = () => crossEncoder.release();
      server.app.log.warn(
        crossEncoder.providerReport,
        "RERANKER_WORKERS=0: the model runs on the HTTP thread; health checks wait for batches",
      );
      return crossEncoderScorer(crossEncoder);
    }
    // Tokenising and the model run on worker threads: the HTTP thread stays free for health
    // checks, timeouts and refusing overload while a batch is scored.
    const pool = await createCrossEncoderWorkerPool({
      model: modelPath,
      executionProvider,
      workers,
      // The server's batch budget is the model run's: a batch is one run, never re-split.
      maxTokensPerBatch: settings.maxBatchTokens,
      maxBatchSize: settings.maxBatchPairs,
    });
    release = () => pool.release();
    server.app.log.info({ ...pool.providerReport, workers }, "execution provider");
    return workerPoolScorer(pool);
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
    server.app.log.info(
      { signal, shutdownTimeoutMs: settings.shutdownTimeoutMs },
      "shutting down: finishing requests in flight",
    );
    // The last resort. Connections are cut at the deadline; then the worker finishes the model
    // run in progress (stopping a thread inside onnxruntime aborts the process) and the process
    // exits. Only if that takes 30 s more does it exit with 1.
    setTimeout(() => {
      server.app.log.error("shutdown overran its deadline by 30 s: exiting");
      process.exit(1);
    }, settings.shutdownTimeoutMs + 30_000).unref();
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
