import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readQrels, writeQrels } from "./qrels-io.ts";
import { readTrecRun, writeTrecRun } from "./trec-run-io.ts";
import type { Qrels, Run } from "./types.ts";

let directory = "";
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "hybrid-rag-eval-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("TREC runs", () => {
  it("round-trips scores exactly and writes ranks in the given order", async () => {
    const run: Run = new Map([
      [
        "q1",
        [
          { docId: "d2", score: 0.1 + 0.2 },
          { docId: "d1", score: -3e-12 },
        ],
      ],
      ["q2", [{ docId: "d1", score: 7 }]],
    ]);
    const path = join(directory, "round-trip.run");
    await writeTrecRun(path, run, { tag: "bm25" });
    const text = await readFile(path, "utf8");
    expect(text.split("\n")[0]).toBe("q1 Q0 d2 1 0.30000000000000004 bm25");
    expect(await readTrecRun(path)).toEqual(run);
    expect((await readdir(directory)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("names the line of a malformed entry", async () => {
    const path = join(directory, "bad.run");
    await writeFile(path, "q1 Q0 d1 1 2.5 tag\nq1 Q0 d2 2 oops tag\n");
    await expect(readTrecRun(path)).rejects.toThrow(
      /bad\.run:2: the score must be a finite number, got "oops"/,
    );
    await writeFile(path, "q1 Q0 d1 1 2.5\n");
    await expect(readTrecRun(path)).rejects.toThrow(/bad\.run:1: expected 6 columns/);
    await writeFile(path, "q1 Q0 d1 1 2.5 t\n\nq1 Q0 d1 2 1 t\n");
    await expect(readTrecRun(path)).rejects.toThrow(/bad\.run:3: .*"d1" twice \(first on line 1\)/);
  });

  it("refuses ids the layout cannot hold and reports missing files", async () => {
    const run: Run = new Map([["q 1", [{ docId: "d1", score: 1 }]]]);
    await expect(writeTrecRun(join(directory, "x.run"), run)).rejects.toThrow(/whitespace/);
    await expect(readTrecRun(join(directory, "absent.run"))).rejects.toMatchObject({
      code: "not-found",
    });
  });
});

describe("qrels", () => {
  it("reads BEIR TSV with its header and TREC layout alike", async () => {
    const beir = join(directory, "test.tsv");
    await writeFile(beir, "query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t42\t0\n3\t7\t2\n");
    const trec = join(directory, "qrels.txt");
    await writeFile(trec, "1 0 31715818 1\n1 0 42 0\n3 0 7 2\n");
    const expected: Qrels = new Map([
      [
        "1",
        new Map([
          ["31715818", 1],
          ["42", 0],
        ]),
      ],
      ["3", new Map([["7", 2]])],
    ]);
    expect(await readQrels(beir)).toEqual(expected);
    expect(await readQrels(trec)).toEqual(expected);
    const written = join(directory, "written.qrels");
    await writeQrels(written, expected);
    expect(await readQrels(written)).toEqual(expected);
  });

  it("names the line of a bad grade, a wrong column count or a repeated pair", async () => {
    const path = join(directory, "bad.tsv");
    await writeFile(path, "1\td1\t1\n1\td2\thigh\n");
    await expect(readQrels(path)).rejects.toThrow(
      /bad\.tsv:2: the grade must be an integer, got "high"/,
    );
    await writeFile(path, "1\td1\n");
    await expect(readQrels(path)).rejects.toThrow(/bad\.tsv:1: expected 3 columns/);
    await writeFile(path, "1\td1\t1\n1\td1\t2\n");
    await expect(readQrels(path)).rejects.toThrow(/bad\.tsv:2: .*again \(first on line 1\)/);
  });
});
