import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The file system is the process boundary: record which paths were fsynced, then call the real thing.
const synced: string[] = [];
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        synced.push(String(args[0]));
        return sync();
      };
      return handle;
    },
  };
});

const { writeFileAtomically } = await import("./atomic-file.ts");

let folder = "";
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "atomic-sync-"));
  synced.length = 0;
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("writeFileAtomically durability", () => {
  it("fsyncs the temporary file before the rename and the folder after it", async () => {
    await writeFileAtomically(join(folder, "a.bin"), [new Uint8Array([1, 2, 3])], "a file");
    expect(synced).toHaveLength(2);
    expect(synced[0]).toMatch(new RegExp(`a\\.bin\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(synced[1]).toBe(folder);
  });
});
