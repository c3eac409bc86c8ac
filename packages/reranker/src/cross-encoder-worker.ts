import { parentPort, workerData } from "node:worker_threads";
import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import { CrossEncoder } from "./cross-encoder.ts";
import type {
  SerializedError,
  WorkerReply,
  WorkerStartData,
  WorkerTask,
} from "./worker-protocol.ts";

// One cross-encoder per worker thread: tokenising and onnxruntime's run() happen here, so the
// thread that owns the HTTP sockets never waits for them.
const port = parentPort!;
if (!parentPort)
  throw new Error("cross-encoder-worker.ts runs as a worker thread of a CrossEncoderWorkerPool");
const start = workerData as WorkerStartData;
const send = (reply: WorkerReply) => port.postMessage(reply);

function serialize(error: unknown): SerializedError {
  const failure = toHybridRagError(error, "cross-encoder worker");
  return {
    code: failure.code,
    message: failure.message,
    ...(failure.details ? { details: structuredSafe(failure.details) } : {}),
  };
}

function structuredSafe(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return structuredClone(details) as Record<string, unknown>;
  } catch {
    return {};
  }
}

let crossEncoder: CrossEncoder | undefined;
try {
  crossEncoder = await CrossEncoder.create({
    ...start.settings,
    model: start.model,
    ...(start.hub ? { hub: start.hub } : {}),
  });
  send({
    kind: "ready",
    maxLength: crossEncoder.maxLength,
    provider: crossEncoder.provider,
    fallbackReason: crossEncoder.fallbackReason,
    providerReport: { ...crossEncoder.providerReport },
    modelFile: { ...crossEncoder.modelFile },
    source: crossEncoder.model.source,
  });
} catch (error) {
  send({ kind: "load-failed", error: serialize(error) });
  // Closing the port ends the thread after the message is delivered (a throw could overtake it).
  port.close();
}
if (crossEncoder) serve(crossEncoder);

function serve(crossEncoder: CrossEncoder): void {
  const cancellations = new Map<number, AbortController>();
  let closing = false;
  port.on("message", async (task: WorkerTask) => {
    if (task.kind === "close") {
      // Terminating a thread inside onnxruntime's run() aborts the whole process: stop the
      // runs not yet started, let the current one finish, release the session, then end.
      closing = true;
      for (const controller of cancellations.values()) {
        controller.abort(new HybridRagError("unavailable", "The worker pool is closing."));
      }
      while (cancellations.size > 0) await new Promise((resolve) => setImmediate(resolve));
      await crossEncoder.release();
      port.close();
      return;
    }
    if (closing) {
      send({
        kind: "failed",
        id: task.id,
        error: { code: "unavailable", message: "The worker pool is closing." },
      });
      return;
    }
    if (task.kind === "cancel") {
      cancellations
        .get(task.id)
        ?.abort(new HybridRagError("aborted", "The caller cancelled the task."));
      return;
    }
    const controller = new AbortController();
    cancellations.set(task.id, controller);
    try {
      if (task.kind === "tokenize") {
        send({
          kind: "tokenized",
          id: task.id,
          pairs: crossEncoder.tokenizePairs(task.pairs, task),
        });
      } else if (task.kind === "score") {
        const scores = await crossEncoder.scoreEncoded(task.pairs, { signal: controller.signal });
        port.postMessage({ kind: "scored", id: task.id, scores } satisfies WorkerReply, [
          scores.buffer as ArrayBuffer,
        ]);
      } else {
        const scores = await crossEncoder.scorePairs(task.query, task.passages, {
          truncate: task.truncate,
          signal: controller.signal,
        });
        port.postMessage({ kind: "scored", id: task.id, scores } satisfies WorkerReply, [
          scores.buffer as ArrayBuffer,
        ]);
      }
    } catch (error) {
      send({ kind: "failed", id: task.id, error: serialize(error) });
    } finally {
      cancellations.delete(task.id);
    }
  });
}
