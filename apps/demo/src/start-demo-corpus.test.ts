import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { startDemo } from "./start-demo.ts";

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "demo-start-"));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(folder, { recursive: true, force: true });
});

describe("startDemo's ingest summary", () => {
  it("counts duplicate ids (last wins) and skipped files instead of reporting all as indexed", async () => {
    const records = [
      { id: "1", text: "solar panels" },
      { id: "2", text: "wind turbines" },
      { id: "1", text: "solar panels, corrected" },
      { id: "3", text: "coffee beans" },
      { id: "2", text: "wind turbines, corrected" },
    ];
    await writeFile(
      join(folder, "docs.jsonl"),
      records.map((record) => JSON.stringify(record)).join("\n"),
    );
    await writeFile(join(folder, "logo.png"), "png");
    const logged: string[] = [];
    const warned: string[] = [];
    vi.spyOn(console, "log").mockImplementation((text: string) => logged.push(text));
    vi.spyOn(console, "warn").mockImplementation((text: string) => warned.push(text));
    const demo = await startDemo(
      demoConfigFromEnvironment({ DEMO_PORT: "0", DEMO_LOG_LEVEL: "silent" }, folder),
    );
    try {
      expect(logged).toEqual([
        expect.stringMatching(
          /^indexed 3 of 3 documents from .* in [\d.]+ s \(5 records read, 2 duplicate ids \(last wins\), 1 file skipped\)$/,
        ),
      ]);
      expect(warned).toEqual([
        `duplicate id "1": the record at ${join(folder, "docs.jsonl")}:1 was replaced by the one at ${join(folder, "docs.jsonl")}:3 (last wins)`,
        `duplicate id "2": the record at ${join(folder, "docs.jsonl")}:2 was replaced by the one at ${join(folder, "docs.jsonl")}:5 (last wins)`,
        `skipped ${join(folder, "logo.png")}: not a .txt, .md, .markdown or .jsonl file`,
      ]);
      const hits = await demo.engine.search("solar", { topK: 5, candidates: 10 });
      expect(JSON.stringify(hits)).toContain("solar panels, corrected");
    } finally {
      await demo.close();
    }
  });
});
