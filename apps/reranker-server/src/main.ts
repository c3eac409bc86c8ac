#!/usr/bin/env node
import { writeSync } from "node:fs";
import { hostname } from "node:os";
import { createCrossEncoder, createCrossEncoderWorkerPool } from "@hybrid-rag/reranker";
import type { ServerConfig } from "./config.ts";
import { crossEncoderScorer, workerPoolScorer } from "./cross-encoder-scorer.ts";
import { createRerankerServer } from "./server.ts";
import { readServerInvocation, rerankerSpecOf } from "./server-arguments.ts";

// Configuration errors end the process with the message only: it names each bad variable.
let config: ServerConfig;
try {
  const invocation = await readServerInvocation(process.argv.slice(2));
  if (invocation.printSpec) {
    process.stdout.write(`${JSON.stringify(rerankerSpecOf(invocation.config), null, 2)}\n`);
    process.exit(0);
  }
  config = invocation.config;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

const { modelPath, executionProvider, workers, ...settings } = config;
// A VLM checks each image against the server's limits again before decoding it.
const scorerOptions = {
  imageLimits: { maxBytes: settings.maxImageBytes, maxPixels: settings.maxImagePixels },
};
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
      return crossEncoderScorer(crossEncoder, scorerOptions);
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
    server.app.log.info(
      { ...pool.providerReport, workers, family: pool.family, acceptsImages: pool.acceptsImages },
      "execution provider",
    );
    return workerPoolScorer(pool, scorerOptions);
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
    // The deadline. By then the server has cut its connections; what can still hold the process
    // is a model run inside onnxruntime on a worker thread, which nothing stops: terminating the
    // thread, or process.exit() (which joins it), waits for the run and then aborts the process.
    // So the process ends the way the signal would have ended it without a handler.
    const deadline = setTimeout(() => {
      server.app.server.closeAllConnections();
      // pino writes asynchronously and a signal flushes nothing: this last line is written
      // synchronously (to stderr, in pino's JSON shape) before the process ends.
      writeSync(
        2,
        `${JSON.stringify({
          level: 40,
          time: Date.now(),
          pid: process.pid,
          hostname: hostname(),
          signal,
          shutdownTimeoutMs: settings.shutdownTimeoutMs,
          msg: "shutdown deadline reached with work in progress (a model run cannot be stopped): ending the process by the signal",
        })}\n`,
      );
      endBySignal(signal);
    }, settings.shutdownTimeoutMs);
    server
      .close()
      .then(() => release?.())
      .then(
        () => {
          clearTimeout(deadline);
          process.exit(0);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          server.app.log.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  });
}

/**
 * Ends the process by `signal`'s default action (status 128 + n: 143 for SIGTERM, 130 for
 * SIGINT), at once, whatever its threads are doing. As PID 1 without an init (a container run
 * without `--init`) the kernel ignores that signal: then it exits with 1 once the run ends.
 */
function endBySignal(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  setTimeout(() => process.exit(1), 1000).unref();
}

await server.listen();
