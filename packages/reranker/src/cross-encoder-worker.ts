import { serveWorker } from "@hybrid-rag/core/worker-pool";
import { CrossEncoder } from "./cross-encoder.ts";
import type { ImageBytesEncodedPair } from "./image-bytes-pairs.ts";
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
        family: crossEncoder.model.builtGraph?.family,
        acceptsImages: crossEncoder.acceptsImages,
      },
      async run(task, signal) {
        if (task.kind === "tokenize") {
          return { value: crossEncoder.tokenizePairs(task.pairs, task) };
        }
        if (task.kind === "tokenize-images") {
          const encoded = await crossEncoder.tokenizeImagePairs(task.pairs, {
            ...task.options,
            signal,
          });
          // The files stay with the caller, which sent them: only what was learnt comes back.
          return { value: encoded.map(withoutImageData) };
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

function withoutImageData(pair: ImageBytesEncodedPair): ImageBytesEncodedPair {
  if (pair.image === undefined) return pair;
  return { ...pair, image: { ...pair.image, data: new Uint8Array(0) } };
}
