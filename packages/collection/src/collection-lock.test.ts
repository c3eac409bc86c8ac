import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockCollection, lockFile } from "./collection-lock.ts";
import { createEmbeddedCollection } from "./embedded-collection.ts";
import { openCollection } from "./open-collection.ts";

let workspace: string;
const embedder = new HashingEmbedder(32);

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "collection-lock-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** A pid that is certainly not running: above the kernel's pid_max. */
const deadPid = 2 ** 22 + 17;

describe("the writer lock", () => {
  it("records its holder, refuses a second holder at once, and is free again after release", async () => {
    const directory = join(workspace, "basic");
    const lock = await lockCollection(directory);
    const onDisk = JSON.parse(await readFile(join(directory, lockFile), "utf8"));
    expect(onDisk).toMatchObject({ pid: process.pid, host: hostname(), token: lock.holder.token });
    await expect(lockCollection(directory)).rejects.toMatchObject({
      code: "locked",
      message: expect.stringContaining("locked by this process already"),
    });
    await lock.release();
    await lock.release();
    const again = await lockCollection(directory);
    await again.release();
  });

  it("takes over a lock whose process is gone, and one left empty by a writer killed at once", async () => {
    const directory = join(workspace, "stale");
    const first = await lockCollection(directory);
    await first.release();
    const stale = { pid: deadPid, host: hostname(), token: "dead", since: "x", command: "gone" };
    await writeFile(join(directory, lockFile), JSON.stringify(stale));
    const lock = await lockCollection(directory);
    expect(lock.holder.pid).toBe(process.pid);
    await lock.verify();
    await lock.release();
    await writeFile(join(directory, lockFile), "");
    // Young empty files are a writer between open and write: held, until they are old.
    await expect(lockCollection(directory)).rejects.toMatchObject({
      message: expect.stringContaining("a writer that is starting"),
    });
  });

  it("keeps a lock held on another host, and says how to remove it", async () => {
    const directory = join(workspace, "remote");
    const first = await lockCollection(directory);
    await first.release();
    const remote = { pid: 1, host: "build-07", token: "t", since: "2026-01-01", command: "ingest" };
    await writeFile(join(directory, lockFile), JSON.stringify(remote));
    const error = await lockCollection(directory, { waitMs: 200 }).catch((caught) => caught);
    expect(error).toMatchObject({ code: "locked", isRetryable: true });
    expect(error.message).toContain("is being written by process 1 on build-07");
    expect(error.message).toContain("after waiting 0.2 s");
    expect(error.message).toContain(`delete ${join(directory, lockFile)}`);
  });

  it("a save verifies its lock before the swap, and refuses to replace a version it was not based on", async () => {
    const directory = join(workspace, "saves");
    const collection = createEmbeddedCollection({ embedder });
    await collection.ingest([{ id: "a", text: "alpha" }]);
    expect(await collection.save(directory)).toBe(1);
    const lock = await lockCollection(directory);
    await writeFile(
      join(directory, lockFile),
      JSON.stringify({ ...lock.holder, token: "someone else" }),
    );
    await expect(collection.save(directory, { lock })).rejects.toMatchObject({
      code: "locked",
      message: expect.stringContaining("is no longer this process's"),
    });
    await rm(join(directory, lockFile));
    // A second object opened at version 1 saves version 2; the first, still at 1, may not.
    const other = await openCollection(directory, { embedder });
    await other.ingest([{ id: "b", text: "beta" }]);
    expect(await other.save(directory)).toBe(2);
    await expect(collection.save(directory)).rejects.toMatchObject({
      code: "already-exists",
      message: expect.stringContaining("was opened from version 1"),
    });
    const fresh = createEmbeddedCollection({ embedder });
    await expect(fresh.save(directory)).rejects.toMatchObject({ code: "already-exists" });
    expect((await openCollection(directory, { embedder })).store.parentCount).toBe(2);
  });
});
