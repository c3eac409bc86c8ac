// Smoke test of the packed tarballs: `hybrid-rag serve DIR` on a free loopback port, one search,
// the OpenAPI document, then SIGTERM and a clean exit. Usage: node check-search-server.mjs DIR
import { spawn } from "node:child_process";
import { once } from "node:events";

const [directory] = process.argv.slice(2);
// The bin itself, not through npx: SIGTERM must reach the server, whose clean exit is checked.
const child = spawn("node_modules/.bin/hybrid-rag", ["serve", directory, "--port", "0"], {
  stdio: ["ignore", "inherit", "pipe"],
});
let stderr = "";
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no URL after 60 s: ${stderr}`)), 60_000);
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    const match = / on (http:\/\/\S+) /.exec(stderr);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
  child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
});
try {
  const response = await fetch(`${url}/v1/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "what causes scurvy?", top_k: 2 }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.passages.length !== 2) {
    throw new Error(`search answered ${response.status}: ${JSON.stringify(body)}`);
  }
  const openApi = await (await fetch(`${url}/openapi.json`)).json();
  if (openApi.openapi !== "3.1.0") throw new Error("no OpenAPI 3.1 document at /openapi.json");
  console.log(`serve: ${url} top passage ${body.passages[0].source}`);
} finally {
  child.kill("SIGTERM");
}
const [code] = await once(child, "exit");
if (code !== 0) throw new Error(`serve exited with ${code} after SIGTERM: ${stderr}`);
