#!/usr/bin/env bash
# `pnpm smoke:tarballs`: the packages as users get them. Builds and packs every publishable
# package, then, for Node 22 and Node 24 (the npm registry's `node` package, cached next to the
# toolchain), installs the tarballs with plain npm into a scratch app outside the workspace
# (no pnpm, no workspace links) and runs there:
#   - the "Use it in your app" quickstart, extracted verbatim from README.md (BM25 + vector index
#     + RRF + in-process cross-encoder, on tiny generated models),
#   - `hybrid-rag-bench --help`, then a run on a small BEIR folder (sparse and dense+sparse+rerank),
#   - `hybrid-rag-reranker-server`: /v1/health/ready, then one /v1/ranking request,
#   - the "Use it with your framework" blocks of README.md, verbatim: an AI SDK `rerank` and a
#     tool call (mock model from `ai/test`), a LangChain retriever `invoke`, a LlamaIndex
#     `retrieve`, `hybrid-rag ingest`, an MCP `tools/call` over stdio; then `hybrid-rag serve`.
# HYBRID_RAG_SMOKE_NODE_MAJORS="24" limits the Node versions; HYBRID_RAG_SMOKE_KEEP=1 keeps the
# scratch folder; HYBRID_RAG_BUILT=1 skips the build (CI has just built).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source ./toolchain
tools_dir=${HYBRID_RAG_TOOLS_DIR:-"$HOME/.cache/hybrid-rag/tools"}
vocabulary="$root/../shared/models/bert-base-uncased-vocab.txt"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/hybrid-rag-smoke-XXXXXX")
if [ -z "${HYBRID_RAG_SMOKE_KEEP:-}" ]; then trap 'rm -rf "$scratch"' EXIT; fi
step() { printf '\n-- smoke test: %s\n' "$*"; }

if [ ! -f "$vocabulary" ]; then
  echo "smoke test: the tiny models need $vocabulary (the shared bert-base-uncased vocabulary)" >&2
  exit 1
fi

step "build and pack (into $scratch/tarballs)"
# HYBRID_RAG_BUILT=1: `pnpm build` has just run (CI runs it once for every package check).
if [ "${HYBRID_RAG_BUILT:-}" != "1" ]; then pnpm --silent build >/dev/null; fi
mapfile -t tarballs < <(node tools/pack-packages.ts "$scratch/tarballs")

