import { Worker } from "node:worker_threads";
import { HybridRagError } from "@hybrid-rag/core";
import { siblingModuleUrl } from "@hybrid-rag/core/worker-pool";
import type { EncodedPair, QueryPassagePair } from "./encode-pairs.ts";

const pairTokenizerWorkerUrl = siblingModuleUrl("pair-tokenizer-worker", import.meta.url);

type Reply =
  | { readonly id: number; readonly encoded: EncodedPair[] }
  | { readonly id: number; readonly error: string };

/**
 * Tokenises pairs on a worker thread with the model directory's own tokenizer, so the next
 * chunk of a list is tokenised while the model scores the previous one. onnxruntime-node runs a
 * model synchronously on the JavaScript thread, so without a worker the device waits for
 * JavaScript between chunks. The worker does not keep the process alive.
 */
export class PairTokenizerWorker {
  readonly #modelPath: string;
  readonly #template: string | undefined;
  readonly #pending = new Map<number, (reply: Reply | Error) => void>();
  #worker: Worker | undefined;
  #nextId = 0;

  constructor(modelPath: string, template?: string) {
    this.#modelPath = modelPath;
    this.#template = template;
  }

  /** Starts the worker ahead of the first list (loading the tokenizer takes a moment). */
  warmUp(): void {
    this.#start();
  }

  /** Encodes pairs with truncate "END" (the only mode that cannot refuse a pair). */
  tokenize(pairs: readonly QueryPassagePair[], maxLength: number): Promise<EncodedPair[]> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (reply) => {
        if (reply instanceof Error) reject(reply);
        else if ("error" in reply) {
          reject(new HybridRagError("internal", `tokenising on the worker failed: ${reply.error}`));
        } else resolve(reply.encoded);
      });
      worker.postMessage({ id, pairs, maxLength });
    });
  }

  async terminate(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(pairTokenizerWorkerUrl, {
      workerData: { modelPath: this.#modelPath, template: this.#template },
    });
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const settle = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      settle?.(reply);
    });
    const failAll = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const settle of this.#pending.values()) settle(error);
      this.#pending.clear();
    };
    worker.on("error", (error) =>
      failAll(
        new HybridRagError("internal", `the tokenizer worker failed: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    worker.on("exit", (code) => {
      if (this.#pending.size > 0) {
        failAll(new HybridRagError("internal", `the tokenizer worker exited (code ${code}).`));
      }
    });
    this.#worker = worker;
    return worker;
  }
}
