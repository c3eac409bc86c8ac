import type { Hit, Reranker, StageErrorEvent } from "@hybrid-rag/core";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { hitsFor, scriptedRetriever } from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";

const healthy = () => scriptedRetriever("sparse", async () => hitsFor("sparse", ["a", "b"]));

/** A dense source whose first hit is rewritten by `change` (or whose whole output is `output`). */
function malformedSource(change: (hit: Hit) => unknown) {
  return scriptedRetriever("dense", async () => {
    const [first, ...rest] = hitsFor("dense", ["x", "y"]);
    return [change(first!), ...rest] as Hit[];
  });
}

const malformedHits: Array<[string, (hit: Hit) => unknown, RegExp]> = [
  ["id null", (hit) => ({ ...hit, id: null }), /hit 1 has id null/],
  ["id empty", (hit) => ({ ...hit, id: "" }), /hit 1 has id ""/],
  ["id a number", (hit) => ({ ...hit, id: 7 }), /hit 1 has id 7/],
  ["score NaN", (hit) => ({ ...hit, score: Number.NaN }), /hit 1 \(id "x"\) has score NaN/],
  ["score Infinity", (hit) => ({ ...hit, score: Number.POSITIVE_INFINITY }), /score Infinity/],
  ["score a string", (hit) => ({ ...hit, score: "3" }), /score "3"/],
  ["a duplicate id", (hit) => ({ ...hit, id: "y" }), /hit 2 repeats id "y"/],
  ["null instead of a hit", () => null, /hit 1 is null/],
];

function stageErrors(pipeline: ReturnType<typeof createPipeline>): StageErrorEvent[] {
  const seen: StageErrorEvent[] = [];
  pipeline.events.on("stage-error", (event) => seen.push(event));
  return seen;
}

describe("a source returning malformed hits", () => {
  it.each(malformedHits)(
    '(%s) is a failed source, left out under "continue"',
    async (_, change, why) => {
      const pipeline = createPipeline({
        retrievers: [healthy(), malformedSource(change)],
        onSourceFailure: "continue",
      });
      const errors = stageErrors(pipeline);
      const { hits, warnings } = await pipeline.run("q");
      expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
      expect(hits[0]!.sources.dense).toMatchObject({ status: "failed" });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /retriever "dense" failed and was left out: retriever "dense" returned malformed output/,
      );
      expect(warnings[0]).toMatch(why);
      expect(errors).toMatchObject([{ stage: "retrieve:dense", recovered: true }]);
    },
  );

  it("fails the query under \"fail\", as the source's failure, not the fusion's", async () => {
    const pipeline = createPipeline({
      retrievers: [healthy(), malformedSource((hit) => ({ ...hit, score: Number.NaN }))],
    });
    const errors = stageErrors(pipeline);
    await expectErrorCode(pipeline.run("q"), "internal");
    expect(errors).toMatchObject([{ stage: "retrieve:dense", recovered: false }]);
  });

  it("is a failed source when it returns something other than an array", async () => {
    const pipeline = createPipeline({
      retrievers: [
        healthy(),
        scriptedRetriever("dense", async () => ({ hits: [] }) as unknown as Hit[]),
      ],
      onSourceFailure: "continue",
    });
    const { warnings } = await pipeline.run("q");
    expect(warnings[0]).toMatch(/returned an object instead of an array of hits/);
  });

  it("checks a single source without a fusion too", async () => {
    const pipeline = createPipeline({
      retrievers: [malformedSource((hit) => ({ ...hit, id: null }))],
    });
    await expect(pipeline.run("q")).rejects.toThrow(/retriever "dense" returned malformed output/);
  });
});

function scriptedReranker(rewrite: (candidates: readonly Hit[]) => unknown): Reranker {
  return {
    name: "scripted",
    rerank: async (_query, candidates) => rewrite(candidates) as Hit[],
  };
}

const reversed = (candidates: readonly Hit[]) =>
  [...candidates].reverse().map((hit, index) => ({ ...hit, rank: index + 1, score: 10 - index }));

describe("a reranker's output", () => {
  it("is accepted when it is a permutation of a subset of the candidates (ranks renumbered)", async () => {
    const pipeline = createPipeline({
      retrievers: [healthy()],
      reranker: scriptedReranker((candidates) =>
        reversed(candidates)
          .slice(0, 1)
          .map((hit) => ({ ...hit, rank: 5 })),
      ),
    });
    const { hits, warnings } = await pipeline.run("q");
    expect(hits.map((hit) => [hit.id, hit.rank])).toEqual([["b", 1]]);
    expect(warnings).toEqual([]);
  });

  const broken: Array<[string, (candidates: readonly Hit[]) => unknown, RegExp]> = [
    [
      "an id that was never a candidate",
      (candidates) => [...reversed(candidates), { ...candidates[0]!, id: "intruder" }],
      /hit 3 has id "intruder", which was not a candidate/,
    ],
    [
      "three copies of one hit, all ranked 1",
      (candidates) => [1, 2, 3].map(() => ({ ...candidates[0]!, rank: 1, score: 9 })),
      /hit 2 repeats id "a"/,
    ],
    [
      "a NaN score",
      (candidates) => reversed(candidates).map((hit) => ({ ...hit, score: Number.NaN })),
      /score NaN/,
    ],
    ["not an array", () => "b,a", /returned "b,a" instead of an array/],
  ];

  it.each(broken)(
    "with %s falls back to the fused order with a warning",
    async (_, rewrite, why) => {
      const pipeline = createPipeline({
        retrievers: [healthy()],
        reranker: scriptedReranker(rewrite),
      });
      const errors = stageErrors(pipeline);
      const { hits, warnings } = await pipeline.run("q");
      expect(hits.map((hit) => [hit.id, hit.rank, hit.rerank])).toEqual([
        ["a", 1, undefined],
        ["b", 2, undefined],
      ]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /reranker "scripted" failed, so the fused order is returned: reranker "scripted" returned malformed output/,
      );
      expect(warnings[0]).toMatch(why);
      expect(errors).toMatchObject([{ stage: "rerank", recovered: true }]);
    },
  );

  it('with an id that was never a candidate fails the query under onRerankFailure: "fail"', async () => {
    const pipeline = createPipeline({
      retrievers: [healthy()],
      reranker: scriptedReranker((candidates) => [{ ...candidates[0]!, id: "intruder" }]),
      onRerankFailure: "fail",
    });
    const run = pipeline.run("q");
    await expectErrorCode(run, "internal");
    await expect(run).rejects.toThrow(/not a candidate/);
  });
});
