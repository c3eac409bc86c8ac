import { access, appendFile, copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, runCli } from "./main.ts";
import { writeTinyBeir } from "./tiny-beir.ts";

let root = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hybrid-rag-bench-checks-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function tinyDataset(): Promise<string> {
  counter++;
  const directory = join(root, `tiny-${counter}`);
  await writeTinyBeir(directory);
  return directory;
}

async function bench(dataset: string, ...extra: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
  const outDirectory = join(dataset, "results");
  const code = await runCli(
    [
      "--dataset",
      dataset,
      "--pipelines",
      "sparse",
      "--top-k",
      "10",
      "--out",
      outDirectory,
      "--no-progress",
      ...extra,
    ],
    io,
  );
  return { code, stdout: out.join(""), stderr: err.join(""), outDirectory };
}

describe("bench CLI dataset checks", () => {
  it("prints dataset warnings on stdout and in results.md, a duplicate query id among them", async () => {
    const dataset = await tinyDataset();
    await appendFile(
      join(dataset, "queries.jsonl"),
      `${JSON.stringify({ _id: "q-solar", text: "rooftop sunlight" })}\n`,
    );
    await appendFile(
      join(dataset, "corpus.jsonl"),
      `${JSON.stringify({ _id: "tea-1", text: "Black tea is oxidised." })}\n`,
    );
    const { code, stdout, outDirectory } = await bench(dataset);
    expect(code).toBe(0);
    expect(stdout).toContain("Dataset warnings (2):");
    expect(stdout).toMatch(
      /- .*queries\.jsonl:8: query id "q-solar" appears again \(first at line 1\); its later text is the one evaluated\./,
    );
    expect(stdout).toMatch(
      /- .*corpus\.jsonl:31: skipped: the id "tea-1" was already loaded from .*corpus\.jsonl:\d+; the first document with an id is kept\./,
    );
    expect(await readFile(join(outDirectory, "results.md"), "utf8")).toBe(stdout);
  }, 30_000);

  it("refuses a --split that leaves the dataset's qrels folder, without reading it", async () => {
    const dataset = await tinyDataset();
    await copyFile(join(dataset, "qrels", "test.tsv"), join(dataset, "outside.tsv"));
    const { code, stderr, outDirectory } = await bench(dataset, "--split", "../outside");
    expect(code).toBe(2);
    expect(stderr).toMatch(/Invalid split "\.\.\/outside": .*no "\/" or "\.\."/);
    await expect(access(outDirectory)).rejects.toThrow();
  });

  it("exits non-zero with a clear message when no query is judged relevant", async () => {
    const dataset = await tinyDataset();
    const qrels = await readFile(join(dataset, "qrels", "test.tsv"), "utf8");
    await writeFile(
      join(dataset, "qrels", "test.tsv"),
      qrels.replace(/\t[12]$/gm, "\t0"), // every judgement grade 0
    );
    const { code, stderr, outDirectory } = await bench(dataset);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /No judged queries: split "test" of .* has no query with a relevant document .*every metric would be 0/,
    );
    await expect(access(join(outDirectory, "results.md"))).rejects.toThrow();
  });
});
