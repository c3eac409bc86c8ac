import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { removeLeftoverTemporaryFiles, writeFileAtomically } from "./atomic-file.ts";
import { HybridRagError } from "./errors.ts";

let folder = "";
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "atomic-file-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);

describe("writeFileAtomically", () => {
  it("writes every chunk and leaves no temporary file", async () => {
    const path = join(folder, "index.bin");
    await writeFileAtomically(path, [bytes("one "), bytes("two")], "the test file");
    expect(await readFile(path, "utf8")).toBe("one two");
    expect(await readdir(folder)).toEqual(["index.bin"]);
  });

  it("removes leftovers of writes killed midway, by this and older versions", async () => {
    const path = join(folder, "index.bin");
    const deadPid = 2 ** 22 + 17; // above Linux's pid_max default: no such process
    const leftovers = [
      `index.bin.${deadPid}.0123456789ab.tmp`,
      "index.bin.0123456789ab.tmp",
      "index.bin.6f1c9d0e-8a4b-4c2d-9e3f-0a1b2c3d4e5f.tmp",
    ];
    for (const name of leftovers) await writeFile(join(folder, name), "partial");
    await writeFile(join(folder, "index.bin.notes.tmp"), "not ours");
    await writeFile(join(folder, `index.bin.${process.ppid}.0123456789ab.tmp`), "a live writer");
    await writeFileAtomically(path, [bytes("new")], "the test file");
    expect((await readdir(folder)).sort()).toEqual(
      ["index.bin", "index.bin.notes.tmp", `index.bin.${process.ppid}.0123456789ab.tmp`].sort(),
    );
  });

  it("reports a missing folder as not-found and leaves nothing behind", async () => {
    const path = join(folder, "missing", "index.bin");
    const error = await writeFileAtomically(path, [bytes("x")], "the test file").catch(
      (caught: unknown) => caught,
    );
    expect(HybridRagError.isInstance(error)).toBe(true);
    expect((error as HybridRagError).code).toBe("not-found");
    expect((error as HybridRagError).message).toContain("Could not save the test file to");
  });

  it("refuses to write over a folder with invalid-argument and cleans its temporary file", async () => {
    const path = join(folder, "taken");
    await mkdir(path);
    await writeFile(join(path, "inside"), "x");
    const error = await writeFileAtomically(path, [bytes("x")], "the test file").catch(
      (caught: unknown) => caught,
    );
    expect((error as HybridRagError).code).toBe("invalid-argument");
    expect(await readdir(folder)).toEqual(["taken"]);
  });
});

describe("removeLeftoverTemporaryFiles", () => {
  it("returns what it removed and ignores a folder that does not exist", async () => {
    const path = join(folder, "a.idx");
    await writeFile(join(folder, "a.idx.0123456789ab.tmp"), "partial");
    expect(await removeLeftoverTemporaryFiles(path)).toEqual([
      join(folder, "a.idx.0123456789ab.tmp"),
    ]);
    expect(await removeLeftoverTemporaryFiles(join(folder, "nope", "a.idx"))).toEqual([]);
  });
});
