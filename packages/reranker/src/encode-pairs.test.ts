import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { describe, expect, it } from "vitest";
import { CrossEncoder } from "./cross-encoder.ts";

describe("tokenizePairs with maxPassageTokens", () => {
  it("cuts the passage before pairing, then the pair at the model's limit", async () => {
    const directory = await mkdtemp(join(tmpdir(), "encode-pairs-"));
    await createTinyBertModel(directory, { kind: "cross-encoder", seed: 3 });
    const encoder = await CrossEncoder.create({
      model: directory,
      executionProvider: "cpu",
      maxLength: 16,
      intraOpThreads: 1,
    });
    const passage = "the quick brown fox jumps over the lazy dog again and again";
    const [whole, cut, longCut] = encoder.tokenizePairs([
      { query: "fox", passage },
      { query: "fox", passage, maxPassageTokens: 3 },
      { query: "fox", passage, maxPassageTokens: 100 },
    ]);
    // [CLS] fox [SEP] three passage tokens [SEP]
    expect(cut!.length).toBe(1 + 1 + 1 + 3 + 1);
    expect(cut!.ids.slice(0, 6)).toEqual(whole!.ids.slice(0, 6));
    expect(cut!.ids.at(-1)).toBe(whole!.ids.at(-1));
    // A cut longer than the passage changes nothing; the model's limit still applies.
    expect(longCut!.ids).toEqual(whole!.ids);
    expect(whole!.length).toBe(16);
    const [scoreCut] = await encoder.scoreEncoded([cut!]);
    const [scoreShort] = await encoder.scorePairs("fox", ["the quick brown"]);
    expect(scoreCut).toBeCloseTo(scoreShort!, 5);
  });
});
