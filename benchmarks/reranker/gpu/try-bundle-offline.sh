#!/usr/bin/env bash
# Proves the device bundle before device time is spent on it: a fresh clone of this checkout's
# committed HEAD (no node_modules) with .device-bundle/ copied in, run with an empty environment
# (PATH=/usr/bin:/bin, a HOME without the toolchain cache), must pass gpu/run.sh --dry-run.
#   benchmarks/reranker/gpu/try-bundle-offline.sh [<bundle folder>]   (default .device-bundle)
# Needs no network. run.sh puts the bundle's Node before any system Node (Node 20 here, too old
# for the TypeScript sources), so the check fails if the bundle's is not the one used. Leaves
# nothing behind but the printed output.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bundle=$(cd "${1:-.device-bundle}" && pwd)
if [ ! -f "$bundle/runtime.tar.xz" ]; then
  echo "no bundle at $bundle: run benchmarks/reranker/gpu/prepare-device-bundle.sh first" >&2
  exit 2
fi
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes are not in the clone: the committed HEAD is what is tried" >&2
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git clone --quiet --no-hardlinks "$PWD" "$scratch/repo"
git -C "$scratch/repo" checkout --quiet --detach "$(git rev-parse HEAD)"
cp -R "$bundle" "$scratch/repo/.device-bundle"
mkdir -p "$scratch/home" "$scratch/tmp"
echo "clone of $(git rev-parse --short HEAD) in $scratch/repo, bundle $(cat "$bundle/bundle-id")"
echo "system node on PATH=/usr/bin:/bin: $(PATH=/usr/bin:/bin command -v node >/dev/null && PATH=/usr/bin:/bin node --version || echo none)"
env -i PATH=/usr/bin:/bin HOME="$scratch/home" TMPDIR="$scratch/tmp" \
  bash "$scratch/repo/benchmarks/reranker/gpu/run.sh" --dry-run "$scratch/out"
test ! -e "$scratch/repo/node_modules"
echo "offline dry run passed: results.json and results.md written; no node_modules in the clone"
