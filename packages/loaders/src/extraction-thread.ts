import { Worker } from "node:worker_threads";
import type { ExtractionOutcome, ExtractionTask } from "./extract-document.ts";

/** Heap one extraction may use before its thread is stopped (V8 old generation, MiB). */
const heapLimitMb = 768;
/** How long a fresh thread may take to load its parsers (not counted in a file's time budget). */
const startTimeoutMs = 60_000;
const workerUrl = new URL(
  `./extract-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

/**
 * Runs extractions on a worker thread, one at a time, each with a deadline: a parser that loops
 * or recurses on a hostile file is stopped by terminating the thread (a fresh one serves the next
 * file), and a heap cap turns a memory blow-up into a skipped file instead of a crashed process.
 * The thread is kept between files (parsers load once) and does not keep the process alive.
 */
export class ExtractionThread {
  #worker: Worker | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  extract(task: ExtractionTask): Promise<ExtractionOutcome> {
    const run = this.#queue.then(() => this.#run(task));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(task: ExtractionTask): Promise<ExtractionOutcome> {
    const worker = await this.#start();
    if (worker === undefined) {
      return {
        kind: "refused",
        code: "unreadable",
        reason: `the extraction thread did not start within ${startTimeoutMs} ms`,
      };
    }
    worker.ref();
    return new Promise<ExtractionOutcome>((resolve) => {
      const settle = (outcome: ExtractionOutcome, stop: boolean) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        if (stop) this.#stop(worker);
        else worker.unref();
        resolve(outcome);
      };
      const onMessage = (outcome: ExtractionOutcome) => settle(outcome, false);
      const onError = (error: Error & { code?: string }) =>
        settle(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? {
                kind: "refused",
                code: "out-of-memory",
                reason: `extraction needed more than ${heapLimitMb} MiB of memory and was stopped`,
              }
            : {
                kind: "refused",
                code: "unreadable",
                reason: `extraction failed: ${error.message}`,
              },
          true,
        );
      const onExit = (exitCode: number) =>
        settle(
          {
            kind: "refused",
            code: "unreadable",
            reason: `the extraction thread exited (code ${exitCode})`,
          },
          true,
        );
      const timer = setTimeout(
        () =>
          settle(
            {
              kind: "refused",
              code: "timeout",
              reason: `extraction took longer than ${task.budgets.fileTimeoutMs} ms and was stopped (raise fileTimeoutMs)`,
            },
            true,
          ),
        task.budgets.fileTimeoutMs,
      );
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage(task);
    });
  }

  /** The running thread, or a fresh one once it has loaded its parsers (undefined if it never does). */
  async #start(): Promise<Worker | undefined> {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerUrl, {
      resourceLimits: { maxOldGenerationSizeMb: heapLimitMb },
    });
    // Errors after a task has settled (e.g. while terminating) must not become uncaught.
    worker.on("error", () => {});
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), startTimeoutMs);
      const done = (value: boolean) => {
        clearTimeout(timer);
        worker.off("message", onReady);
        worker.off("exit", onExit);
        resolve(value);
      };
      const onReady = () => done(true);
      const onExit = () => done(false);
      worker.on("message", onReady);
      worker.on("exit", onExit);
    });
    if (!ready) {
      void worker.terminate();
      return undefined;
    }
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #stop(worker: Worker): void {
    if (this.#worker === worker) this.#worker = undefined;
    void worker.terminate();
  }
}

/** The thread every load in this process shares (files are extracted one at a time). */
export const sharedExtractionThread = new ExtractionThread();
