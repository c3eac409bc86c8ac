import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSampleFolder } from "@hybrid-rag/collection/testing";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

// --print-spec prints the pipeline spec the flags stand for; --spec file.json reads one back,
// with the flags given as well written over it.

let workspace: string;
let model: string;
let folder: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-spec-"));
  model = join(workspace, "tiny-bi-encoder");
  await createTinyBertModel(model, { kind: "bi-encoder" });
  folder = join(workspace, "docs");
  await mkdir(folder);
  await writeSampleFolder(folder);
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function printSpec(args: readonly string[]): Promise<Record<string, unknown>> {
  const io = captureIo();
  expect(await runCli([...args, "--print-spec"], io)).toBe(0);
  expect(io.err()).toBe("");
  return JSON.parse(io.out()) as Record<string, unknown>;
}

async function writeSpec(name: string, spec: unknown): Promise<string> {
  const file = join(workspace, name);
  await writeFile(file, JSON.stringify(spec, null, 2));
  return file;
}

describe("hybrid-rag --print-spec / --spec", () => {
  it("prints the flags as a spec, and reads it back unchanged (search, serve, mcp)", async () => {
    const flags = ["--reranker-model", "http://127.0.0.1:9/v1", "--reranker-api", "cohere"];
    const printed = await printSpec([
      "search",
      "dir",
      "query",
      ...flags,
      "--fusion",
      "dbsf",
      "--candidates",
      "40",
      "--top-k",
      "4",
    ]);
    expect(printed).toMatchObject({
      version: 1,
      reranker: { model: "http://127.0.0.1:9/v1", api: "cohere" },
      fusion: { method: "dbsf" },
      topK: { retrieve: 40, final: 4 },
    });
    const file = await writeSpec("search.json", printed);
    expect(await printSpec(["search", "dir", "query", "--spec", file])).toEqual(printed);
    expect(await printSpec(["serve", "dir", "--spec", file])).toEqual(printed);
    expect(await printSpec(["mcp", "dir", "--spec", file])).toEqual(printed);
    expect(await printSpec(["serve", "dir", ...flags])).toMatchObject({
      reranker: printed.reranker,
    });
  });

  it("lets a flag given with --spec override the file's value, and only a flag given", async () => {
    const file = await writeSpec("base.json", {
      version: 1,
      embedder: { model: "use-lite" },
      reranker: { model: "some/cross-encoder" },
      fusion: { method: "rrf", k: 20 },
      topK: { retrieve: 50, final: 5 },
    });
    const spec = await printSpec([
      "search",
      "dir",
      "query",
      "--spec",
      file,
      "--top-k",
      "7",
      "--reranker-model",
      "none",
    ]);
    expect(spec.topK).toEqual({ retrieve: 50, final: 7 });
    expect(spec.reranker).toBeUndefined();
    // Left at their defaults, --embedding-model and --fusion do not replace the file's.
    expect(spec.embedder).toMatchObject({ model: "use-lite" });
    expect(spec.fusion).toEqual({ method: "rrf", k: 20 });
  });

  it("refuses an invalid spec file with the file, the field and what it takes", async () => {
    const file = await writeSpec("wrong.json", {
      version: 1,
      embedder: { model: "m", prefixes: "gte" },
    });
    const io = captureIo();
    expect(await runCli(["search", "dir", "query", "--spec", file], io)).toBe(1);
    expect(io.err()).toContain(`--spec ${file}`);
    expect(io.err()).toContain("embedder.prefixes must be none, e5 or bge");
    const missing = captureIo();
    expect(
      await runCli(
        ["ingest", folder, "--into", "x", "--spec", join(workspace, "no.json")],
        missing,
      ),
    ).toBe(1);
    expect(missing.err()).toMatch(/no\.json: not a readable JSON file/);
    // A flag out of the schema's range is bad usage, named by its spec field.
    const flag = captureIo();
    expect(await runCli(["ingest", folder, "--into", "x", "--max-tokens", "0"], flag)).toBe(2);
    expect(flag.err()).toMatch(/chunking\.maxTokens/);
  });

  it("ingests the same collection from --spec as from the flags it printed", async () => {
    const flags = ["--embedding-model", model, "--max-tokens", "64", "--overlap-tokens", "8"];
    const printed = await printSpec(["ingest", folder, "--into", "unused", ...flags]);
    expect(printed).toMatchObject({
      embedder: { model },
      chunking: { maxTokens: 64, overlapTokens: 8 },
    });
    const file = await writeSpec("ingest.json", printed);
    const fromFlags = join(workspace, "from-flags");
    const fromSpec = join(workspace, "from-spec");
    for (const [into, args] of [
      [fromFlags, flags],
      [fromSpec, ["--spec", file]],
    ] as const) {
      const io = captureIo();
      expect(
        await runCli(
          ["ingest", folder, "--into", into, ...args, "--workers", "0", "--json", "--no-progress"],
          io,
        ),
      ).toBe(0);
    }
    const manifest = async (directory: string) => {
      const {
        createdAt: _createdAt,
        updatedAt: _updatedAt,
        ...rest
      } = JSON.parse(await readFile(join(directory, "manifest.json"), "utf8")) as Record<
        string,
        unknown
      >;
      return rest;
    };
    const [one, two] = await Promise.all([manifest(fromFlags), manifest(fromSpec)]);
    expect(one.embedder).toMatchObject({ name: `onnx:${model}` });
    expect(two.embedder).toEqual(one.embedder);
    expect(two.chunking).toEqual(one.chunking);
  }, 120_000);
});
