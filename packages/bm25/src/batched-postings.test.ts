import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";

// Postings of an upsert batch are appended term by term after the batch is analysed
// (`InvertedIndex.deferPostings`). The index must be the one document-by-document appends give.
const words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"];
const text = fc
  .array(fc.constantFrom(...words, "alpha", "alpha", "beta"), { minLength: 0, maxLength: 40 })
  .map((tokens) => tokens.join(" "));
const operation = fc.oneof(
  fc.record({ kind: fc.constant("upsert" as const), id: fc.integer({ min: 0, max: 30 }), text }),
  fc.record({ kind: fc.constant("delete" as const), id: fc.integer({ min: 0, max: 30 }) }),
);
const queries = [...words, "alpha beta", "gamma delta eps", "alpha alpha theta", "zeta eta"];

type Operation = { kind: "upsert"; id: number; text: string } | { kind: "delete"; id: number };

/**
 * Runs the operations: runs of upserts in one call (batches of `batchSize`; with 1 every batch
 * is one document, as appending document by document), deletes in between.
 */
async function build(operations: readonly Operation[], batchSize: number) {
  const index = createBm25Index({ batchSize });
  let run: { id: string; text: string }[] = [];
  const flush = async () => {
    if (run.length > 0) await index.upsert(run);
    run = [];
  };
  for (const step of operations) {
    if (step.kind === "upsert") {
      run.push({ id: `d${step.id}`, text: step.text });
    } else {
      await flush();
      await index.delete([`d${step.id}`]);
    }
  }
  await flush();
  return index;
}

describe("postings appended per batch", () => {
  it("give the same statistics and results as appending document by document (duplicates, re-upserts and deletes included)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        async (operations, batchSize) => {
          const batched = await build(operations, batchSize);
          const single = await build(operations, 1);
          expect(batched.statistics()).toEqual(single.statistics());
          for (const query of queries) {
            const options = { topK: 100, includeDocuments: true };
            expect(await batched.retrieve(query, options)).toEqual(
              await single.retrieve(query, options),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("are all searchable between the batches of one upsert", async () => {
    const index = createBm25Index({ batchSize: 3 });
    const seen: number[] = [];
    index.events.on("index-progress", () => {
      void index.retrieve("alpha", { topK: 100 }).then((hits) => seen.push(hits.length));
    });
    const documents = Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, text: "alpha beta" }));
    await index.upsert(documents);
    expect((await index.retrieve("alpha", { topK: 100 })).length).toBe(10);
    expect(seen.length).toBeGreaterThan(0);
  });
});
