import type { Embedder } from "../embedder.ts";
import type { EmbedderFacts, EmbedTask } from "./embedder-worker-messages.ts";
import { serveWorker } from "./serve-worker.ts";

/** An embedder as a worker loads it, with what it reports and how it is released. */
export interface LoadedWorkerEmbedder {
  readonly embedder: Embedder;
  readonly details?: Readonly<Record<string, unknown>>;
  release?(): Promise<void> | void;
}

/**
 * The worker side of an `EmbedderWorkerPool`: loads one embedder from the pool's start data and
 * embeds the slices it is sent (tokenising and batching happen here, in the embedder). The
 * vectors of a slice go back as one transferred buffer, not copied.
 */
export function serveEmbedderWorker<Start>(
  label: string,
  load: (start: Start) => Promise<LoadedWorkerEmbedder>,
): Promise<void> {
  return serveWorker<Start, EmbedTask, EmbedderFacts>(label, async (start) => {
    const loaded = await load(start);
    const { embedder } = loaded;
    return {
      facts: { name: embedder.name, dimension: embedder.dimension, details: loaded.details ?? {} },
      async run(task, signal) {
        const vectors =
          task.side === "queries"
            ? await embedder.embedQueries(task.texts, { signal })
            : await embedder.embedPassages(task.texts, { signal });
        const packed = new Float32Array(vectors.length * embedder.dimension);
        for (const [row, vector] of vectors.entries()) {
          packed.set(vector, row * embedder.dimension);
        }
        return { value: packed, transfer: [packed.buffer] };
      },
      release: () => loaded.release?.(),
    };
  });
}
