#!/usr/bin/env bash
# Writes .device-bundle/ (ignored by git): what gpu/run.sh needs on a GPU machine with no network
# and no Node — a Node binary, the check's runtime node_modules (onnxruntime-node for linux x64
# only), the SciFact documents and query it reads plus the vocabulary, and the Vulkan loader debs
# for the WebGPU route — and prints the size that a device call sends against its 64 MiB limit.
#   benchmarks/reranker/gpu/prepare-device-bundle.sh           build it (a few minutes: xz)
#   benchmarks/reranker/gpu/prepare-device-bundle.sh --dry     sizes and estimate only
# Options: --out <folder> (default .device-bundle), --shared <folder> (default ../shared),
#          --node <binary> (default the workspace's Node), --passages <n> (default 500),
#          --no-vulkan. Needs `pnpm install` done here; apt-get for the debs (network).
set -euo pipefail
cd "$(dirname "$0")/../../.."
tools="${HYBRID_RAG_TOOLS_DIR:-$HOME/.cache/hybrid-rag/tools}/node_modules/.bin"
if [ -x "$tools/node" ]; then PATH="$tools:$PATH"; fi
if [ ! -d node_modules ]; then
  echo "node_modules is missing: run 'pnpm install --frozen-lockfile' first (the bundle copies from it)" >&2
  exit 2
fi
exec node benchmarks/reranker/src/device-bundle/prepare-device-bundle.ts "$@"
