import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { downloadBeirDataset } from "./beir-download.ts";
import { resolveDataset } from "./dataset-source.ts";
import { silentProgress } from "./progress.ts";

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let server: Server;
let baseUrl = "";
let cache = "";
const archives = new Map<string, Buffer>();
let requests = 0;

beforeAll(async () => {
  archives.set(
    "/tiny.zip",
    await zipOf({
      "tiny/corpus.jsonl": '{"_id": "d1", "title": "", "text": "hello"}\n',
      "tiny/queries.jsonl": '{"_id": "q1", "text": "hello"}\n',
      "tiny/qrels/test.tsv": "query-id\tcorpus-id\tscore\nq1\td1\t1\n",
    }),
  );
  archives.set("/broken.zip", Buffer.from("this is not a zip archive"));
  server = createServer((request, response) => {
    requests += 1;
    const body = archives.get(request.url ?? "");
    if (!body) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": "application/zip", "content-length": body.length });
    response.end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cache = await mkdtemp(join(tmpdir(), "hybrid-rag-cache-"));
});

afterAll(async () => {
  server.close();
  await rm(cache, { recursive: true, force: true });
});

describe("BEIR download", () => {
  it("downloads, unzips into the cache and reuses it the next time", async () => {
    const folder = await resolveDataset("tiny", {
      cacheDirectory: cache,
      baseUrl,
      progress: silentProgress,
    });
    expect(folder).toBe(join(cache, "tiny"));
    expect(await readFile(join(folder, "qrels", "test.tsv"), "utf8")).toContain("q1\td1\t1");
    const before = requests;
    await resolveDataset("tiny", { cacheDirectory: cache, baseUrl, progress: silentProgress });
    expect(requests).toBe(before);
    expect(await readdir(cache)).toEqual(["tiny"]); // no temporary files left
  });

  it("an unknown set or an unreachable server says how to use a local folder", async () => {
    await expect(
      downloadBeirDataset({
        name: "missing",
        cacheDirectory: cache,
        baseUrl,
        progress: silentProgress,
      }),
    ).rejects.toThrow(/HTTP 404.*point --dataset at the folder/);
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    closed.close();
    await expect(
      downloadBeirDataset({
        name: "scifact",
        cacheDirectory: cache,
        baseUrl: deadUrl,
        progress: silentProgress,
      }),
    ).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/ECONNREFUSED.*--dataset \.\.\/shared\/datasets\/scifact/),
    });
  });

  it("a damaged archive leaves nothing behind in the cache", async () => {
    await expect(
      downloadBeirDataset({
        name: "broken",
        cacheDirectory: cache,
        baseUrl,
        progress: silentProgress,
      }),
    ).rejects.toMatchObject({ code: "corrupt-data" });
    expect((await readdir(cache)).filter((entry) => entry.includes("broken"))).toEqual([]);
  });

  it("rejects a path that does not exist", async () => {
    await expect(resolveDataset("./no/such/folder", { progress: silentProgress })).rejects.toThrow(
      /no such folder/,
    );
  });
});
