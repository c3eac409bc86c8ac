import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const serverMain = fileURLToPath(
  new URL("../../../apps/reranker-server/src/main.ts", import.meta.url),
);

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM, then waits for the exit: its code, or the signal that ended it ("SIGTERM"). */
  stop(): Promise<number | string>;
}

/**
 * Starts `apps/reranker-server` as its own process on a free loopback port and waits until ready
 * (`main`: another checkout's server, for before/after comparisons).
 */
export async function startServerProcess(
  environment: Readonly<Record<string, string>>,
  main = serverMain,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      RERANKER_HOST: "127.0.0.1",
      NIM_HTTP_API_PORT: String(port),
      RERANKER_LOG_LEVEL: "warn",
      ...environment,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the reranker server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/v1/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await sleep(50);
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
      return code ?? signal ?? "unknown";
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Resident memory of the server process, as its own /v1/metrics reports it. */
export function residentMemoryBytes(url: string): Promise<number> {
  return metric(url, "process_resident_memory_bytes");
}

/** V8 heap in use in the server process, from its /v1/metrics. */
export function heapUsedBytes(url: string): Promise<number> {
  return metric(url, "nodejs_heap_size_used_bytes");
}

/** CPU time the server process has used (user + system), from its /v1/metrics. */
export function cpuSeconds(url: string): Promise<number> {
  return metric(url, "process_cpu_seconds_total");
}

/** Requests the server has admitted and not answered yet. */
export function pendingRequests(url: string): Promise<number> {
  return metric(url, "reranker_pending_requests");
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/v1/metrics`)).text();
  const line = text.split("\n").find((entry) => entry.startsWith(`${name} `));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}
