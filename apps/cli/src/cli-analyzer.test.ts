import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

let workspace: string;
let folder: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-analyzer-"));
  folder = join(workspace, "docs");
  await mkdir(folder);
  await writeFile(join(folder, "panels.md"), "# Panels\n\nThe solar panels generate power.\n");
  await writeFile(join(folder, "wind.md"), "# Wind\n\nThe turbine turns in the wind.\n");
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("hybrid-rag ingest --analyzer", () => {
  it("records the analyzer in the manifest; search analyses queries with it; another one is refused", async () => {
    const english = join(workspace, "english");
    expect(
      (
        await cli(
          "ingest",
          folder,
          "--into",
          english,
          "--embedding-model",
          "none",
          "--analyzer",
          "english",
          "--no-progress",
        )
      ).code,
    ).toBe(0);
    const manifest = JSON.parse(await readFile(join(english, "manifest.json"), "utf8"));
    expect(manifest.bm25.analyzer).toBe("english");
    // "panel" finds "panels" only through the english analyzer's stemming.
    const stemmed = await cli("search", english, "panel", "--json");
    expect(JSON.parse(stemmed.out).hits.map((hit: { parentId: string }) => hit.parentId)).toEqual([
      "panels.md",
    ]);
    const standard = join(workspace, "standard");
    expect(
      (
        await cli(
          "ingest",
          folder,
          "--into",
          standard,
          "--embedding-model",
          "none",
          "--no-progress",
        )
      ).code,
    ).toBe(0);
    expect(JSON.parse(await readFile(join(standard, "manifest.json"), "utf8")).bm25.analyzer).toBe(
      "standard",
    );
    expect(JSON.parse((await cli("search", standard, "panel", "--json")).out).hits).toEqual([]);

    const refused = await cli(
      "ingest",
      folder,
      "--into",
      english,
      "--analyzer",
      "standard",
      "--no-progress",
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /indexed with the english analyzer, not standard: leave --analyzer out/,
    );
    expect((await cli("ingest", folder, "--into", english, "--no-progress")).code).toBe(0);
  });
});
