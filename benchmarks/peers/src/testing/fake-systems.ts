import type { Corpus } from "../corpus.ts";
import type { PeerSystem, SystemEntry } from "../peer-system.ts";

/** Never settles, but keeps the process alive (a bare pending promise would let Node exit). */
const forever = () => new Promise<void>((resolve) => setTimeout(resolve, 3_600_000));

/** Answers each query with its judged documents: a perfect engine, quick at everything. */
function plantedAnswers(): PeerSystem & { corpus?: Corpus } {
  let corpus: Corpus | undefined;
  return {
    async build(built, onProgress) {
      corpus = built;
      onProgress?.(built.documents.length);
    },
    async search(queryIndex) {
      const query = corpus!.queries[queryIndex]!;
      return [...(corpus!.qrels.get(query.id)?.keys() ?? [])];
    },
  };
}

/**
 * Systems for the budget tests, run in real child processes as the peers are: one that finishes,
 * one that crashes, one whose build stops after half the documents, one whose queries stop
 * after five.
 */
export const systems: readonly SystemEntry[] = [
  {
    id: "fake-finishes",
    label: "Fake that finishes",
    kind: "bm25",
    create: async () => plantedAnswers(),
  },
  {
    id: "fake-crashes",
    label: "Fake crash",
    kind: "hybrid",
    create: async () => ({
      async build() {
        throw new RangeError("Maximum call stack size exceeded (on purpose)");
      },
      async search() {
        return [];
      },
    }),
  },
  {
    id: "fake-endless-build",
    label: "Fake endless build",
    kind: "bm25",
    create: async () => ({
      async build(corpus, onProgress) {
        onProgress?.(Math.floor(corpus.documents.length / 2));
        await forever();
      },
      async search() {
        return [];
      },
    }),
  },
  {
    id: "fake-endless-queries",
    label: "Fake endless queries",
    kind: "vectors",
    create: async () => {
      const answers = plantedAnswers();
      return {
        build: answers.build,
        async search(queryIndex, topK) {
          if (queryIndex >= 5) await forever();
          return answers.search(queryIndex, topK);
        },
      };
    },
  },
];
