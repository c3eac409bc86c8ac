#!/usr/bin/env node
// Timings of the hostile requests of issue 12 against the server process (medians of --rounds):
// the 16 MB array of invalid passages, the 10,000-deep body, a stalled upload against the body
// timeout, four 15 MB clients that hang up (issue 23), and SIGTERM with stalled uploads and work
// in flight against the shutdown deadline.
//   pnpm --filter @hybrid-rag/benchmark-reranker-server hostile [--rounds 5]
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { percentile } from "./open-loop.ts";
import { startServerProcess } from "./server-process.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const rounds = Number(values.rounds);
const scratch = await mkdtemp(join(tmpdir(), "reranker-hostile-"));
const modelPath = join(scratch, "minilm");
await createTinyBertModel(modelPath, { kind: "cross-encoder", layers: 6, hidden: 384, heads: 12 });
const bodyTimeoutMs = 2000;
const shutdownTimeoutMs = 3000;
const environment = {
  NIM_MODEL_PATH: modelPath,
  NIM_SERVED_MODEL_NAME: "m",
  RERANKER_EXECUTION_PROVIDER: "cpu",
  RERANKER_BODY_TIMEOUT_MS: String(bodyTimeoutMs),
  RERANKER_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
};

const sixteenMiB = 16 * 1024 * 1024;
const head = '{"model":"m","query":{"text":"q"},"passages":[';
const invalidArray = Buffer.from(`${head}${"1,".repeat((sixteenMiB - head.length - 4) / 2)}1]}`);
const deep = Buffer.from(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);

async function exchange(
  port: number,
  body: Buffer,
): Promise<{ ms: number; status: number; bytes: number }> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  const begun = performance.now();
  socket.end(
    Buffer.concat([
      Buffer.from(
        `POST /v1/ranking HTTP/1.1\r\nHost: x\r\nConnection: close\r\ncontent-type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
      body,
    ]),
  );
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  const answer = Buffer.concat(chunks);
  return {
    ms: performance.now() - begun,
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer.toString("latin1"))?.[1] ?? 0),
    bytes: answer.length,
  };
}

async function stalledUpload(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => {});
  // Read (and drop) what the server sends, so its closing the connection reaches "close".
  socket.resume();
  await once(socket, "connect");
  socket.write(
    "POST /v1/ranking HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\nContent-Length: 100000\r\n\r\n{",
  );
  return socket;
}

const server = await startServerProcess(environment);
const port = Number(new URL(server.url).port);
const report: Record<string, string> = {};
for (const [name, body] of [
  ["16 MB invalid array", invalidArray],
  ["10,000-deep body", deep],
] as const) {
  const results = [];
  for (let round = 0; round < rounds; round++) results.push(await exchange(port, body));
  const ok = (await fetch(`${server.url}/v1/health/ready`)).ok;
  report[name] =
    `statuses ${[...new Set(results.map((r) => r.status))].join("/")}, median ${percentile(
      results.map((r) => r.ms),
      0.5,
    ).toFixed(0)} ms (max ${percentile(
      results.map((r) => r.ms),
      1,
    ).toFixed(
      0,
    )}), answer ≤ ${Math.max(...results.map((r) => r.bytes))} bytes, serving after: ${ok}`;
}
const stalledTimes = [];
for (let round = 0; round < rounds; round++) {
  const socket = await stalledUpload(port);
  const begun = performance.now();
  await once(socket, "close");
  stalledTimes.push(performance.now() - begun);
}
report["stalled upload closed after"] =
  `median ${percentile(stalledTimes, 0.5).toFixed(0)} ms, max ${percentile(stalledTimes, 1).toFixed(0)} ms (RERANKER_BODY_TIMEOUT_MS ${bodyTimeoutMs})`;

// Issue 23: four clients send 15 MB of long passages and hang up after 0.5 s; then one client
// asks for one passage. Their work must be dropped, not tokenised for nobody.
const longPassage = "the moon pulls the sea and the tides follow ".repeat(680);
const hungUpBody = Buffer.from(
  JSON.stringify({
    model: "m",
    query: { text: "what moves the tides" },
    passages: Array.from({ length: 500 }, () => ({ text: longPassage })),
    truncate: "END",
  }),
);
const afterHangUps = [];
for (let round = 0; round < rounds; round++) {
  for (let client = 0; client < 4; client++) {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write(
      `POST /v1/ranking HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\nContent-Length: ${hungUpBody.length}\r\n\r\n`,
    );
    socket.write(hungUpBody);
    setTimeout(() => socket.destroy(), 500);
  }
  await new Promise((resolve) => setTimeout(resolve, 600));
  const started = performance.now();
  await fetch(`${server.url}/v1/ranking`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", query: { text: "q" }, passages: [{ text: "one" }] }),
  });
  afterHangUps.push(performance.now() - started);
}
report[
  `1 passage after 4 clients sent ${(hungUpBody.length / 1e6).toFixed(0)} MB and hung up at 0.5 s`
] =
  `median ${percentile(afterHangUps, 0.5).toFixed(0)} ms, max ${percentile(afterHangUps, 1).toFixed(0)} ms`;

// SIGTERM with 20 stalled uploads and 4 maximum-size requests in flight.
const stalled = await Promise.all(Array.from({ length: 20 }, () => stalledUpload(port)));
const passages = Array.from({ length: 64 }, (_, index) => ({
  text: `passage ${index} ${"word ".repeat(250)}`,
}));
const inFlight = Array.from({ length: 4 }, () =>
  fetch(`${server.url}/v1/ranking`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", query: { text: "q" }, passages, truncate: "END" }),
  }).then(
    (response) => String(response.status),
    () => "cut",
  ),
);
await new Promise((resolve) => setTimeout(resolve, 300));
const begun = performance.now();
const exitCode = await server.stop();
const stopMs = performance.now() - begun;
const answers = await Promise.all(inFlight);
for (const socket of stalled) socket.destroy();
report["SIGTERM with 20 stalled uploads + 4 requests of 64 pairs in flight"] =
  `exit ${exitCode} after ${stopMs.toFixed(0)} ms (deadline RERANKER_SHUTDOWN_TIMEOUT_MS ${shutdownTimeoutMs}); in-flight answers ${answers.join(", ")}`;
for (const [name, line] of Object.entries(report)) console.log(`${name}: ${line}`);
await rm(scratch, { recursive: true, force: true });
