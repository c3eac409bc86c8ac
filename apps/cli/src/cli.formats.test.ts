import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTestDocx,
  createTestEpub,
  createTestOdt,
  createTestPptx,
} from "@hybrid-rag/loaders/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// Issue 27: docx, pptx, odt, epub, csv, json and rst files were "unsupported file type". Each is
// generated here, ingested by `hybrid-rag ingest` and found by `hybrid-rag search` with its
// citation (BM25 only: no model is needed to prove the text went in and comes back cited).

let workspace: string;
let folder: string;
let collection: string;
let ingestOutput = "";

interface JsonHit {
  parentId: string;
  source: string;
  pageStart: number | null;
  start: number;
  end: number;
  headingPath: string[];
  title: string | null;
  text: string;
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-formats-"));
  folder = join(workspace, "docs");
  collection = join(workspace, "collection");
  await mkdir(folder);
  await writeFile(
    join(folder, "handbook.docx"),
    await createTestDocx({
      title: "Harbour handbook",
      paragraphs: [
        { text: "Mooring", style: "Heading1" },
        "Every berth has a bollard painted yellow; tie up to it, never to the rail.",
      ],
    }),
  );
  await writeFile(
    join(folder, "briefing.pptx"),
    await createTestPptx({
      slides: [
        { title: "Welcome", body: ["Crew introductions"] },
        { title: "Sails", body: ["Hoist the spinnaker only downwind"] },
      ],
    }),
  );
  await writeFile(
    join(folder, "minutes.odt"),
    await createTestOdt({
      blocks: [
        { text: "Club minutes", level: 1 },
        "The committee voted to hold the autumn regatta in October.",
      ],
    }),
  );
  await writeFile(
    join(folder, "pilot.epub"),
    await createTestEpub({
      title: "Coastal pilot",
      chapters: [
        { body: "<h1>Approaches</h1><p>The lighthouse flashes white every ten seconds.</p>" },
      ],
    }),
  );
  await writeFile(
    join(folder, "parts.csv"),
    "part,where\ncleat,foredeck\ngunwale,the upper edge of the hull\n",
  );
  await writeFile(
    join(folder, "faq.json"),
    JSON.stringify([
      { id: "faq-anchor", title: "Anchoring", text: "Use the windlass to raise the anchor." },
    ]),
  );
  await writeFile(
    join(folder, "tides.rst"),
    "Tides\n=====\n\nSlack water\n-----------\n\nAt *slack water* the tidewater stands still for a while.\n",
  );
  const io = captureIo();
  const code = await runCli(
    ["ingest", folder, "--into", collection, "--embedding-model", "none", "--no-progress"],
    io,
  );
  ingestOutput = io.out() + io.err();
  expect(code, ingestOutput).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function topHit(query: string): Promise<JsonHit> {
  const io = captureIo();
  const code = await runCli(["search", collection, query, "--json", "--top-k", "1"], io);
  expect(io.err()).toBe("");
  expect(code).toBe(0);
  const [hit] = (JSON.parse(io.out()) as { hits: JsonHit[] }).hits;
  expect(hit, `a hit for ${query}`).toBeDefined();
  return hit!;
}

describe("hybrid-rag ingest and search, the formats users have", () => {
  it("ingests every format without skipping any file", () => {
    expect(ingestOutput).toMatch(/\n {2}skipped {5}0\n/);
    expect(ingestOutput).not.toMatch(/unsupported/);
    // handbook, briefing, minutes, pilot, 2 CSV rows, 1 JSON record, tides.
    expect(ingestOutput).toMatch(/documents {3}8 \(added 8,/);
  });

  it.each([
    ["bollard", "handbook.docx", "handbook.docx", ["Mooring"], null],
    ["spinnaker", "briefing.pptx", "briefing.pptx", ["Sails"], 2],
    ["regatta", "minutes.odt", "minutes.odt", ["Club minutes"], null],
    ["lighthouse", "pilot.epub", "pilot.epub", ["Approaches"], null],
    ["gunwale", "parts.csv#2", "parts.csv", [], null],
    ["windlass", "faq-anchor", "faq.json", [], null],
    ["tidewater", "tides.rst", "tides.rst", ["Tides", "Slack water"], null],
  ])("finds %s in %s with its citation", async (word, parentId, file, headingPath, page) => {
    const hit = await topHit(word);
    expect(hit).toMatchObject({
      parentId,
      source: join(folder, file),
      headingPath,
      pageStart: page,
    });
    expect(hit.text).toContain(word);
    expect(hit.end - hit.start).toBe(hit.text.length);
  });

  it("--csv-passage table makes a CSV file one document, --json-text-field reads another field", async () => {
    const other = join(workspace, "other");
    await mkdir(other);
    await writeFile(join(other, "parts.csv"), "part,where\ncleat,foredeck\ngunwale,hull edge\n");
    await writeFile(join(other, "notes.json"), JSON.stringify([{ id: "n1", body: "a keel note" }]));
    const into = join(workspace, "other-collection");
    const io = captureIo();
    const args = ["ingest", other, "--into", into, "--embedding-model", "none", "--no-progress"];
    const flags = ["--csv-passage", "table", "--json-text-field", "body"];
    expect(await runCli([...args, ...flags], io)).toBe(0);
    expect(io.out()).toMatch(/documents {3}2 \(added 2,/);
    const search = captureIo();
    expect(await runCli(["search", into, "gunwale", "--json"], search)).toBe(0);
    const [hit] = (JSON.parse(search.out()) as { hits: JsonHit[] }).hits;
    expect(hit).toMatchObject({
      parentId: "parts.csv",
      text: "part: cleat\nwhere: foredeck\n\npart: gunwale\nwhere: hull edge",
    });
  }, 60_000);
});
