import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/**
 * Another process holding a collection's writer lock (as a second `hybrid-rag ingest` would),
 * for tests of the waiting or refused writer; `release()` makes it let go and exit.
 */
export async function holdLockInChild(
  directory: string,
): Promise<{ pid: number; release: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL("./hold-lock-process.ts", import.meta.url)), directory],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const [line] = await Promise.race([
    createInterface({ input: child.stdout })
      [Symbol.asyncIterator]()
      .next()
      .then((result) => [result.value as string | undefined]),
    exited.then(() => [undefined]),
  ]);
  if (line === undefined)
    throw new Error(`the lock-holding process exited without the lock of ${directory}`);
  const { pid } = JSON.parse(line) as { pid: number };
  return {
    pid,
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
