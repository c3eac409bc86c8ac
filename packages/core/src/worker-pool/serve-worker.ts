import { parentPort, workerData } from "node:worker_threads";
import { HybridRagError } from "../errors.ts";
import { type PoolMessage, serializeError, type WorkerMessage } from "./worker-messages.ts";

/** What a worker module loads once (its model) and then runs tasks on. */
export interface WorkerService<Task, Facts> {
  /** Sent to the pool once loaded (structured-cloneable: plain data). */
  readonly facts: Facts;
  /** Runs one task; `transfer` lists buffers of the value to move rather than copy. */
  run(
    task: Task,
    signal: AbortSignal,
  ): Promise<{ readonly value: unknown; readonly transfer?: readonly ArrayBuffer[] }>;
  release(): Promise<void> | void;
}

/**
 * The worker side of a `WorkerPool`: loads the service from the pool's start data, reports
 * `ready` (or `load-failed`), then runs tasks as they arrive. `label` names it in errors.
 */
export async function serveWorker<Start, Task, Facts>(
  label: string,
  load: (start: Start) => Promise<WorkerService<Task, Facts>>,
): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error(`${label} runs as a worker thread of a WorkerPool`);
  const send = (message: WorkerMessage<Facts>, transfer?: readonly ArrayBuffer[]) =>
    port.postMessage(message, transfer ? [...transfer] : undefined);
  let service: WorkerService<Task, Facts>;
  try {
    service = await load(workerData as Start);
  } catch (error) {
    send({ kind: "load-failed", error: serializeError(error, label) });
    // Closing the port ends the thread after the message is delivered (a throw could overtake it).
    port.close();
    return;
  }
  send({ kind: "ready", facts: service.facts });
  const cancellations = new Map<number, AbortController>();
  let closing = false;
  port.on("message", async (message: PoolMessage<Task>) => {
    if (message.kind === "close") {
      // Terminating a thread inside a native run (onnxruntime, WASM) can abort the whole
      // process: stop the tasks not yet started, let the current one finish, then end.
      closing = true;
      for (const controller of cancellations.values()) {
        controller.abort(new HybridRagError("unavailable", "The worker pool is closing."));
      }
      while (cancellations.size > 0) await new Promise((resolve) => setImmediate(resolve));
      await service.release();
      port.close();
      return;
    }
    if (message.kind === "cancel") {
      cancellations
        .get(message.id)
        ?.abort(new HybridRagError("aborted", "The caller cancelled the task."));
      return;
    }
    if (closing) {
      send({
        kind: "failed",
        id: message.id,
        error: { code: "unavailable", message: "The worker pool is closing." },
      });
      return;
    }
    const controller = new AbortController();
    cancellations.set(message.id, controller);
    try {
      const { value, transfer } = await service.run(message.task, controller.signal);
      send({ kind: "done", id: message.id, value }, transfer);
    } catch (error) {
      send({ kind: "failed", id: message.id, error: serializeError(error, label) });
    } finally {
      cancellations.delete(message.id);
    }
  });
}
