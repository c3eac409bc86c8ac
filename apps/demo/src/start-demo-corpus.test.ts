import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPdf } from "@hybrid-rag/loaders/testing";
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
  it("in a folder, counts duplicate ids (first wins) and skipped files instead of reporting all as indexed", async () => {
    const records = [
      { id: "1", text: "solar panels" },
      { id: "2", text: "wind turbines" },
      { id: "1", text: "solar panels, corrected" },
      { id: "3", text: "coffee beans" },
      { id: "2", text: "wind turbines, corrected" },
    ];
    const file = join(folder, "docs.jsonl");
    await writeFile(file, records.map((record) => JSON.stringify(record)).join("\n"));
    await writeFile(join(folder, "logo.png"), "png");
    const { logged, warned } = captureConsole();
    const demo = await startDemo(
      demoConfigFromEnvironment({ DEMO_PORT: "0", DEMO_LOG_LEVEL: "silent" }, folder),
    );
    try {
      expect(logged).toEqual([
        expect.stringMatching(
          /^indexed 3 of 3 chunks \(3 documents\) from .* in [\d.]+ s \(5 records read, 2 duplicate ids \(first wins\), 1 file skipped, 0 failed\)$/,
        ),
      ]);
      expect(warned).toEqual([
        `duplicate id in ${file}:3: the id "1" was already loaded from ${file}:1; the first document with an id is kept`,
        `duplicate id in ${file}:5: the id "2" was already loaded from ${file}:2; the first document with an id is kept`,
        `skipped ${join(folder, "logo.png")}: unsupported file type ".png" (supported: .txt, .md, .markdown, .html, .htm, .pdf, .jsonl)`,
      ]);
      const hits = JSON.stringify(await demo.engine.search("solar", { topK: 5, candidates: 10 }));
      expect(hits).toContain("solar panels");
      expect(hits).not.toContain("corrected");
    } finally {
      await demo.close();
    }
  });

  it("reads a single JSONL file as the same folder holding it would: chunked, first wins", async () => {
    const records = [
      { id: "1", text: "solar panels" },
      { id: "2", text: "wind turbines" },
      { id: "1", text: "solar panels, corrected" },
    ];
    const file = join(folder, "docs.jsonl");
    await writeFile(file, records.map((record) => JSON.stringify(record)).join("\n"));
    const { logged, warned } = captureConsole();
    const demo = await startDemo(
      demoConfigFromEnvironment({ DEMO_PORT: "0", DEMO_LOG_LEVEL: "silent" }, file),
    );
    try {
      expect(logged).toEqual([
        expect.stringMatching(
          /^indexed 2 of 2 chunks \(2 documents\) from .* in [\d.]+ s \(3 records read, 1 duplicate id \(first wins\), 0 failed\)$/,
        ),
      ]);
      expect(warned).toEqual([
        `duplicate id in ${file}:3: the id "1" was already loaded from ${file}:1; the first document with an id is kept`,
      ]);
      const hits = JSON.stringify(await demo.engine.search("solar", { topK: 5, candidates: 10 }));
      expect(hits).toContain("solar panels");
      expect(hits).not.toContain("corrected");
    } finally {
      await demo.close();
    }
  });

  it("reads a single PDF, which it used to refuse", async () => {
    const file = join(folder, "report.pdf");
    await writeFile(file, await createTestPdf({ title: "Report", pages: ["Tidal energy page."] }));
    const { logged } = captureConsole();
    const demo = await startDemo(
      demoConfigFromEnvironment({ DEMO_PORT: "0", DEMO_LOG_LEVEL: "silent" }, file),
    );
    try {
      expect(logged).toEqual([expect.stringMatching(/^indexed 1 of 1 chunks \(1 documents\)/)]);
      expect(
        JSON.stringify(await demo.engine.search("tidal", { topK: 5, candidates: 10 })),
      ).toContain("Tidal energy page.");
    } finally {
      await demo.close();
    }
  });
});

function captureConsole(): { logged: string[]; warned: string[] } {
  const logged: string[] = [];
  const warned: string[] = [];
  vi.spyOn(console, "log").mockImplementation((text: string) => logged.push(text));
  vi.spyOn(console, "warn").mockImplementation((text: string) => warned.push(text));
  return { logged, warned };
}
