import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// An unchanged re-ingest of a hybrid collection loads no model: proved with a model folder whose
// weights no longer load, which the re-ingest must not even notice; a changed file must.

let workspace: string;
let model: string;
let folder: string;
let collection: string;

/** Every file under a directory: name → size, mtime and content hash. */
async function filesOf(directory: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const hash = createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
    files[path.slice(directory.length)] = `${(await stat(path)).size} ${hash}`;
  }
  return files;
}

async function ingest() {
  const io = captureIo();
  const code = await runCli(
    [
      "ingest",
      folder,
      "--into",
      collection,
      "--embedding-model",
      model,
      "--workers",
      "0",
      "--no-progress",
    ],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-reingest-model-"));
  model = join(workspace, "tiny-bi-encoder");
  await createTinyBertModel(model, { kind: "bi-encoder" });
  folder = join(workspace, "docs");
  collection = join(workspace, "collection");
  await mkdir(folder);
  for (let index = 0; index < 5; index++) {
    await writeFile(
      join(folder, `page-${index}.txt`),
      `Page ${index} of the pump manual: valves, gauges and seals, checked weekly.`,
    );
  }
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("hybrid-rag ingest, unchanged re-ingest with a model", () => {
  it("loads the model only when a document is to be embedded", async () => {
    const first = await ingest();
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toContain("added 5,");
    const weights = join(model, "onnx", "model.onnx");
    const goodWeights = await readFile(weights);
    // The model folder is still there (so nothing is fetched from a hub), its weights are not.
    await writeFile(weights, "not an ONNX graph");
    const before = await filesOf(collection);

    const unchanged = await ingest();
    expect(unchanged.err).toBe("");
    expect(unchanged.code).toBe(0);
    expect(unchanged.out).toContain("Nothing changed");
    expect(unchanged.out).toContain("unchanged 5,");
    expect(await filesOf(collection)).toEqual(before);

    await writeFile(
      join(folder, "page-2.txt"),
      "Page 2, revised: the seals are now checked daily.",
    );
    const changed = await ingest();
    expect(changed.code).toBe(1);
    expect(changed.err).toContain("model.onnx");
    expect(await filesOf(collection)).toEqual(before);

    await writeFile(weights, goodWeights);
    const repaired = await ingest();
    expect(repaired.err).toBe("");
    expect(repaired.code).toBe(0);
    expect(repaired.out).toContain("replaced 1, unchanged 4,");
  }, 120_000);
});
