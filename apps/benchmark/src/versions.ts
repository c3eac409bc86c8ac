import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** Packages whose versions pin a result: ours, and the runtimes that compute scores. */
const tracked = [
  "@hybrid-rag/core",
  "@hybrid-rag/bm25",
  "@hybrid-rag/fusion",
  "@hybrid-rag/pipeline",
  "@hybrid-rag/eval",
  "@hybrid-rag/vector-index",
  "@hybrid-rag/embeddings",
  "@hybrid-rag/reranker",
  "@hybrid-rag/models",
  "@hybrid-rag/elasticsearch",
  "@hybrid-rag/qdrant",
] as const;

/**
 * Node and package versions for the JSON report ("unknown" when a package cannot be found).
 * Packages are found as Node finds them from this file (a workspace checkout and an npm
 * install alike); onnxruntime-node as @hybrid-rag/models finds it.
 */
export async function toolVersions(): Promise<Record<string, string>> {
  const here = fileURLToPath(import.meta.url);
  const versions: Record<string, string> = {
    node: process.versions.node,
    "@hybrid-rag/benchmark": manifestAbove(here, "@hybrid-rag/benchmark")?.version ?? "unknown",
  };
  for (const name of tracked) versions[name] = installedVersion(name, here) ?? "unknown";
  const models = resolveFrom("@hybrid-rag/models", here);
  versions["onnxruntime-node"] =
    (models && installedVersion("onnxruntime-node", models)) ?? "unknown";
  versions["hybrid-rag commit"] = await gitCommit(here);
  return versions;
}

/** The version of package `name` as resolved from the file `from`, if it can be found. */
export function installedVersion(name: string, from: string): string | undefined {
  const entry = resolveFrom(name, from);
  return entry ? manifestAbove(entry, name)?.version : undefined;
}

/** The entry file of package `name` as Node resolves it from the file `from`. */
function resolveFrom(name: string, from: string): string | undefined {
  const require = createRequire(from);
  try {
    return require.resolve(name);
  } catch {
    // ESM-only exports (no "require" condition): the package folder is still found the
    // CommonJS way, through its package.json, when the exports map lists it ...
    try {
      return require.resolve(`${name}/package.json`);
    } catch {
      // ... or else through the node_modules folders above `from`.
      for (const folder of require.resolve.paths(name) ?? []) {
        const manifest = join(folder, name, "package.json");
        if (existsSync(manifest)) return manifest;
      }
      return undefined;
    }
  }
}

/** The nearest package.json above `file` whose name is `name`. */
function manifestAbove(file: string, name: string): { version: string } | undefined {
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name && typeof manifest.version === "string")
        return { version: manifest.version };
    } catch {
      // no readable package.json here: keep climbing
    }
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * The checked-out hybrid-rag commit (with "+changes" when the tree is dirty), or "unknown":
 * outside a git checkout, and when installed under node_modules (the git repository around
 * it, if any, is the user's own, not ours).
 */
async function gitCommit(here: string): Promise<string> {
  if (here.split(sep).includes("node_modules")) return "unknown";
  const run = promisify(execFile);
  const cwd = dirname(here);
  try {
    const { stdout: commit } = await run("git", ["rev-parse", "HEAD"], { cwd });
    const { stdout: status } = await run("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd,
    });
    return `${commit.trim()}${status.trim().length > 0 ? "+changes" : ""}`;
  } catch {
    return "unknown";
  }
}
