import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutoTokenizer, env } from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModelDirectory, type ModelDirectory } from "./model-directory.ts";
import { createTinyBertModel } from "./testing/create-tiny-bert-model.ts";

const texts = [
  "What causes solar panels to degrade?",
  "Café crème brûlée, naïve façade — ÉLAN",
  "東京の天気は晴れです 今日は暑い",
  "Ο Σωκράτης ΣΟΦΟΣ διδάσκει φιλοσοφία",
  "IL-6 and TNF-α levels (p<0.05) rose 3.5-fold in 12/20 mice.",
  "unaffable antidisestablishmentarianism hyperparathyroidism",
  "  multiple   spaces\tand\nnewlines  ",
  "emoji 🙂 and symbols © ® ™",
  "",
];

let root: string;
let model: ModelDirectory;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "tokenizer-parity-"));
  await createTinyBertModel(join(root, "model"), { kind: "cross-encoder", layers: 1, hidden: 8 });
  model = await loadModelDirectory(join(root, "model"));
  env.allowRemoteModels = false;
  env.localModelPath = root;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("TextTokenizer parity with transformers.js", () => {
  it("gives identical token ids for single texts", async () => {
    const reference = await AutoTokenizer.from_pretrained("model");
    for (const text of texts) {
      const theirs = reference(text).input_ids.tolist()[0].map(Number);
      expect(model.tokenizer.encode(text).ids, text).toEqual(theirs);
    }
  });

  it("gives identical ids and type ids for pairs", async () => {
    const reference = await AutoTokenizer.from_pretrained("model");
    for (const query of texts.slice(0, 3)) {
      for (const passage of texts.slice(0, -1)) {
        const theirs = reference(query, { text_pair: passage });
        const ours = model.tokenizer.encode(query, passage);
        expect(ours.ids).toEqual(theirs.input_ids.tolist()[0].map(Number));
        expect(ours.typeIds).toEqual(theirs.token_type_ids!.tolist()[0].map(Number));
      }
    }
  });

  it("counts the special tokens of the template", () => {
    expect(model.tokenizer.specialTokensSingle).toBe(2);
    expect(model.tokenizer.specialTokensPair).toBe(3);
    expect(model.tokenizer.padId).toBe(0);
  });
});
