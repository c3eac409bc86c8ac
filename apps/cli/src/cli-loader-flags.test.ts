import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "./capture-io.test.helper.ts";
import { runCli } from "./main.ts";

let workspace: string;
let model: string;
let folder: string;
let outside: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "hybrid-rag-cli-loader-"));
  model = join(workspace, "tiny-bi-encoder");
  await createTinyBertModel(model, { kind: "bi-encoder" });
  folder = join(workspace, "docs");
  outside = join(workspace, "elsewhere");
  await mkdir(folder);
  await mkdir(outside);
  await writeFile(join(folder, "notes.txt"), "Tide tables for the north pier, week by week.");
  await writeFile(join(folder, "latin1.txt"), Buffer.from("café crème", "latin1"));
  await writeFile(join(outside, "linked.txt"), "linked");
  await symlink(outside, join(folder, "outside"));
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

const ingest = (into: string, ...flags: string[]) => [
  "ingest",
  folder,
  "--into",
  join(workspace, into),
  "--embedding-model",
  model,
  "--no-progress",
  ...flags,
];

describe("ingest's loader flags", () => {
  it("by default skips links outside the folder and warns about a guessed encoding", async () => {
    const io = captureIo();
    expect(await runCli(ingest("default"), io)).toBe(0);
    expect(io.err()).toBe(
      `hybrid-rag: warning: ${join(folder, "latin1.txt")}: not valid UTF-8 (2 invalid sequences, the first at character 3): decoded as Windows-1252 (Latin-1); re-save it as UTF-8 if that is wrong\n`,
    );
    expect(io.out()).toMatch(/documents {3}2 \(added 2,/);
    expect(io.out()).toContain(
      `    ${join(folder, "outside")}: symbolic link to ${outside}, outside the loaded folder (pass followSymlinks: true, or --follow-symlinks, to follow it)`,
    );
  }, 60_000);

  it("--follow-symlinks follows it, and a budget flag skips a file over it", async () => {
    const io = captureIo();
    expect(await runCli(ingest("flags", "--follow-symlinks", "--max-characters", "20"), io)).toBe(
      0,
    );
    expect(io.out()).toMatch(/documents {3}2 \(added 2,/);
    expect(io.out()).toContain(
      `    ${join(folder, "notes.txt")}: 45 characters of text, over the 20-character budget (raise maxCharacters)`,
    );
  }, 60_000);

  it("ingests a name with a newline under its escaped name, and prints names escaped", async () => {
    const odd = join(workspace, "odd");
    await mkdir(odd);
    await writeFile(join(odd, "line\nbreak.txt"), "a name with a newline");
    await writeFile(join(odd, "tab\there.png"), "not a loader's type");
    const io = captureIo();
    const into = join(workspace, "odd-collection");
    const args = ["ingest", odd, "--into", into, "--embedding-model", model, "--no-progress"];
    expect(await runCli(args, io)).toBe(0);
    expect(io.out()).toMatch(/documents {3}1 \(added 1,/);
    expect(io.out()).toContain(`    ${odd}/tab\\there.png: unsupported file type ".png"`);
    const search = captureIo();
    expect(await runCli(["search", into, "newline", "--json"], search)).toBe(0);
    const { hits } = JSON.parse(search.out()) as { hits: { parentId: string }[] };
    // Ids may not hold control characters: the newline is escaped in the id, as printed.
    expect(hits.map((hit) => hit.parentId)).toEqual(["line\\nbreak.txt"]);
  }, 60_000);

  it("refuses a budget that is not a whole number ≥ 1", async () => {
    const io = captureIo();
    expect(await runCli(ingest("bad", "--file-timeout", "0"), io)).toBe(2);
    expect(io.err()).toContain('expected a whole number ≥ 1, got "0"');
  });
});
