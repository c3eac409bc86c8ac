import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

/** Packages whose versions pin a result: ours, and the runtimes that compute scores. */
const tracked = [
  "@hybrid-rag/benchmark",
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
  "@hybrid-rag/models/node_modules/onnxruntime-node",
] as const;

/** Node and package versions for the JSON report ("unknown" when a package cannot be read). */
export async function toolVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = { node: process.versions.node };
  for (const name of tracked) {
    const path =
      name === "@hybrid-rag/benchmark" ? "../package.json" : `../node_modules/${name}/package.json`;
    try {
      const manifest = JSON.parse(await readFile(new URL(path, import.meta.url), "utf8")) as {
        name: string;
        version: string;
      };
      versions[manifest.name] = manifest.version;
    } catch {
      versions[name.split("/node_modules/").pop() ?? name] = "unknown";
    }
  }
  versions["hybrid-rag commit"] = await gitCommit();
  return versions;
}

/** The checked-out commit (with "+changes" when the tree is dirty), or "unknown" outside git. */
async function gitCommit(): Promise<string> {
  const run = promisify(execFile);
  const cwd = new URL(".", import.meta.url);
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
