import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBeirDataset } from "./beir-dataset.ts";
import { loadBeirInMemory } from "./load-beir-in-memory.ts";

let root = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hybrid-rag-beir-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Files {
  corpus?: string;
  queries?: string;
  qrels?: string;
}

const good = {
  corpus: [
    '{"_id": "d1", "title": "Cats", "text": "Cats purr.", "metadata": {"year": 2020}}',
    '{"_id": "d2", "title": "", "text": "Dogs bark."}',
    "",
    '{"_id": "d3", "text": "Birds sing."}',
  ].join("\n"),
  queries: [
    '{"_id": "q1", "text": "purring"}',
    '{"_id": "q2", "text": "unjudged"}',
    '{"_id": "q3", "text": "barking"}',
  ].join("\n"),
  qrels: "query-id\tcorpus-id\tscore\nq3\td2\t1\nq1\td1\t1\n",
};

let counter = 0;
async function folder(files: Files = {}): Promise<string> {
  counter += 1;
  const directory = join(root, `set-${counter}`);
  await mkdir(join(directory, "qrels"), { recursive: true });
  await writeFile(join(directory, "corpus.jsonl"), files.corpus ?? good.corpus);
  await writeFile(join(directory, "queries.jsonl"), files.queries ?? good.queries);
  await writeFile(join(directory, "qrels", "test.tsv"), files.qrels ?? good.qrels);
  return directory;
}

describe("loadBeirDataset", () => {
  it("loads the split's queries, its qrels and streams the corpus", async () => {
    const dataset = await loadBeirDataset(await folder());
    expect([...dataset.queries]).toEqual([
      ["q1", "purring"],
      ["q3", "barking"],
    ]);
    expect(dataset.qrels.get("q3")).toEqual(new Map([["d2", 1]]));
    expect(dataset.documentCount).toBe(3);
    const documents = [];
    for await (const document of dataset.documents()) documents.push(document);
    expect(documents).toEqual([
      { id: "d1", title: "Cats", text: "Cats purr.", metadata: { year: 2020 } },
      { id: "d2", text: "Dogs bark." },
      { id: "d3", text: "Birds sing." },
    ]);
  });

  it("loads a small collection whole with loadBeirInMemory", async () => {
    const data = await loadBeirInMemory(await folder());
    expect(data.queries).toEqual([
      { id: "q1", text: "purring" },
      { id: "q3", text: "barking" },
    ]);
    expect(data.documents.map((document) => document.id)).toEqual(["d1", "d2", "d3"]);
    expect(data.qrels.get("q1")).toEqual(new Map([["d1", 1]]));
  });

  it("names the line of malformed JSON and of a missing field (skipped, in warnings)", async () => {
    const broken = await folder({ corpus: '{"_id": "d1", "text": "x"}\n{"_id": "d2", "text": ' });
    await expect(loadBeirDataset(broken)).rejects.toThrow(
      /query "q3" judges document "d2", which is not in corpus\.jsonl/,
    );
    const warned = await loadBeirDataset(broken, { unknownDocumentIds: "warn" });
    expect(warned.warnings[0]).toMatch(/corpus\.jsonl:2: skipped: not valid JSON/);
    const noText = await folder({ corpus: '{"_id": "d1", "text": "x"}\n{"_id": "d2"}' });
    expect((await loadBeirDataset(noText, { unknownDocumentIds: "warn" })).warnings[0]).toMatch(
      /corpus\.jsonl:2: skipped: not a document record \(text: missing or not a string\)/,
    );
    const noId = await folder({ queries: '{"text": "x"}' });
    await expect(loadBeirDataset(noId)).rejects.toThrow(/queries\.jsonl:1: "_id": missing/);
  });

  it("names the qrels line of an unknown query or document id", async () => {
    const unknownQuery = await folder({ qrels: "q1\td1\t1\nq9\td1\t1\n" });
    await expect(loadBeirDataset(unknownQuery)).rejects.toThrow(
      /test\.tsv:2: query id "q9" is judged but not in/,
    );
    const unknownDocument = await folder({ qrels: "q1\td1\t1\nq1\td404\t1\n" });
    await expect(loadBeirDataset(unknownDocument)).rejects.toThrow(
      /test\.tsv:2: query "q1" judges document "d404", which is not in corpus\.jsonl/,
    );
    const warned = await loadBeirDataset(unknownDocument, { unknownDocumentIds: "warn" });
    expect(warned.warnings).toEqual([expect.stringMatching(/test\.tsv:2: .*"d404".*\(kept\)/)]);
    expect(warned.qrels.get("q1")?.get("d404")).toBe(1);
  });

  it("says what is missing: the folder or the split", async () => {
    await expect(loadBeirDataset(join(root, "nowhere"))).rejects.toMatchObject({
      code: "not-found",
    });
    await expect(loadBeirDataset(await folder(), { split: "dev" })).rejects.toThrow(/split "dev"/);
  });

  it("loads SciFact's 300 test queries and 5,183 documents", async () => {
    const dataset = await loadBeirDataset(
      join(import.meta.dirname, "../../../../shared/datasets/scifact"),
    );
    expect(dataset.queries.size).toBe(300);
    expect(dataset.documentCount).toBe(5183);
    expect([...dataset.qrels.values()].reduce((sum, grades) => sum + grades.size, 0)).toBe(339);
  });
});
