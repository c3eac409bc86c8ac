import { maxTimeoutMs } from "@hybrid-rag/core";
import { describe, expect, it } from "vitest";
import { hitsFor, never, scriptedRetriever } from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";
import { createPipelineFromDefinition } from "./pipeline-definition.ts";
import { withDeadline } from "./with-deadline.ts";

const retriever = () => scriptedRetriever("sparse", async () => hitsFor("sparse", ["a"]));
const tooLong = 2 ** 31; // setTimeout would fire this after 1 ms

describe("timeouts beyond what setTimeout can hold", () => {
  it.each(["retrieve", "rerank", "total"] as const)(
    "timeouts.%s = 2^31 ms is refused, naming the limit",
    (stage) => {
      expect(() =>
        createPipeline({ retrievers: [retriever()], timeouts: { [stage]: tooLong } }),
      ).toThrow(new RegExp(`timeouts\\.${stage} must be at most 2147483647 ms`));
    },
  );

  it("are refused in JSON definitions too", () => {
    expect(() =>
      createPipelineFromDefinition(
        { retrievers: ["sparse"], timeouts: { total: 1e12 } },
        { retrievers: { sparse: retriever() } },
      ),
    ).toThrow(
      /Invalid pipeline definition: timeouts\.total: .*at most 2147483647 ms .*\(got 1000000000000\)/,
    );
  });

  it("the largest one allowed does not fire early", async () => {
    const pipeline = createPipeline({
      retrievers: [retriever()],
      timeouts: { retrieve: maxTimeoutMs, total: maxTimeoutMs },
    });
    const { hits } = await pipeline.run("q");
    expect(hits.map((hit) => hit.id)).toEqual(["a"]);
  });

  it("withDeadline refuses one too, instead of timing out after 1 ms", async () => {
    const run = withDeadline(() => never(), { timeoutMs: tooLong, what: "work" });
    await expect(run).rejects.toThrow(/the timeout of work must be at most 2147483647 ms/);
  });
});
