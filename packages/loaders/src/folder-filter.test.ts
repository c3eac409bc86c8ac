import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadFolderOptions } from "./load-folder.ts";
import { loadFolder } from "./load-folder.ts";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "loaders-folder-filter-"));
  await mkdir(join(folder, "guide", "old"), { recursive: true });
  await mkdir(join(folder, "build"));
  for (const path of [
    "readme.md",
    "guide/intro.md",
    "guide/intro.html",
    "guide/old/legacy.md",
    "guide/keep.txt",
    "build/out.txt",
  ]) {
    await writeFile(join(folder, path), `The text of ${path}.`);
  }
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function load(options: LoadFolderOptions = {}) {
  const excluded: string[] = [];
  const loaded: string[] = [];
  for await (const result of loadFolder(folder, {
    ...options,
    onExcluded: (path) => excluded.push(path),
  })) {
    loaded.push(result.kind === "document" ? result.id : `skipped:${result.source}`);
  }
  return { loaded, excluded };
}

describe("loadFolder include/exclude patterns and .hybridragignore", () => {
  it("loads everything without patterns", async () => {
    expect((await load()).loaded).toHaveLength(6);
  });

  it("exclude takes gitignore patterns; an excluded folder is reported once, not walked", async () => {
    const { loaded, excluded } = await load({ exclude: ["*.html", "old/"] });
    expect(loaded.sort()).toEqual([
      "build/out.txt",
      "guide/intro.md",
      "guide/keep.txt",
      "readme.md",
    ]);
    expect(excluded.sort()).toEqual(["guide/intro.html", "guide/old"]);
  });

  it("include keeps only matching files and still walks every folder", async () => {
    const { loaded, excluded } = await load({ include: ["*.md"], exclude: ["/readme.md"] });
    expect(loaded.sort()).toEqual(["guide/intro.md", "guide/old/legacy.md"]);
    expect(excluded).toHaveLength(4);
  });

  it("reads .hybridragignore at the root (comments, negation), and never loads it", async () => {
    await writeFile(
      join(folder, ".hybridragignore"),
      "# generated\nbuild/\n*.md\n!guide/intro.md\n",
    );
    try {
      const { loaded, excluded } = await load();
      expect(loaded.sort()).toEqual(["guide/intro.html", "guide/intro.md", "guide/keep.txt"]);
      expect(excluded.sort()).toEqual(["build", "guide/old/legacy.md", "readme.md"]);
    } finally {
      await rm(join(folder, ".hybridragignore"));
    }
  });
});

describe("loadFolder unchangedFile", () => {
  it("records each file's SHA-256, and skips (as unchanged, with its id) what the caller holds", async () => {
    const { createHash } = await import("node:crypto");
    const { readFile } = await import("node:fs/promises");
    const sha = async (path: string) =>
      createHash("sha256")
        .update(await readFile(join(folder, path)))
        .digest("hex");
    const documents = new Map<string, string | undefined>();
    for await (const result of loadFolder(folder)) {
      if (result.kind === "document") documents.set(result.id, result.fileSha256);
    }
    expect(documents.get("guide/intro.md")).toBe(await sha("guide/intro.md"));
    const held = await sha("guide/keep.txt");
    const asked: string[] = [];
    const results = [];
    for await (const result of loadFolder(folder, {
      unchangedFile: (id, fileSha256) => {
        asked.push(id);
        return id === "guide/keep.txt" && fileSha256 === held;
      },
    })) {
      results.push(result);
    }
    expect(asked).toHaveLength(6);
    const skipped = results.filter((result) => result.kind === "skipped");
    expect(skipped).toEqual([expect.objectContaining({ code: "unchanged", id: "guide/keep.txt" })]);
    expect(results.filter((result) => result.kind === "document")).toHaveLength(5);
  });
});
