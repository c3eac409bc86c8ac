import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";

/** Runs `node <args>` under GNU time (/usr/bin/time, Debian package `time`): output, wall seconds, peak RSS. */
export function timedNode(args: readonly string[]): {
  stdout: string;
  seconds: number;
  peakMib: number;
} {
  const child = spawnSync("/usr/bin/time", ["-f", "__time %e %M", process.execPath, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  const match = /__time ([\d.]+) (\d+)/.exec(child.stderr);
  if (child.status !== 0 || !match)
    throw new Error(`node ${args.join(" ")} failed (${child.status}): ${child.stderr}`);
  return { stdout: child.stdout, seconds: Number(match[1]), peakMib: Number(match[2]) / 1024 };
}

export interface ListeningProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** From the spawn to the line that gives its URL. */
  readonly seconds: number;
  /** Resident memory when it said it was ready. */
  readonly residentMib: number;
  stop(): Promise<void>;
}

/**
 * Starts `node <args>` and waits for the line (on stdout or stderr) that gives its URL, such as
 * `hybrid-rag serve`'s "… on http://…" or the demo's "open http://…".
 */
export async function startListening(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ListeningProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /(?: on|open) (http:\/\/[^\s)]+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`node ${args.join(" ")} exited with ${code}: ${output}`)),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  const status = await readFile(`/proc/${child.pid}/status`, "utf8");
  const residentMib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  return {
    child,
    url,
    seconds,
    residentMib,
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

export const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