# The README block after a `<!-- smoke-test: NAME` marker, as it is (the first fenced block).
readme_block() {
  awk -v marker="<!-- smoke-test: $1" 'index($0, marker) == 1 { found = 1; next }
    found && /^```(js|sh)$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' README.md
}
framework_blocks=(ai-sdk.mjs langchain.mjs llamaindex.mjs ingest.sh mcp.mjs)
for name in quickstart.mjs "${framework_blocks[@]}"; do
  if [ -z "$(readme_block "$name")" ]; then
    echo "smoke test: README.md has no code block after <!-- smoke-test: $name -->" >&2
    exit 1
  fi
done
# The frameworks a user installs beside the integration packages (their peer dependencies), at
# the workspace catalog's versions.
framework_versions=$(node -e '
  const catalog = require("node:fs").readFileSync("pnpm-workspace.yaml", "utf8");
  const version = (name) => new RegExp(`^  "?${name.replace("/", "\\/")}"?: (\\S+)$`, "m").exec(catalog)[1];
  const names = ["ai", "zod", "@langchain/core", "@llamaindex/core", "@modelcontextprotocol/sdk"];
  console.log(JSON.stringify(Object.fromEntries(names.map((name) => [name, version(name)]))));')

for major in ${HYBRID_RAG_SMOKE_NODE_MAJORS:-22 24}; do
  node_dir="$tools_dir/node$major"
  if "$tools_dir/node_modules/.bin/node" --version 2>/dev/null | grep -q "^v$major\."; then
    node_dir="$tools_dir" # the toolchain's own Node
  fi
  if ! "$node_dir/node_modules/.bin/node" --version 2>/dev/null | grep -q "^v$major\."; then
    step "fetching node@$major from the npm registry into $node_dir (once)"
    mkdir -p "$node_dir"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$node_dir" "node@$major"
  fi
  app="$scratch/app-node$major"
  mkdir -p "$app"
  cp tools/smoke/*.mjs "$app/"
  for name in quickstart.mjs "${framework_blocks[@]}"; do readme_block "$name" >"$app/$name"; done
  # Every @hybrid-rag/* name resolves to its tarball, also as a dependency of another tarball.
  node -e '
    const [app, frameworks, ...tarballs] = process.argv.slice(1);
    const deps = {};
    for (const tarball of tarballs) {
      const name = tarball.split("/").pop().replace(/-\d+\.\d+\.\d+\.tgz$/, "").replace(/^hybrid-rag-/, "@hybrid-rag/");
      deps[name] = "file:" + tarball;
    }
    deps["onnx-proto"] = "8.0.1"; // the optional peer of @hybrid-rag/models/testing
    const overrides = { ...deps };
    delete overrides["onnx-proto"];
    const manifest = { name: "smoke-app", private: true, type: "module", dependencies: { ...deps, ...JSON.parse(frameworks) }, overrides };
    require("node:fs").writeFileSync(app + "/package.json", JSON.stringify(manifest, null, 2));
  ' "$app" "$framework_versions" "${tarballs[@]}"
  (
    cd "$app"
    export PATH="$node_dir/node_modules/.bin:$PATH"
    # `pnpm smoke:tarballs` passes pnpm's settings as npm_config_*; plain npm does not know them.
    for variable in $(compgen -e | grep '^npm_config_' || true); do unset "$variable"; done
    step "node $(node --version): npm install of ${#tarballs[@]} tarballs in $app"
    npm install --prefer-offline --no-audit --no-fund --loglevel=error
    node prepare-fixtures.mjs fixtures "$vocabulary"
    step "node $(node --version): README quickstart"
    EMBEDDING_MODEL=fixtures/bi-encoder RERANKER_MODEL=fixtures/cross-encoder node quickstart.mjs | tee quickstart.out
    [ "$(wc -l <quickstart.out)" -eq 2 ] || { echo "quickstart: expected 2 hits" >&2; exit 1; }
    step "node $(node --version): hybrid-rag-bench"
    npx --no-install hybrid-rag-bench --help | head -3
    npx --no-install hybrid-rag-bench --dataset fixtures/beir --pipelines sparse,dense+sparse+rerank \
      --embedding-model fixtures/bi-encoder --reranker-model fixtures/cross-encoder --top-k 10 --out bench-out
    # Installed from tarballs, every score-computing package must still report its version.
    node -e '
      const r = require("./bench-out/results.json");
      console.log("results.json:", Object.keys(r).join(", "));
      const unknown = Object.entries(r.tool.versions).filter(([k, v]) => v === "unknown" && k !== "hybrid-rag commit");
      if (unknown.length > 0) { console.error("versions unknown:", unknown.map(([k]) => k).join(", ")); process.exit(1); }
      console.log("versions:", JSON.stringify(r.tool.versions));'
    step "node $(node --version): hybrid-rag-reranker-server"
    node check-reranker-server.mjs fixtures/cross-encoder
    export EMBEDDING_MODEL=fixtures/bi-encoder RERANKER_MODEL=fixtures/cross-encoder
    step "node $(node --version): README, AI SDK (rerank + a tool call)"
    node ai-sdk.mjs | tee ai-sdk.out
    grep -q "^rerank order: [01],[01]$" ai-sdk.out
    grep -q "^tool cited: note-0.md | answer: A lack of vitamin C \[1\].$" ai-sdk.out
    step "node $(node --version): README, LangChain retriever invoke"
    node langchain.mjs | tee langchain.out
    grep -q "^langchain: scurvy.md 0 " langchain.out
    step "node $(node --version): README, LlamaIndex retrieve"
    node llamaindex.mjs | tee llamaindex.out
    grep -q "^llamaindex: scurvy.md " llamaindex.out
    step "node $(node --version): README, hybrid-rag ingest + MCP tools/call over stdio"
    mkdir -p docs
    echo "Scurvy is caused by a lack of vitamin C." >docs/scurvy.md
    echo "Rickets comes from a lack of vitamin D." >docs/rickets.md
    bash ingest.sh
    node mcp.mjs | tee mcp.out
    grep -q "^mcp: .*scurvy.md" mcp.out
    step "node $(node --version): hybrid-rag serve"
    node check-search-server.mjs ./docs-index
  )
done
step "passed on Node ${HYBRID_RAG_SMOKE_NODE_MAJORS:-22 24}"
