import { createHash } from "node:crypto";
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  expectErrorCode,
  type LoopbackServer,
  sendJson,
  startLoopbackServer,
} from "@hybrid-rag/core/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { downloadFromHub } from "./hub-download.ts";
import { loadModelDirectory } from "./model-directory.ts";
import { createSafetensorsModel } from "./testing/create-safetensors-model.ts";
import { createTinyBertModel } from "./testing/create-tiny-bert-model.ts";

const repository = "test-org/tiny-cross-encoder";
const commit = "0123456789abcdef0123456789abcdef01234567";
const lfsFiles = new Set(["onnx/model.onnx"]);

let root: string;
let files: Map<string, Buffer>;
let server: LoopbackServer;
let cache: string;
/** Per test: how the fake Hub misbehaves. */
let behaviour: { cutFirstDownloadAt?: number; corrupt?: string; status?: number; cut?: boolean };

function gitBlobHash(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "hub-"));
  const model = await createTinyBertModel(join(root, "source"), {
    kind: "cross-encoder",
    layers: 1,
    hidden: 8,
  });
  files = new Map();
  for (const name of [
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "onnx/model.onnx",
  ]) {
    files.set(name, await readFile(join(model.directory, name)));
  }
  // The Hub's URL layout: /api/models/{repo}/revision/{revision} and /{repo}/resolve/{revision}/{path}.
  server = await startLoopbackServer((request, response) => {
    const url = new URL(request.path, "http://hub");
    if (behaviour.status) return sendJson(response, behaviour.status, { error: "nope" });
    const api = url.pathname.match(/^\/api\/models\/(.+)\/revision\/([^/]+)$/);
    if (api) {
      if (api[1] !== repository) return sendJson(response, 404, { error: "Repository not found" });
      if (!["main", commit].includes(decodeURIComponent(api[2]!)))
        return sendJson(response, 404, { error: "Revision not found" });
      return sendJson(response, 200, {
        id: repository,
        sha: commit,
        siblings: [...files].map(([name, content]) => ({
          rfilename: name,
          size: content.length,
          blobId: gitBlobHash(content),
          ...(lfsFiles.has(name)
            ? {
                lfs: {
                  sha256: createHash("sha256").update(content).digest("hex"),
                  size: content.length,
                },
              }
            : {}),
        })),
      });
    }
    const resolve = url.pathname.match(/^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/);
    let content =
      resolve && resolve[1] === repository && resolve[2] === commit
        ? files.get(resolve[3]!)
        : undefined;
    if (!content) return sendJson(response, 404, { error: "Entry not found" });
    if (behaviour.corrupt === resolve![3]) content = Buffer.from(content).fill(7, 0, 10);
    const range = /^bytes=(\d+)-$/.exec(String(request.headers.range ?? ""));
    const start = range ? Number(range[1]) : 0;
    const body = content.subarray(start);
    response.writeHead(range ? 206 : 200, {
      "content-length": String(body.length),
      ...(range
        ? { "content-range": `bytes ${start}-${content.length - 1}/${content.length}` }
        : {}),
    });
    if (
      behaviour.cutFirstDownloadAt !== undefined &&
      resolve![3] === "onnx/model.onnx" &&
      !behaviour.cut
    ) {
      behaviour.cut = true;
      response.write(body.subarray(0, behaviour.cutFirstDownloadAt));
      // Break the connection mid-file, as a dropped network would.
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    response.end(body);
  });
});

beforeEach(async () => {
  behaviour = {};
  cache = await mkdtemp(join(root, "cache-"));
  server.requests.length = 0;
});

