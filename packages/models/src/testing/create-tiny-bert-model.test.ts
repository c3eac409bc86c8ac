import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AutoModel,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  env,
} from "@huggingface/transformers";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTinyBertModel } from "./create-tiny-bert-model.ts";
import { float32ToFloat16Bits } from "./onnx-graph-builder.ts";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "tiny-bert-"));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function int64(values: readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("int64", BigInt64Array.from(values.map(BigInt)), dims);
}

describe("createTinyBertModel", () => {
  it("writes a cross-encoder that onnxruntime runs and transformers.js loads", async () => {
    const model = await createTinyBertModel(join(root, "cross"), { kind: "cross-encoder" });
    const config = JSON.parse(await readFile(join(model.directory, "config.json"), "utf8"));
    expect(config.architectures).toEqual(["BertForSequenceClassification"]);
    const session = await ort.InferenceSession.create(model.modelPath);
    expect(session.outputNames).toEqual(["logits"]);
    const tokenizer = await AutoTokenizer.from_pretrained("cross");
    const classifier = await AutoModelForSequenceClassification.from_pretrained("cross", {
      dtype: "fp32",
    });
    const inputs = tokenizer("what is it", { text_pair: "it is a thing" });
    expect(inputs.input_ids.tolist()).toEqual([
      [101n, 2054n, 2003n, 2009n, 102n, 2009n, 2003n, 1037n, 2518n, 102n],
    ]);
    const theirs = (await classifier(inputs)).logits.data as Float32Array;
    const ids = [101, 2054, 2003, 2009, 102, 2009, 2003, 1037, 2518, 102];
    const ours = await session.run({
      input_ids: int64(ids, [1, 10]),
      attention_mask: int64(Array(10).fill(1), [1, 10]),
      token_type_ids: int64([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [1, 10]),
    });
    expect(ours.logits!.dims).toEqual([1, 1]);
    expect(ours.logits!.data[0]).toBeCloseTo(theirs[0]!, 5);
  });

  it("writes a bi-encoder with sentence-transformers pooling config", async () => {
    const model = await createTinyBertModel(join(root, "bi"), {
      kind: "bi-encoder",
      hidden: 16,
      heads: 4,
      layers: 1,
      pooling: "cls",
    });
    const pooling = JSON.parse(
      await readFile(join(model.directory, "1_Pooling", "config.json"), "utf8"),
    );
    expect(pooling).toMatchObject({ word_embedding_dimension: 16, pooling_mode_cls_token: true });
    const session = await ort.InferenceSession.create(model.modelPath);
    const output = await session.run({
      input_ids: int64([101, 2054, 102, 101, 102, 0], [2, 3]),
      attention_mask: int64([1, 1, 1, 1, 1, 0], [2, 3]),
      token_type_ids: int64([0, 0, 0, 0, 0, 0], [2, 3]),
    });
    expect(output.last_hidden_state!.dims).toEqual([2, 3, 16]);
    const encoder = await AutoModel.from_pretrained("bi", { dtype: "fp32" });
    expect(encoder).toBeDefined();
  });

  it("is deterministic for a seed and differs across seeds", async () => {
    const first = await createTinyBertModel(join(root, "seed-a"), {
      kind: "cross-encoder",
      seed: 7,
    });
    const second = await createTinyBertModel(join(root, "seed-b"), {
      kind: "cross-encoder",
      seed: 7,
    });
    const third = await createTinyBertModel(join(root, "seed-c"), {
      kind: "cross-encoder",
      seed: 8,
    });
    const [a, b, c] = await Promise.all([first, second, third].map((m) => readFile(m.modelPath)));
    expect(a!.equals(b!)).toBe(true);
    expect(a!.equals(c!)).toBe(false);
  });

  it("writes an fp16 twin (onnx/model_fp16.onnx) whose logits match the fp32 model's", async () => {
    const { directory, modelPath } = await createTinyBertModel(join(root, "fp16"), {
      kind: "cross-encoder",
      layers: 2,
      hidden: 32,
      heads: 4,
      fp16: true,
    });
    const logitsOf = async (path: string) => {
      const session = await ort.InferenceSession.create(path, { executionProviders: ["cpu"] });
      const size = 3 * 10;
      const tensor = (values: bigint[]) =>
        new ort.Tensor("int64", BigInt64Array.from(values), [3, 10]);
      const outputs = await session.run({
        input_ids: tensor(Array.from({ length: size }, (_, index) => BigInt(1000 + index * 7))),
        attention_mask: tensor(
          Array.from({ length: size }, (_, index) => (index % 10 < 8 ? 1n : 0n)),
        ),
        token_type_ids: tensor(
          Array.from({ length: size }, (_, index) => (index % 10 < 4 ? 0n : 1n)),
        ),
      });
      await session.release();
      expect(outputs.logits!.type).toBe("float32"); // io types kept
      return Array.from(outputs.logits!.data as Float32Array);
    };
    const full = await logitsOf(modelPath);
    const half = await logitsOf(join(directory, "onnx", "model_fp16.onnx"));
    const fullBytes = (await readFile(modelPath)).length;
    const halfBytes = (await readFile(join(directory, "onnx", "model_fp16.onnx"))).length;
    expect(halfBytes).toBeLessThan(fullBytes * 0.6);
    for (const [index, value] of half.entries()) expect(value).toBeCloseTo(full[index]!, 2);
  });

  it("rounds float32 to the nearest half", () => {
    const bits = float32ToFloat16Bits(
      Float32Array.from([
        1,
        -2,
        65504,
        1e6,
        2 ** -24,
        1e-9,
        Number.NaN,
        1 + 2 ** -11,
        1 + 3 * 2 ** -11,
      ]),
    );
    expect(Array.from(bits, (value) => value.toString(16))).toEqual([
      "3c00", // 1
      "c000", // -2
      "7bff", // 65504, the largest half
      "7c00", // overflow: infinity
      "1", // the smallest subnormal
      "0", // underflow: zero
      "7e00", // NaN
      "3c00", // 1 + 2^-11: a tie, to even
      "3c02", // 1 + 3 · 2^-11: a tie, to even (up)
    ]);
  });
});
