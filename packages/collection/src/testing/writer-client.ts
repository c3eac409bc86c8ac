import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { WriteRequest } from "./writer-process.ts";

export type WriteAnswer = { saved: number } | { locked: string } | { error: string };

/** Drives a `writer-process.ts` child: one JSON request line in, one JSON answer line out. */
export class WriterClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly #lines: Interface;
  readonly #answers: Array<(answer: unknown) => void> = [];
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor() {
    this.child = spawn(
      process.execPath,
      [fileURLToPath(new URL("./writer-process.ts", import.meta.url))],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let stderr = "";
    this.child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => {
        for (const answer of this.#answers.splice(0))
          answer({ error: `writer exited (${code ?? signal}): ${stderr}` });
        resolve({ code, signal });
      }),
    );
    this.#lines = createInterface({ input: this.child.stdout });
    this.#lines.on("line", (line) => this.#answers.shift()?.(JSON.parse(line)));
    this.ready = this.#next().then(() => undefined);
  }

  /** Sends a write; resolves with its answer. */
  write(request: WriteRequest): Promise<WriteAnswer> {
    const answer = this.#next() as Promise<WriteAnswer>;
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    return answer;
  }

  #next(): Promise<unknown> {
    return new Promise((resolve) => this.#answers.push(resolve));
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }
}
