// Smoke test of the packed tarballs: starts the installed `hybrid-rag-reranker-server` bin on a
// free loopback port with the tiny cross-encoder, waits for /v1/health/ready, sends one
// /v1/ranking request and checks the answer, then stops the server.
// Usage: node check-reranker-server.mjs MODEL_FOLDER
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { createServer } from "node:net";

const modelPath = process.argv[2];
if (!modelPath) {
  console.error("usage: node check-reranker-server.mjs MODEL_FOLDER");
  process.exit(2);
}
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
// The bin npm linked, started with this Node directly: through `npx` a SIGTERM would stop npx
// and leave the server running.
const bin = realpathSync("node_modules/.bin/hybrid-rag-reranker-server");
const server = spawn(process.execPath, [bin], {
  env: {
    ...process.env,
    NIM_MODEL_PATH: modelPath,
    NIM_SERVED_MODEL_NAME: "tiny",
    NIM_HTTP_API_PORT: String(port),
    RERANKER_HOST: "127.0.0.1",
    RERANKER_LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
const exited = new Promise((resolve) => server.once("exit", resolve));
const base = `http://127.0.0.1:${port}`;
try {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`${base}/v1/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    if (Date.now() > deadline) throw new Error("the server was not ready within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const response = await fetch(`${base}/v1/ranking`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "tiny",
      query: { text: "what causes scurvy?" },
      passages: [{ text: "Scurvy comes from a lack of vitamin C." }, { text: "Ships sail." }],
    }),
  });
  const body = await response.json();
  const indexes = (body.rankings ?? []).map((ranking) => ranking.index).sort();
  if (response.status !== 200 || indexes.join(",") !== "0,1") {
    throw new Error(`unexpected /v1/ranking answer ${response.status}: ${JSON.stringify(body)}`);
  }
  console.log(`reranker-server: ready, /v1/ranking ranked ${indexes.length} passages`);
} finally {
  server.kill("SIGTERM");
  await exited;
}
