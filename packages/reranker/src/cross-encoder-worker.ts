import { serveWorker } from "@hybrid-rag/core/worker-pool";
import { CrossEncoder } from "./cross-encoder.ts";
import type { CrossEncoderFacts, CrossEncoderTask, WorkerStartData } from "./worker-protocol.ts";

// One cross-encoder per worker thread: tokenising and onnxruntime's run() happen here, so the
// thread that owns the HTTP sockets never waits for them.
await serveWorker<WorkerStartData, CrossEncoderTask, CrossEncoderFacts>(
  "cross-encoder",
  async (start) => {
    const crossEncoder = await CrossEncoder.create({
      ...start.settings,
      model: start.model,
      ...(start.hub ? { hub: start.hub } : {}),
    });
    return {
      facts: {
        maxLength: crossEncoder.maxLength,
        provider: crossEncoder.provider,
        fallbackReason: crossEncoder.fallbackReason,
        providerReport: { ...crossEncoder.providerReport },
        modelFile: { ...crossEncoder.modelFile },
        source: crossEncoder.model.source,
        vision: crossEncoder.model.builtGraph?.vision !== undefined,
      },
      async run(task, signal) {
        if (task.kind === "tokenize") {
          return { value: crossEncoder.tokenizePairs(task.pairs, task) };
        }
        const scores =
          task.kind === "score"
            ? await crossEncoder.scoreEncoded(task.pairs, { signal })
            : task.kind === "score-passages"
              ? await crossEncoder.scorePassages(task.query, task.passages, {
                  truncate: task.truncate,
                  ...(task.imageLimits ? { imageLimits: task.imageLimits } : {}),
                  signal,
                })
              : await crossEncoder.scorePairs(task.query, task.passages, {
                  truncate: task.truncate,
                  signal,
                });
        return { value: scores, transfer: [scores.buffer as ArrayBuffer] };
      },
      release: () => crossEncoder.release(),
    };
  },
);
