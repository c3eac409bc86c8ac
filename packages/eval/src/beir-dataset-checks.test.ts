import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBeirDataset } from "./beir-dataset.ts";

let root = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hybrid-rag-beir-checks-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const corpus = '{"_id": "d1", "text": "Cats purr."}\n{"_id": "d2", "text": "Dogs bark."}\n';
const qrels = "query-id\tcorpus-id\tscore\nq1\td1\t1\n";

let counter = 0;
async function dataset(files: { corpus?: string; queries: string }): Promise<string> {
  counter += 1;
  const directory = join(root, `set-${counter}`);
  await mkdir(join(directory, "qrels"), { recursive: true });
  await writeFile(join(directory, "corpus.jsonl"), files.corpus ?? corpus);
  await writeFile(join(directory, "queries.jsonl"), files.queries);
  await writeFile(join(directory, "qrels", "test.tsv"), qrels);
  return directory;
}

describe("loadBeirDataset checks", () => {
  it("reports a duplicate query id, saying which text is evaluated", async () => {
    const directory = await dataset({
      queries:
        '{"_id": "q1", "text": "purring"}\n{"_id": "q2", "text": "x"}\n{"_id": "q1", "text": "meowing"}\n',
    });
    const loaded = await loadBeirDataset(directory);
    expect(loaded.queries.get("q1")).toBe("meowing");
    expect(loaded.warnings).toEqual([
      `${join(directory, "queries.jsonl")}:3: query id "q1" appears again (first at line 1); its later text is the one evaluated.`,
    ]);
  });

  it.each(["../x", "../../etc/passwd", "a/b", "..", "", ".hidden"])(
    "refuses the split %j, which would read outside qrels/",
    async (split) => {
      const directory = await dataset({ queries: '{"_id": "q1", "text": "purring"}\n' });
      await expect(loadBeirDataset(directory, { split })).rejects.toMatchObject({
        code: "invalid-argument",
        message: expect.stringMatching(/Invalid split .*inside the dataset folder/),
      });
    },
  );

  it("accepts split names such as dev, test.v2 and train_small", async () => {
    const directory = await dataset({ queries: '{"_id": "q1", "text": "purring"}\n' });
    for (const split of ["dev", "test.v2", "train_small"]) {
      await writeFile(join(directory, "qrels", `${split}.tsv`), qrels);
      expect((await loadBeirDataset(directory, { split })).split).toBe(split);
    }
  });

  it("refuses numeric ids that cannot be kept exactly as written", async () => {
    const directory = await dataset({
      corpus: '{"_id": 12345678901234567890, "text": "a"}\n',
      queries: '{"_id": "q1", "text": "purring"}\n',
    });
    const loaded = await loadBeirDataset(directory, { unknownDocumentIds: "warn" });
    expect(loaded.documentCount).toBe(0);
    expect(loaded.warnings[0]).toMatch(
      /corpus\.jsonl:1: skipped: not a document record \(_id: .*cannot be kept exactly as written/,
    );
  });

  it("keeps the first record of a repeated document id and warns, as every loader does", async () => {
    const directory = await dataset({
      corpus: '{"_id": "d1", "text": "first"}\n{"_id": "d1", "text": "second"}\n',
      queries: '{"_id": "q1", "text": "purring"}\n',
    });
    const loaded = await loadBeirDataset(directory);
    expect(loaded.warnings).toEqual([
      `${join(directory, "corpus.jsonl")}:2: skipped: the id "d1" was already loaded from ${join(directory, "corpus.jsonl")}:1; the first document with an id is kept.`,
    ]);
    const documents = [];
    for await (const document of loaded.documents()) documents.push(document);
    expect(documents).toEqual([{ id: "d1", text: "first" }]);
  });

  it("skips a corpus line over the line budget, naming it, without reading it whole", async () => {
    const directory = await dataset({
      corpus: `{"_id": "d1", "text": "${"x".repeat(2000)}"}\n`,
      queries: '{"_id": "q1", "text": "purring"}\n',
    });
    const loaded = await loadBeirDataset(directory, {
      maxLineBytes: 1000,
      unknownDocumentIds: "warn",
    });
    expect(loaded.documentCount).toBe(0);
    expect(loaded.warnings[0]).toMatch(
      /corpus\.jsonl:1: skipped: a line of 2025 bytes, over the 1000-byte budget for one record \(raise maxLineBytes/,
    );
  });
});
