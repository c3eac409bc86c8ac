import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
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

  it("at RERANKER_SHUTDOWN_TIMEOUT_MS abandons the model run in progress and ends by the signal", {
    timeout: 120_000,
  }, async () => {
    // A model slow enough that one run of 64 pairs × 512 tokens takes many seconds (24 layers,
    // hidden 256; 14 s on the 2-core development VM), with a 10-word vocabulary.
    const directory = await mkdtemp(join(tmpdir(), "reranker-server-slow-model-"));
    try {
      const words = ["alpha", "beta", "gamma", "delta", "omega"];
      const vocabularyPath = join(directory, "vocab.txt");
      await writeFile(
        vocabularyPath,
        `${["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ...words].join("\n")}\n`,
      );
      const model = join(directory, "model");
      await createTinyBertModel(model, {
        kind: "cross-encoder",
        layers: 24,
        hidden: 256,
        heads: 4,
        maxPositions: 512,
        vocabularyPath,
      });
      const shutdownTimeoutMs = 1000;
      const { child, output } = startMain({
        NIM_MODEL_PATH: model,
        NIM_SERVED_MODEL_NAME: "slow",
        RERANKER_EXECUTION_PROVIDER: "cpu",
        RERANKER_MAX_BATCH_PAIRS: "64",
        RERANKER_MAX_BATCH_TOKENS: String(64 * 512),
        RERANKER_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      });
      const [, url] = await waitFor(output, /Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      await waitFor(output, /model loaded/);
      const passage = Array.from({ length: 600 }, (_, i) => words[i % words.length]).join(" ");
      const answer = fetch(`${url}/v1/ranking`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "slow",
          query: { text: "alpha beta" },
          passages: Array.from({ length: 64 }, () => ({ text: passage })),
          truncate: "END",
        }),
      }).then(
        (response) => response.status,
        () => "connection cut",
      );
      // Admitted: from here the server owes it an answer, one model run of 64 × 512 tokens.
      for (;;) {
        const metrics = await (await fetch(`${url}/v1/metrics`)).text();
        if (/^reranker_pending_requests 1$/m.test(metrics)) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const signalled = performance.now();
      child.kill("SIGTERM");
      // "close": after the exit and the last of its output (which "exit" may overtake).
      const [code, signal] = await once(child, "close");
      const shutdownMs = performance.now() - signalled;
      // Ended by SIGTERM's default action (exit status 143) at the deadline, without waiting
      // for the run: the margin (4 s) is far below the run's length.
      expect({ code, signal }).toEqual({ code: null, signal: "SIGTERM" });
      expect(output()).toMatch(/shutdown deadline reached with work in progress/);
      expect(output()).not.toMatch(/terminate called|Aborted|core dumped/);
      expect(shutdownMs).toBeLessThan(shutdownTimeoutMs + 4000);
      expect(await answer).toBe("connection cut");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
