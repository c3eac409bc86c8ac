import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { HybridRagError } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex } from "./vector-index.ts";

const embedder = new HashingEmbedder(8);

let folder = "";
let saved: Buffer;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "vector-fuzz-"));
  const index = createVectorIndex({ embedder, name: "fuzz" });
  await index.upsert([
    { id: "a", title: "Cats", text: "cats purr and run", metadata: { year: 2020 } },
    { id: "b", text: "dogs bark at cats" },
    { id: "c", text: "birds sing" },
  ]);
  await index.save(join(folder, "good.hrvi"));
  saved = await readFile(join(folder, "good.hrvi"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("loading damaged files whose checksum was fixed up", () => {
  it("either loads or fails with a HybridRagError (corrupt-data, unsupported, another embedder), never anything else", async () => {
    const path = join(folder, "fuzzed.hrvi");
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            at: fc.nat({ max: saved.length - 5 }),
            bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        async (edits) => {
          const body = Buffer.from(saved.subarray(0, saved.length - 4));
          for (const { at, bytes } of edits) body.set(bytes.subarray(0, body.length - at), at);
          const checksum = Buffer.alloc(4);
          checksum.writeUInt32LE(crc32(body), 0);
          await writeFile(path, Buffer.concat([body, checksum]));
          const outcome = await loadVectorIndex(path, { embedder }).then(
            () => "loaded",
            (error: unknown) => {
              if (!HybridRagError.isInstance(error))
                return `not a HybridRagError: ${String(error)}`;
              // A flipped embedder name or metric is a well-formed file for another embedder.
              if (error.code === "invalid-argument" && /embedder|metric/.test(error.message)) {
                return "other embedder";
              }
              return error.code;
            },
          );
          expect(["loaded", "corrupt-data", "unsupported", "other embedder"]).toContain(outcome);
        },
      ),
      { numRuns: 200, seed: 12 },
    );
  }, 30_000);
});