afterEach(() => {
  delete process.env.HF_HOME;
  delete process.env.HF_HUB_OFFLINE;
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const hub = () => ({ endpoint: server.url, cacheDirectory: cache, retry: { initialDelayMs: 1 } });

describe("downloadFromHub", () => {
  it("fills the cache in huggingface_hub's layout and loads the model from it", async () => {
    const snapshot = await downloadFromHub(repository, hub());
    const folder = join(cache, "models--test-org--tiny-cross-encoder");
    expect(snapshot).toEqual({
      path: join(folder, "snapshots", commit),
      commit,
      onnxFile: "onnx/model.onnx",
    });
    expect(await readFile(join(folder, "refs", "main"), "utf8")).toBe(commit);
    const link = join(snapshot.path, "onnx", "model.onnx");
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    const sha256 = createHash("sha256").update(files.get("onnx/model.onnx")!).digest("hex");
    expect(await readlink(link)).toBe(join("..", "..", "..", "blobs", sha256));
    const model = await loadModelDirectory(repository, hub());
    expect(model.revision).toBe(commit);
    expect(model.tokenizer.encode("hello").ids).toEqual([101, 7592, 102]);
  });

  it("downloads nothing the second time and works offline from the cache", async () => {
    await downloadFromHub(repository, hub());
    const downloads = () =>
      server.requests.filter((request) => request.path.includes("/resolve/")).length;
    const first = downloads();
    await downloadFromHub(repository, hub());
    expect(downloads()).toBe(first);
    server.requests.length = 0;
    process.env.HF_HUB_OFFLINE = "1";
    const offline = await loadModelDirectory(repository, {
      cacheDirectory: cache,
      endpoint: server.url,
    });
    expect(offline.revision).toBe(commit);
    const pinned = await downloadFromHub(repository, { cacheDirectory: cache, revision: commit });
    expect(pinned.commit).toBe(commit);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses offline when the model is not cached", async () => {
    process.env.HF_HUB_OFFLINE = "1";
    await expectErrorCode(downloadFromHub(repository, hub()), "not-found");
    expect(server.requests).toHaveLength(0);
  });

  it("respects HF_HOME", async () => {
    process.env.HF_HOME = join(cache, "hf-home");
    await downloadFromHub(repository, { endpoint: server.url });
    const refs = join(
      cache,
      "hf-home",
      "hub",
      "models--test-org--tiny-cross-encoder",
      "refs",
      "main",
    );
    expect(await readFile(refs, "utf8")).toBe(commit);
  });

  it("resumes a broken download with a Range request", async () => {
    behaviour.cutFirstDownloadAt = 1000;
    const snapshot = await downloadFromHub(repository, hub());
    const onnxRequests = server.requests.filter((request) =>
      request.path.endsWith("/onnx/model.onnx"),
    );
    expect(onnxRequests).toHaveLength(2);
    expect(onnxRequests[1]!.headers.range).toBe("bytes=1000-");
    expect(
      (await readFile(join(snapshot.path, "onnx", "model.onnx"))).equals(
        files.get("onnx/model.onnx")!,
      ),
    ).toBe(true);
  });

  it("resumes a partial file left by an earlier process", async () => {
    const content = files.get("onnx/model.onnx")!;
    const sha256 = createHash("sha256").update(content).digest("hex");
    const blobs = join(cache, "models--test-org--tiny-cross-encoder", "blobs");
    await mkdir(blobs, { recursive: true });
    await writeFile(join(blobs, `${sha256}.incomplete`), content.subarray(0, 5000));
    await downloadFromHub(repository, hub());
    const onnxRequest = server.requests.find((request) =>
      request.path.endsWith("/onnx/model.onnx"),
    );
    expect(onnxRequest!.headers.range).toBe("bytes=5000-");
    expect((await readFile(join(blobs, sha256))).equals(content)).toBe(true);
  });

  it("rejects files whose hash does not match the listing", async () => {
    behaviour.corrupt = "onnx/model.onnx";
    await expectErrorCode(downloadFromHub(repository, hub()), "corrupt-data");
    behaviour.corrupt = "config.json";
    cache = await mkdtemp(join(root, "cache-"));
    await expectErrorCode(downloadFromHub(repository, hub()), "corrupt-data");
  });

  it("maps Hub errors to error codes", async () => {
    await expectErrorCode(downloadFromHub("test-org/missing", hub()), "not-found");
    await expectErrorCode(downloadFromHub(repository, { ...hub(), revision: "v9" }), "not-found");
    behaviour.status = 401;
    await expectErrorCode(downloadFromHub(repository, hub()), "permission-denied");
    behaviour.status = 503;
    await expectErrorCode(
      downloadFromHub(repository, { ...hub(), retry: { maxRetries: 1, initialDelayMs: 1 } }),
      "unavailable",
    );
  });

  it("sends HF_TOKEN-style tokens as a bearer header", async () => {
    await downloadFromHub(repository, { ...hub(), token: "hf_secret" });
    expect(
      server.requests.every((request) => request.headers.authorization === "Bearer hf_secret"),
    ).toBe(true);
  });
});

describe("a Hub repository with safetensors weights and no ONNX export", () => {
  it("downloads config, tokenizer and weights; loadModelDirectory builds the graph", async () => {
    const saved = new Map(files);
    const source = join(root, "safetensors-source");
    await createSafetensorsModel(source, {
      family: "bert",
      task: "cross-encoder",
      hidden: 16,
      heads: 2,
    });
    files.delete("onnx/model.onnx");
    for (const name of [
      "config.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "model.safetensors",
    ]) {
      files.set(name, await readFile(join(source, name)));
    }
    try {
      const model = await loadModelDirectory(repository, {
        cacheDirectory: join(root, "safetensors-cache"),
        endpoint: server.url,
        graphCacheDirectory: join(root, "safetensors-graphs"),
        onGraph: () => {},
      });
      expect(model.builtGraph?.family).toBe("bert");
      expect(model.revision).toBe(commit);
      expect(model.onnxPath.startsWith(join(root, "safetensors-graphs"))).toBe(true);
    } finally {
      files.clear();
      for (const [name, content] of saved) files.set(name, content);
    }
  });
});
