import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTestCrossEncoder } from "./testing/test-scorer.ts";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Runs `node src/main.ts` as the container would, with the given environment. */
function startMain(environment: Record<string, string>) {
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? "",
      RERANKER_HOST: "127.0.0.1",
      NIM_HTTP_API_PORT: "0",
      ...environment,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the server process", () => {
  it("loads NIM_MODEL_PATH, serves, and exits 0 on SIGTERM", { timeout: 30_000 }, async () => {
    const crossEncoder = await loadTestCrossEncoder();
    const { child, output } = startMain({
      NIM_MODEL_PATH: crossEncoder.model.path,
      NIM_SERVED_MODEL_NAME: "tiny",
      RERANKER_EXECUTION_PROVIDER: "cpu",
    });
    const [, url] = await waitFor(output, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
    await waitFor(output, /model loaded/);
    const response = await fetch(`${url}/v1/ranking`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", query: { text: "q" }, passages: [{ text: "p" }] }),
    });
    expect(response.status).toBe(200);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(output()).toMatch(/shutting down/);
  });

  it("exits 2 with the offending variable named when the configuration is bad", {
    timeout: 30_000,
  }, async () => {
    const { child, output } = startMain({ RERANKER_MAX_PASSAGES: "-1" });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(output()).toMatch(/NIM_MODEL_PATH/);
    expect(output()).toMatch(/RERANKER_MAX_PASSAGES/);
  });

  it("exits 1 when the model cannot be loaded", { timeout: 30_000 }, async () => {
    const { child, output } = startMain({ NIM_MODEL_PATH: "/nonexistent/model" });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(output()).toMatch(/model failed to load/);
  });
});
