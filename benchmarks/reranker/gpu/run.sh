#!/usr/bin/env bash
# The prepared GPU check: 500 SciFact passages reranked at MiniLM-L6, BERT-base and BERT-large
# shapes (random weights) on every GPU route that loads (CUDA, WebGPU) and on the CPU, against
# sentence-transformers' CrossEncoder on PyTorch fp16 on the same GPU. No network.
#   benchmarks/reranker/gpu/run.sh <out-folder>             full check (< 8 min on one H200)
#   benchmarks/reranker/gpu/run.sh --dry-run <out-folder>   same code path on CPU, tiny sizes (CI)
# Options after the folder go to the runner: --shared <folder> (datasets/scifact and the vocab;
# default ../shared beside the repository), --python <exe> (default python3), --budget-s <s>,
# --shapes minilm-l6,bert-base,bert-large (or tiny), --passages <n> (GPU and CPU alike).
# Writes results.json and results.md to the folder and a summary table to stdout.
set -euo pipefail
cd "$(dirname "$0")/../../.."

dry_run=()
if [ "${1:-}" = "--dry-run" ]; then
  dry_run=(--dry-run)
  shift
fi
if [ $# -lt 1 ]; then
  echo "usage: $0 [--dry-run] <out-folder> [--shared <folder>] [--python <exe>] [--budget-s <s>]" >&2
  exit 2
fi
out=$1
shift

# The workspace's Node (>= 22.18 runs the TypeScript sources directly).
tools="${HYBRID_RAG_TOOLS_DIR:-$HOME/.cache/hybrid-rag/tools}/node_modules/.bin"
if [ -x "$tools/node" ]; then PATH="$tools:$PATH"; fi
if [ ! -d node_modules ]; then
  echo "node_modules is missing: run 'pnpm install --frozen-lockfile' (offline: from a carried store) first" >&2
  exit 2
fi

# Hard stop at 8 minutes: the runner itself stops measuring at --budget-s (default 420 s).
exec timeout 480 node benchmarks/reranker/src/gpu-check/gpu-check.ts --out "$out" "${dry_run[@]}" "$@"
