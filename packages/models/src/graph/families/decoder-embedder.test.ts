import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  tinyLlamaBidirectionalConfig,
  writeDecoderCheckpoint,
} from "../testing/decoder-checkpoints.ts";
import { createFamilySession, paddedFeeds, runLogits } from "../testing/family-session.ts";
import { readTestWeights } from "../testing/in-memory-weights.ts";
import { testRows } from "../testing/reference-comparison.ts";
import { llamaBidirectionalFamily } from "./llama-bidirectional-family.ts";

const directory = await mkdtemp(join(tmpdir(), "llama-embedder-"));
afterAll(() => rm(directory, { recursive: true, force: true }));

// The embedder graph outputs the final hidden states; pooling stays outside the graph. Mean
// pooling them and applying `score` must give the cross-encoder's logits, which the PyTorch
// reference checks (llama-bidirectional-family.test.ts): so the embedder's states are right.
it("llama-bidirectional as an embedder: last_hidden_state, mean-pooled, reproduces the reranker's logits", async () => {
  const config = tinyLlamaBidirectionalConfig();
  await writeDecoderCheckpoint(directory, config, { head: "score" });
  const weights = await readTestWeights(directory);
  const rows = testRows(512, 128);
  const { feeds, attentionMask } = paddedFeeds(rows);
  const reranker = await createFamilySession({ family: llamaBidirectionalFamily, config, weights });
  const logits = await runLogits(reranker.session, feeds);
  const embedder = await createFamilySession({
    family: llamaBidirectionalFamily,
    config,
    weights,
    task: "embedder",
  });
  const output = (await embedder.session.run(feeds)).last_hidden_state;
  expect(output?.dims).toEqual([rows.length, 128, 64]);
  const states = output?.data as Float32Array;
  const score = await weights.readFloat32("score.weight");
  for (const [row, mask] of attentionMask.entries()) {
    const length = mask.reduce((sum, value) => sum + value, 0);
    let logit = 0;
    for (let feature = 0; feature < 64; feature++) {
      let sum = 0;
      for (let position = 0; position < length; position++) {
        sum += states[(row * 128 + position) * 64 + feature] ?? Number.NaN;
      }
      logit += (sum / length) * (score[feature] ?? Number.NaN);
    }
    expect(Math.abs(logit - (logits[row] ?? Number.NaN))).toBeLessThanOrEqual(1e-5);
  }
  await reranker.session.release();
  await embedder.session.release();
});
