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
#   benchmarks/reranker/gpu/run.sh --decoder-oracle [--dry-run] <out-folder>
#     the second oracle instead: gpu/decoder_oracle.py (transformers; --dry-run: our PyTorch
#     reference) writes tiny decoder rerankers and their logits, then our families score them
#     (src/decoder-oracle/check-decoder-oracle.ts); exit 1 when a case is over 1e-4.
#   benchmarks/reranker/gpu/run.sh --vision-oracle [--dry-run] <out-folder>
#     the VLM reranker's oracle: gpu/vision_oracle.py (transformers' SiglipVisionModel and
#     LlamaModel in NVIDIA's llama-nemotron-rerank-vl recipe; --dry-run: our PyTorch reference)
#     writes a tiny VLM directory, token rows and tiles, then our llama-nemotron-vl-rerank family
#     scores them (src/vision-oracle/check-vision-oracle.ts); exit 1 when over 1e-4.
set -euo pipefail
cd "$(dirname "$0")/../../.."

decoder_oracle=false
vision_oracle=false
if [ "${1:-}" = "--decoder-oracle" ]; then
  decoder_oracle=true
  shift
elif [ "${1:-}" = "--vision-oracle" ]; then
  vision_oracle=true
  shift
fi

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
if [ "$decoder_oracle" = true ]; then
  # Debian's python3 has torch where transformers is absent (the dry run); the device machine's
  # python3 has both. HYBRID_RAG_ORACLE_PYTHON names another.
  "${HYBRID_RAG_ORACLE_PYTHON:-python3}" benchmarks/reranker/gpu/decoder_oracle.py --out "$out" "${dry_run[@]}"
fi
if [ "$vision_oracle" = true ]; then
  "${HYBRID_RAG_ORACLE_PYTHON:-python3}" benchmarks/reranker/gpu/vision_oracle.py --out "$out" "${dry_run[@]}"
fi

# A device bundle (gpu/prepare-device-bundle.sh; .device-bundle/, carried to a GPU machine that
# has no network and no Node): its Node, node_modules and data, unpacked once to a folder in /tmp
# that mirrors the repository, with this checkout's workspace sources copied in on every run.
# HYBRID_RAG_DEVICE_BUNDLE=<folder> names another bundle; =off ignores it.
bundle="${HYBRID_RAG_DEVICE_BUNDLE:-.device-bundle}"
if [ "$bundle" != off ] && [ -f "$bundle/runtime.tar.xz" ]; then
  id=$(cat "$bundle/bundle-id")
  root="${TMPDIR:-/tmp}/hybrid-rag-device-bundle-$id"
  if [ ! -f "$root/.unpacked" ]; then
    echo "unpacking $bundle/runtime.tar.xz to $root"
    rm -rf "$root.partial"
    mkdir -p "$root.partial"
    if command -v xz >/dev/null 2>&1; then
      xz -dc "$bundle/runtime.tar.xz" | tar -xf - -C "$root.partial"
    else
      # No xz binary: Python's tarfile (filter= exists from 3.11.4/3.12 on; the bundle is ours).
      python3 - "$bundle/runtime.tar.xz" "$root.partial" <<'PYTHON'
import sys, tarfile
with tarfile.open(sys.argv[1]) as archive:
    try:
        archive.extractall(sys.argv[2], filter="tar")
    except TypeError:
        archive.extractall(sys.argv[2])
PYTHON
    fi
    touch "$root.partial/.unpacked"
    rm -rf "$root"
    mv "$root.partial" "$root"
  fi
  while read -r package; do
    [ -n "$package" ] || continue
    mkdir -p "$root/tree/$package"
    rm -rf "$root/tree/$package/src" "$root/tree/$package/gpu"
    cp "$package/package.json" "$root/tree/$package/"
    for part in src gpu; do
      if [ -d "$package/$part" ]; then cp -R "$package/$part" "$root/tree/$package/"; fi
    done
  done <"$bundle/workspace-packages.txt"
  if [ -f pnpm-lock.yaml ] && command -v sha256sum >/dev/null 2>&1 &&
    [ "$(sha256sum pnpm-lock.yaml | cut -d' ' -f1)" != "$(cat "$bundle/lockfile.sha256")" ]; then
    echo "warning: $bundle was built from another pnpm-lock.yaml: if a package fails to load, rebuild it (gpu/prepare-device-bundle.sh)" >&2
  fi
  PATH="$root/node/bin:$PATH"
  echo "device bundle $id: $(node --version) from $root/node/bin, data from $root/shared"
  if [ "$decoder_oracle" = true ]; then
    exec timeout 480 node "$root/tree/benchmarks/reranker/src/decoder-oracle/check-decoder-oracle.ts" "$out"
  fi
  if [ "$vision_oracle" = true ]; then
    exec timeout 480 node "$root/tree/benchmarks/reranker/src/vision-oracle/check-vision-oracle.ts" "$out"
  fi
  exec timeout 480 node "$root/tree/benchmarks/reranker/src/gpu-check/gpu-check.ts" --out "$out" \
    --shared "$root/shared" "${dry_run[@]}" "$@"
fi

# The workspace's Node (>= 22.18 runs the TypeScript sources directly).
tools="${HYBRID_RAG_TOOLS_DIR:-$HOME/.cache/hybrid-rag/tools}/node_modules/.bin"
if [ -x "$tools/node" ]; then PATH="$tools:$PATH"; fi
if [ ! -d node_modules ]; then
  echo "node_modules is missing: run 'pnpm install --frozen-lockfile' (or, on a machine without network or Node, carry a bundle from gpu/prepare-device-bundle.sh) first" >&2
  exit 2
fi

# Hard stop at 8 minutes: the runner itself stops measuring at --budget-s (default 420 s).
if [ "$decoder_oracle" = true ]; then
  exec timeout 480 node benchmarks/reranker/src/decoder-oracle/check-decoder-oracle.ts "$out"
fi
if [ "$vision_oracle" = true ]; then
  exec timeout 480 node benchmarks/reranker/src/vision-oracle/check-vision-oracle.ts "$out"
fi
exec timeout 480 node benchmarks/reranker/src/gpu-check/gpu-check.ts --out "$out" "${dry_run[@]}" "$@"
