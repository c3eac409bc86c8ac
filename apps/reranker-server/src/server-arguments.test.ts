import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readServerInvocation, rerankerSpecOf } from "./server-arguments.ts";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "hybrid-rag-reranker-spec-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function specFile(name: string, spec: unknown): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, JSON.stringify(spec));
  return file;
}

describe("reranker-server --print-spec / --spec", () => {
  it("prints its environment as the reranker part of a spec, which --spec reads back", async () => {
    const environment = {
      NIM_MODEL_PATH: "/models/ms-marco-MiniLM-L-6-v2",
      NIM_SERVED_MODEL_NAME: "minilm",
      RERANKER_EXECUTION_PROVIDER: "cpu",
    };
    const printed = await readServerInvocation(["--print-spec"], environment);
    expect(printed.printSpec).toBe(true);
    const spec = rerankerSpecOf(printed.config);
    expect(spec).toMatchObject({
      reranker: { model: "/models/ms-marco-MiniLM-L-6-v2", api: "nim", endpointModel: "minilm" },
      executionProvider: "cpu",
    });
    const file = await specFile("printed.json", spec);
    const again = await readServerInvocation(["--spec", file], {});
    expect(again.printSpec).toBe(false);
    expect(again.config).toEqual(printed.config);
    expect(rerankerSpecOf(again.config)).toEqual(spec);
  });

  it("lets a variable that is set override the spec's field, and only such a variable", async () => {
    const file = await specFile("base.json", {
      version: 1,
      reranker: { model: "/models/bge-reranker", endpointModel: "bge" },
      executionProvider: "cuda",
    });
    const { config } = await readServerInvocation(["--spec", file], {
      NIM_MODEL_PATH: "/models/minilm",
      RERANKER_MAX_PASSAGES: "100",
    });
    expect(config.modelPath).toBe("/models/minilm");
    expect(config.modelId).toBe("bge");
    expect(config.executionProvider).toBe("cuda");
    expect(config.maxPassagesPerRequest).toBe(100);
  });

  it("refuses an invalid spec file, or a reranker it cannot run in process, naming the field", async () => {
    const wrong = await specFile("wrong.json", { version: 1, executionProvider: "metal" });
    await expect(readServerInvocation(["--spec", wrong], {})).rejects.toThrow(
      /--spec .*wrong\.json.*executionProvider must be auto, cpu, cuda, tensorrt or webgpu/,
    );
    const remote = await specFile("remote.json", {
      version: 1,
      reranker: { model: "http://other:8000" },
    });
    await expect(readServerInvocation(["--spec", remote], {})).rejects.toThrow(
      /reranker\.model "http:\/\/other:8000" is not a model folder/,
    );
    const empty = await specFile("empty.json", { version: 1 });
    await expect(readServerInvocation(["--spec", empty], {})).rejects.toThrow(/NIM_MODEL_PATH/);
    await expect(readServerInvocation(["--model", "x"], {})).rejects.toThrow(/--model/);
  });
});
