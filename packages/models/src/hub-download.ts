import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { RetryPolicy } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import { fetchWithRetry, requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import {
  commitHashPattern,
  defaultHubCacheDirectory,
  isOfflineByEnvironment,
  repositoryFolder,
} from "./hub-cache.ts";
import { defaultOnnxFiles, metadataFiles, requiredFiles } from "./model-files.ts";

export interface HubOptions {
  /** Branch, tag or commit (default "main"); pin a commit for reproducible runs. */
  readonly revision?: string;
  /** Cache root; default HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub. */
  readonly cacheDirectory?: string;
  /** Hub address; default HF_ENDPOINT or https://huggingface.co. */
  readonly endpoint?: string;
  /** Never touch the network (default: HF_HUB_OFFLINE). */
  readonly offline?: boolean;
  /** Access token for gated or private models; default HF_TOKEN. */
  readonly token?: string;
  readonly onnxFile?: string;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface HubSnapshot {
  readonly path: string;
  readonly commit: string;
  readonly onnxFile: string | undefined;
}

const siblingSchema = z.looseObject({
  rfilename: z.string(),
  size: z.number().int().nonnegative().optional(),
  blobId: z.string().optional(),
  lfs: z.looseObject({ sha256: z.string(), size: z.number().int().nonnegative() }).optional(),
});

const revisionInfoSchema = z.looseObject({
  sha: z.string().regex(commitHashPattern, "sha must be a 40-character commit hash"),
  siblings: z.array(siblingSchema),
});

type Sibling = z.output<typeof siblingSchema>;

/** "org/name" (letters, digits, -, _, .), as Hub repository ids are spelt. */
export function isHubModelId(value: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(value) && !value.includes("..");
}

/**
 * Brings the files a model needs into the Hugging Face cache (huggingface_hub's layout:
 * blobs/, snapshots/<commit>/, refs/<revision>) and returns the snapshot folder. Each file is
 * checked against the size and hash the Hub lists (sha256 for LFS files, the git blob hash
 * otherwise); interrupted downloads resume with a Range request.
 */
export async function downloadFromHub(
  repository: string,
  options: HubOptions = {},
): Promise<HubSnapshot> {
  const cacheDirectory = options.cacheDirectory ?? defaultHubCacheDirectory();
  const revision = options.revision ?? "main";
  const folder = repositoryFolder(cacheDirectory, repository);
  if (options.offline ?? isOfflineByEnvironment()) {
    return cachedSnapshot(
      folder,
      repository,
      revision,
      options.onnxFile,
      "offline mode (HF_HUB_OFFLINE)",
    );
  }
  const endpoint = (
    options.endpoint ??
    process.env.HF_ENDPOINT ??
    "https://huggingface.co"
  ).replace(/\/+$/, "");
  const token = options.token ?? process.env.HF_TOKEN;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let info: z.output<typeof revisionInfoSchema>;
  try {
    info = await requestJson(
      {
        url: `${endpoint}/api/models/${repository}/revision/${encodeURIComponent(revision)}?blobs=true`,
        what: `Hub lookup of ${repository}@${revision}`,
        headers,
        ...common(options),
      },
      revisionInfoSchema,
    );
  } catch (error) {
    if (HybridRagError.isInstance(error) && error.code === "unavailable") {
      const snapshot = await cachedSnapshot(
        folder,
        repository,
        revision,
        options.onnxFile,
        "",
      ).catch(() => undefined);
      if (snapshot) {
        console.warn(
          `[hybrid-rag] the Hub is unreachable (${error.message}); using the cached ${repository}@${snapshot.commit}.`,
        );
        return snapshot;
      }
    }
    throw error;
  }
  const byName = new Map(info.siblings.map((sibling) => [sibling.rfilename, sibling]));
  // Without an ONNX export, the safetensors weights: loadModelDirectory builds the graph.
  const weightFiles = options.onnxFile === undefined ? safetensorsFilesOf(byName) : [];
  const onnxFile =
    weightFiles.length > 0 && !defaultOnnxFiles.some((file) => byName.has(file))
      ? undefined
      : chooseOnnxFile(byName, repository, options.onnxFile);
  const wanted = [
    ...metadataFiles.filter((file) => byName.has(file)),
    ...(onnxFile === undefined
      ? weightFiles
      : [onnxFile, ...[`${onnxFile}_data`, `${onnxFile}.data`].filter((file) => byName.has(file))]),
  ];
  for (const file of requiredFiles) {
    if (!byName.has(file)) {
      throw new HybridRagError(
        "not-found",
        `${repository}@${revision} has no ${file}; it is not a usable model repository.`,
      );
    }
  }
  const snapshotPath = join(folder, "snapshots", info.sha);
  for (const file of wanted) {
    await ensureFile({
      folder,
      snapshotPath,
      file,
      sibling: byName.get(file)!,
      commit: info.sha,
      endpoint,
      repository,
      headers,
      options,
    });
  }
  if (revision !== info.sha) {
    await mkdir(join(folder, "refs", dirname(revision)), { recursive: true });
    await writeFile(join(folder, "refs", revision), info.sha);
  }
  return { path: snapshotPath, commit: info.sha, onnxFile };
}

function common(options: HubOptions): {
  retry?: RetryPolicy;
  timeoutMs?: number;
  signal?: AbortSignal;
} {
  return {
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** model.safetensors, or the index and every shard it may name, when the repository has them. */
function safetensorsFilesOf(byName: Map<string, Sibling>): string[] {
  if (byName.has("model.safetensors")) return ["model.safetensors"];
  if (!byName.has("model.safetensors.index.json")) return [];
  const shards = [...byName.keys()].filter((file) => /^model-\d+-of-\d+\.safetensors$/.test(file));
  return ["model.safetensors.index.json", ...shards.sort()];
}

function chooseOnnxFile(
  byName: Map<string, Sibling>,
  repository: string,
  requested: string | undefined,
): string {
  const candidates = requested ? [requested] : defaultOnnxFiles;
  const found = candidates.find((file) => byName.has(file));
  if (found) return found;
  const available = [...byName.keys()].filter((file) => file.endsWith(".onnx"));
  throw new HybridRagError(
    "not-found",
    `${repository} has no ${candidates.join(" or ")}` +
      (available.length > 0
        ? `; it has ${available.join(", ")} (pass onnxFile).`
        : "; it has no ONNX export."),
  );
}

async function cachedSnapshot(
  folder: string,
  repository: string,
  revision: string,
  onnxFile: string | undefined,
  why: string,
): Promise<HubSnapshot> {
  let commit = revision;
  if (!commitHashPattern.test(revision)) {
    commit = await readFile(join(folder, "refs", revision), "utf8")
      .then((text) => text.trim())
      .catch(() => "");
  }
  const path = join(folder, "snapshots", commit);
  const present = commit !== "" && (await exists(join(path, "config.json")));
  if (!present) {
    throw new HybridRagError(
      "not-found",
      `${repository}@${revision} is not in the cache (${folder})${why ? ` and ${why} forbids downloading it` : ""}. ` +
        "Download it once with network access (unset HF_HUB_OFFLINE), or point at a local directory.",
    );
  }
  return { path, commit, onnxFile };
}

interface FileTask {
  readonly folder: string;
  readonly snapshotPath: string;
  readonly file: string;
  readonly sibling: Sibling;
  readonly commit: string;
  readonly endpoint: string;
  readonly repository: string;
  readonly headers: Record<string, string>;
  readonly options: HubOptions;
}

async function ensureFile(task: FileTask): Promise<void> {
  const { sibling, file } = task;
  const expectedSize = sibling.lfs?.size ?? sibling.size;
  const blobId = sibling.lfs?.sha256 ?? sibling.blobId;
  if (!blobId) {
    throw new HybridRagError(
      "corrupt-data",
      `The Hub listing of ${task.repository} gives no hash for ${file}; cannot verify it.`,
    );
  }
  const blobPath = join(task.folder, "blobs", blobId);
  const linkPath = join(task.snapshotPath, file);
  if (!(await exists(blobPath))) {
    await downloadBlob(task, blobPath, expectedSize);
    await verifyBlob(blobPath, sibling, task);
  }
  if (!(await exists(linkPath))) {
    await mkdir(dirname(linkPath), { recursive: true });
    await symlink(relative(dirname(linkPath), blobPath), linkPath).catch(async () => {
      // Filesystems without symlinks get a copy, as huggingface_hub does on Windows.
      await writeFile(linkPath, await readFile(blobPath));
    });
  }
}

/** Downloads into `<blob>.incomplete`, resuming from its current size with a Range request. */
async function downloadBlob(
  task: FileTask,
  blobPath: string,
  expectedSize: number | undefined,
): Promise<void> {
  const partial = `${blobPath}.incomplete`;
  await mkdir(dirname(blobPath), { recursive: true });
  const url = `${task.endpoint}/${task.repository}/resolve/${task.commit}/${task.file}`;
  const attempts = (task.options.retry?.maxRetries ?? 3) + 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const have = (await stat(partial).catch(() => undefined))?.size ?? 0;
    if (expectedSize !== undefined && have === expectedSize) break;
    if (expectedSize !== undefined && have > expectedSize) await rm(partial);
    const resumeFrom = expectedSize !== undefined && have > expectedSize ? 0 : have;
    try {
      const response = await fetchWithRetry({
        url,
        what: `download of ${task.repository}/${task.file}`,
        headers: { ...task.headers, ...(resumeFrom > 0 ? { range: `bytes=${resumeFrom}-` } : {}) },
        ...common(task.options),
      });
      // 206: the server resumed; 200: it sent the whole file again, so start over.
      const append = response.status === 206 && resumeFrom > 0;
      if (!response.body) throw new HybridRagError("unavailable", `${url} sent no body.`);
      await pipeline(
        Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
        createWriteStream(partial, { flags: append ? "a" : "w" }),
      );
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
      if (task.options.signal?.aborted) break;
      if (HybridRagError.isInstance(error) && !error.isRetryable) break;
    }
  }
  if (lastError !== undefined) {
    throw HybridRagError.isInstance(lastError)
      ? lastError
      : new HybridRagError(
          "unavailable",
          `Download of ${task.repository}/${task.file} broke off (${String(lastError)}); run again to resume from ${partial}.`,
          { cause: lastError },
        );
  }
  const size = (await stat(partial)).size;
  if (expectedSize !== undefined && size !== expectedSize) {
    throw new HybridRagError(
      "unavailable",
      `Download of ${task.repository}/${task.file} stopped at ${size} of ${expectedSize} bytes; run again to resume.`,
    );
  }
  await rename(partial, blobPath);
}

async function verifyBlob(blobPath: string, sibling: Sibling, task: FileTask): Promise<void> {
  const size = (await stat(blobPath)).size;
  const lfs = sibling.lfs;
  const expected = lfs ? lfs.sha256 : sibling.blobId!;
  // Git hashes a blob as sha1("blob <size>\0" + content); LFS files are listed by sha256.
  const hash = createHash(lfs ? "sha256" : "sha1");
  if (!lfs) hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(blobPath)) hash.update(chunk as Buffer);
  const actual = hash.digest("hex");
  if (actual !== expected) {
    await rm(blobPath, { force: true });
    throw new HybridRagError(
      "corrupt-data",
      `${task.repository}/${task.file} downloaded with ${lfs ? "sha256" : "git blob hash"} ${actual}, ` +
        `but the Hub lists ${expected}; the file was deleted, run again to re-download it.`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
