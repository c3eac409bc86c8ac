import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerLibraryInstalled } from "@hybrid-rag/models";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { createCrossEncoder } from "@hybrid-rag/reranker";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { crossEncoderScorer } from "./cross-encoder-scorer.ts";
import { closingAfterEachTest } from "./testing/test-server.ts";

const start = closingAfterEachTest();
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "reranker-metadata-"));
  await createTinyBertModel(directory, { kind: "cross-encoder", layers: 1, hidden: 8 });
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function metadataFor(executionProvider: "auto" | "cuda") {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
  const crossEncoder = await createCrossEncoder({
    model: directory,
    executionProvider,
    onProviderUnavailable: "warn",
  });
  warn.mockRestore();
  emitWarning.mockRestore();
  const { url } = await start(async () => crossEncoderScorer(crossEncoder), {
    modelId: "tiny",
  });
  const body = (await (await fetch(`${url}/v1/metadata`)).json()) as {
    modelInfo: Array<Record<string, unknown>>;
  };
  await crossEncoder.release();
  return { info: body.modelInfo[0]! };
}

// Without CUDA libraries, whatever is requested runs on the CPU, and that is what must show.
describe.skipIf(providerLibraryInstalled("cuda"))(
  "/v1/metadata states the provider in use, not the one requested",
  () => {
    it("auto that landed on the CPU reports cpu", async () => {
      const { info } = await metadataFor("auto");
      expect(info).toMatchObject({
        shortName: "tiny",
        executionProvider: "cpu",
        requestedExecutionProvider: "auto",
        allNodesOnProvider: true,
        providerFallback: expect.stringMatching(/^cuda: not installed/),
        precision: "fp32",
      });
    });

    it("cuda that fell back (onProviderUnavailable: warn) reports cpu and why", async () => {
      const { info } = await metadataFor("cuda");
      expect(info).toMatchObject({
        executionProvider: "cpu",
        requestedExecutionProvider: "cuda",
        providerFallback: expect.stringMatching(/^cuda could not load/),
      });
    });
  },
);

it("/v1/metadata says null for the provider while the model loads", async () => {
  const { url } = await start(() => new Promise(() => {}), {}, { waitForModel: false });
  const body = (await (await fetch(`${url}/v1/metadata`)).json()) as {
    modelInfo: Array<Record<string, unknown>>;
    ready: boolean;
  };
  expect(body.ready).toBe(false);
  expect(body.modelInfo[0]!.executionProvider).toBeNull();
});
