import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReadAhead } from "./read-ahead.ts";

let folder: string;
const path = (index: number) => join(folder, `file-${index}.txt`);

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "loaders-read-ahead-"));
  for (let index = 0; index < 6; index++) await writeFile(path(index), `file ${index}`);
  await writeFile(path(6), "x".repeat(100));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const text = async (read: ReturnType<ReadAhead["take"]>) => {
  const result = await read;
  return result?.kind === "bytes" ? Buffer.from(result.bytes).toString() : result?.kind;
};

describe("ReadAhead", () => {
  it("gives each added file's bytes in turn, skipping files taken out of order", async () => {
    const ahead = new ReadAhead(1000, 2, 50);
    for (let index = 0; index <= 6; index++) ahead.add(path(index));
    expect(await text(ahead.take(path(0)))).toBe("file 0");
    expect(await text(ahead.take(path(1)))).toBe("file 1");
    // 2 is never taken (the walk left it out): taking 3 drops it.
    expect(await text(ahead.take(path(3)))).toBe("file 3");
    expect(ahead.take(path(2))).toBeUndefined();
    expect(await text(ahead.take(path(4)))).toBe("file 4");
    expect(await text(ahead.take(path(5)))).toBe("file 5");
    // Over the read-ahead limit: left to its turn.
    expect(await text(ahead.take(path(6)))).toBe("deferred");
    expect(ahead.take(join(folder, "never-added.txt"))).toBeUndefined();
  });

  it("reports a file gone before its read as vanished, and one over the budget as over it", async () => {
    const ahead = new ReadAhead(10);
    ahead.add(join(folder, "gone.txt"));
    ahead.add(path(6));
    const gone = await ahead.take(join(folder, "gone.txt"));
    expect(gone).toMatchObject({ kind: "skipped", code: "vanished" });
    expect(await ahead.take(path(6))).toMatchObject({ kind: "skipped", code: "over-budget" });
  });
});
