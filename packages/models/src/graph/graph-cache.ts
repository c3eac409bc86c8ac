import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Changes whenever a family's graph changes for the same weights, so that graphs built by an
 * older builder are never reused.
 */
export const graphBuilderVersion = "3";

/**
 * Where built graphs are cached: HYBRID_RAG_CACHE_DIR, else $XDG_CACHE_HOME/hybrid-rag, else
 * ~/.cache/hybrid-rag; graphs go under `graphs/`.
 */
export function defaultGraphCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.HYBRID_RAG_CACHE_DIR) return join(environment.HYBRID_RAG_CACHE_DIR, "graphs");
  const cacheHome = environment.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(cacheHome, "hybrid-rag", "graphs");
}

export interface GraphKeyParts {
  readonly family: string;
  readonly task: string;
  readonly precision: string;
  readonly configBytes: Uint8Array;
  /**
   * tokenizer.json, when the directory has one: a family may read token ids into the graph
   * (qwen3-reranker's "yes" and "no"), so another tokenizer may mean another graph.
   */
  readonly tokenizerBytes?: Uint8Array | undefined;
  readonly weightFiles: readonly string[];
}

/**
 * The cache key: sha256 of the builder version, family, task, precision, config.json,
 * tokenizer.json and the content of every weight file. A weight file's digest is remembered under `digests/` by
 * (path, size, mtime, inode), so a second start reads no weights to find its graph.
 */
export async function graphCacheKey(cacheDirectory: string, parts: GraphKeyParts): Promise<string> {
  const hash = createHash("sha256");
  hash.update(
    `hybrid-rag graph ${graphBuilderVersion}\0${parts.family}\0${parts.task}\0${parts.precision}\0`,
  );
  hash.update(parts.configBytes);
  hash.update(`\0tokenizer ${parts.tokenizerBytes?.byteLength ?? -1}\0`);
  if (parts.tokenizerBytes) hash.update(parts.tokenizerBytes);
  for (const file of parts.weightFiles) hash.update(`\0${await fileDigest(cacheDirectory, file)}`);
  return hash.digest("hex").slice(0, 32);
}

async function fileDigest(cacheDirectory: string, path: string): Promise<string> {
  const info = await stat(path);
  const identity = createHash("sha256")
    .update(`${path}\0${info.size}\0${info.mtimeMs}\0${info.ino}`)
    .digest("hex");
  const memo = join(cacheDirectory, "digests", identity);
  const remembered = await readFile(memo, "utf8").catch(() => undefined);
  if (remembered && /^[0-9a-f]{64}$/.test(remembered)) return remembered;
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 }))
    hash.update(chunk as Buffer);
  const digest = hash.digest("hex");
  await mkdir(join(cacheDirectory, "digests"), { recursive: true });
  await writeFile(memo, digest);
  return digest;
}
