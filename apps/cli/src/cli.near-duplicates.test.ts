import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPdf } from "@hybrid-rag/loaders/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

let workspace: string;
let folder: string;
let collection: string;

const title = "Replacing the tide gauge float";
const paragraphs = [
  "The float of the harbour tide gauge wears out after about six winters of salt spray. Before replacing it, close the stilling well valve and note the last reading in the station log.",
  "Unscrew the four brass bolts that hold the float arm, lift the old float clear of the well, and check the counterweight cable for frayed strands; a frayed cable is replaced with the float.",
];

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-near-duplicates-"));
  folder = join(workspace, "docs");
  collection = join(workspace, "collection");
  await mkdir(folder);
  await writeFile(
    join(folder, "gauge.html"),
    `<html><head><title>${title}</title></head><body><h1>${title}</h1>${paragraphs.map((text) => `<p>${text}</p>`).join("")}</body></html>`,
  );
  await writeFile(join(folder, "gauge.txt"), `${title}\n\n${paragraphs.join("\n\n")}\n`);
  await writeFile(
    join(folder, "gauge.pdf"),
    await createTestPdf({ title, pages: [`${title}\n\n${paragraphs.join("\n\n")}`] }),
  );
  await writeFile(
    join(folder, "diesel.txt"),
    "Ordering diesel for the pilot boat: the supplier needs the tank reading, the delivery window and the berth number by noon on Thursday; the cable of the fuel hose is checked at delivery.",
  );
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag ingest and search, the same page in three formats", () => {
  it("the summary counts the near-duplicates; search shows the page once with 'also in'", async () => {
    const io = captureIo();
    const code = await runCli(
      ["ingest", folder, "--into", collection, "--embedding-model", "none", "--no-progress"],
      io,
    );
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(io.out()).toContain("near-duplicates: 1 group, 3 documents");
    expect(io.out()).toMatch(/gauge\.html = .*gauge\.pdf = .*gauge\.txt/);
    const search = async (...flags: string[]) => {
      const out = captureIo();
      expect(
        await runCli(["search", collection, "frayed counterweight cable", ...flags], out),
      ).toBe(0);
      return out.out();
    };
    const collapsed = await search();
    const shown = collapsed
      .split("\n")
      .filter((line) => /^\[\d+\] .*gauge\.(html|txt|pdf)/.test(line));
    expect(new Set(shown.map((line) => /gauge\.\w+/.exec(line)?.[0])).size).toBe(1);
    expect(collapsed).toMatch(/ {3}also in: .*gauge\.\w+, .*gauge\.\w+\n/);
    const all = await search("--keep-duplicates");
    const every = all.split("\n").filter((line) => /^\[\d+\] .*gauge\.(html|txt|pdf)/.test(line));
    expect(new Set(every.map((line) => /gauge\.\w+/.exec(line)?.[0])).size).toBe(3);
    expect(all).not.toContain("also in:");
  }, 60_000);
});

describe("the same page in three formats, searched through a running serve", () => {
  it("prints the same hits, citations and 'also in' lines as the search run here", async () => {
    // The collection the test above ingested.
    const search = async (...flags: string[]) => {
      const out = captureIo();
      expect(
        await runCli(["search", collection, "frayed counterweight cable", ...flags], out),
      ).toBe(0);
      expect(out.err()).toBe("");
      return out.out();
    };
    const here = await search("--no-server");
    expect(here).toMatch(/ {3}also in: .*gauge\.\w+, .*gauge\.\w+\n/);
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "bin.ts"), "serve", collection, "--port", "0"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    try {
      let stderr = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on("data", (chunk) => {
          stderr += chunk;
          const match = / on (http:\/\/\S+) /.exec(stderr);
          if (match) resolve(match[1]!);
        });
        child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      expect(await search("--server", url)).toBe(here);
      const json = async (...flags: string[]) =>
        JSON.parse(await search("--json", ...flags)) as {
          hits: { alsoIn: unknown; sourceSpan: unknown }[];
        };
      const [served, local] = [await json("--server", url), await json("--no-server")];
      expect(served.hits.map((hit) => [hit.alsoIn, hit.sourceSpan])).toEqual(
        local.hits.map((hit) => [hit.alsoIn, hit.sourceSpan]),
      );
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
  }, 60_000);
});
