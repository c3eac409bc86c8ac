import { beforeAll, describe, expect, it } from "vitest";
import { countTokens, loadTestScorer, scoreDirectly } from "./testing/test-scorer.ts";
import { closingAfterEachTest } from "./testing/test-server.ts";

const start = closingAfterEachTest();

// Generate and load the test model once, outside any single test's time limit.
beforeAll(async () => {
  await loadTestScorer();
}, 120_000);

type CohereBody = {
  results: Array<{ index: number; relevance_score: number; document?: unknown }>;
  meta: { tokens: { input_tokens: number } };
};

describe("Cohere surface: what the published API accepts", () => {
  it("takes null wherever Cohere takes absence (the official SDK sends null for undefined)", async () => {
    const { post } = await start(loadTestScorer);
    const documents = ["solar power", "chess", "wind"];
    const withNulls = await post("/v1/rerank", {
      model: null,
      query: "energy",
      documents,
      top_n: null,
      rank_fields: null,
      return_documents: null,
      max_chunks_per_doc: null,
    });
    const without = await post("/v1/rerank", { query: "energy", documents });
    expect(withNulls.status).toBe(200);
    const scores = (body: CohereBody) => body.results.map(({ index }) => index);
    expect(scores((await withNulls.json()) as CohereBody)).toEqual(
      scores((await without.json()) as CohereBody),
    );
    const v2 = await post("/v2/rerank", {
      model: "tiny-cross-encoder",
      query: "energy",
      documents,
      top_n: null,
      max_tokens_per_doc: null,
      priority: null,
    });
    expect(v2.status).toBe(200);
  });

  it("cuts each document to max_tokens_per_doc before pairing and counts the cut tokens in usage", async () => {
    const { post } = await start(loadTestScorer);
    const scorer = await loadTestScorer();
    const query = "energy from the sun";
    const documents = [
      "solar panels make electricity from sunlight every day",
      "chess openings and endgames",
    ];
    const response = await post("/v2/rerank", {
      model: "tiny-cross-encoder",
      query,
      documents,
      max_tokens_per_doc: 2,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as CohereBody;
    const cut = await scorer.tokenizePairs(
      documents.map((passage) => ({ query, passage, maxPassageTokens: 2 })),
    );
    // [CLS] query [SEP] two passage tokens [SEP], per document.
    const queryTokens = (await countTokens(scorer, query, "")) - 3;
    for (const pair of cut) expect(pair.tokens).toBe(queryTokens + 2 + 3);
    expect(body.meta.tokens.input_tokens).toBe(cut.reduce((sum, pair) => sum + pair.tokens, 0));
    const logits = await scorer.scoreTokenized(cut);
    for (const result of body.results) {
      expect(result.relevance_score).toBeCloseTo(1 / (1 + Math.exp(-logits[result.index]!)), 5);
    }
    const refused = await post("/v2/rerank", {
      model: "tiny-cross-encoder",
      query,
      documents,
      max_tokens_per_doc: 0,
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { message: string }).message).toMatch(/max_tokens_per_doc/);
  });

  it("ranks v1 object documents on rank_fields, and refuses fields that are not there", async () => {
    const { post } = await start(loadTestScorer);
    const scorer = await loadTestScorer();
    const documents = [
      { title: "Chess", body: "openings and endgames", id: 1 },
      { title: "Solar", body: "panels make electricity", id: 2 },
    ];
    const response = await post("/v1/rerank", {
      query: "energy",
      documents,
      rank_fields: ["title", "body"],
      return_documents: true,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as CohereBody;
    const logits = await scoreDirectly(
      scorer,
      documents.map(({ title, body: text }) => ({
        query: "energy",
        passage: `title: ${title}\nbody: ${text}`,
      })),
    );
    for (const result of body.results) {
      expect(result.relevance_score).toBeCloseTo(1 / (1 + Math.exp(-logits[result.index]!)), 5);
      expect(result.document).toEqual(documents[result.index]);
    }
    const missing = await post("/v1/rerank", {
      query: "energy",
      documents,
      rank_fields: ["summary"],
    });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { message: string }).message).toMatch(
      /documents\[0\].*"summary".*rank_fields/,
    );
    const noText = await post("/v1/rerank", { query: "energy", documents });
    expect(noText.status).toBe(422);
    expect(((await noText.json()) as { message: string }).message).toMatch(/"text".*rank_fields/);
  });

  it("return_documents echoes strings as {text} and objects with every field as sent", async () => {
    const { post } = await start(loadTestScorer);
    const documents = ["plain string", { text: "object", url: "https://example.org", n: 3 }];
    const response = await post("/v1/rerank", {
      query: "q",
      documents,
      return_documents: true,
    });
    const body = (await response.json()) as CohereBody;
    for (const result of body.results) {
      const sent = documents[result.index];
      expect(result.document).toEqual(typeof sent === "string" ? { text: sent } : sent);
    }
  });

  it("refuses max_chunks_per_doc above 1 instead of ignoring it", async () => {
    const { post } = await start(loadTestScorer);
    const response = await post("/v1/rerank", {
      query: "q",
      documents: ["a"],
      max_chunks_per_doc: 10,
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toMatch(/max_chunks_per_doc/);
  });
});

describe("NIM surface: the documentation's examples replayed", () => {
  const nimModel = "nvidia/nv-rerankqa-mistral-4b-v3";
  // The request body of NVIDIA's "Generate Rankings" curl example, byte for byte.
  const curlBody = `{
    "model": "nvidia/nv-rerankqa-mistral-4b-v3",
    "query": {"text": "which way should i go?"},
    "passages": [
      {"text": "two roads diverged in a yellow wood, and sorry i could not travel both and be one traveler, long i stood and looked down one as far as i could to where it bent in the undergrowth;"},
      {"text": "then took the other, as just as fair, and having perhaps the better claim because it was grassy and wanted wear, though as for that the passing there had worn them really about the same,"},
      {"text": "and both that morning equally lay in leaves no step had trodden black. oh, i marked the first for another day! yet knowing how way leads on to way i doubted if i should ever come back."},
      {"text": "i shall be telling this with a sigh somewhere ages and ages hense: two roads diverged in a wood, and i, i took the one less traveled by, and that has made all the difference."}
    ],
    "truncate": "END"
  }`;

  it("answers the curl example of POST /v1/ranking field by field", async () => {
    const { url } = await start(loadTestScorer, { modelId: nimModel });
    const scorer = await loadTestScorer();
    const response = await fetch(`${url}/v1/ranking`, {
      method: "POST",
      headers: { accept: "application/json", "Content-Type": "application/json" },
      body: curlBody,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["rankings", "usage"]);
    const rankings = body.rankings as Array<Record<string, number>>;
    for (const entry of rankings) expect(Object.keys(entry).sort()).toEqual(["index", "logit"]);
    const request = JSON.parse(curlBody) as {
      query: { text: string };
      passages: Array<{ text: string }>;
    };
    const logits = await scoreDirectly(
      scorer,
      request.passages.map(({ text }) => ({ query: request.query.text, passage: text })),
    );
    const expected = Array.from(logits, (logit, index) => ({ index, logit })).sort(
      (a, b) => b.logit - a.logit || a.index - b.index,
    );
    expect(rankings.map((entry) => entry.index)).toEqual(expected.map((entry) => entry.index));
    for (const [position, entry] of rankings.entries()) {
      expect(entry.logit).toBeCloseTo(expected[position]!.logit, 5);
    }
    const usage = body.usage as { prompt_tokens: number; total_tokens: number };
    expect(usage.total_tokens).toBe(usage.prompt_tokens);
    expect(usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("answers the list-models example with the served model id", async () => {
    const { url } = await start(loadTestScorer, { modelId: nimModel });
    const response = await fetch(`${url}/v1/models`, { headers: { Accept: "application/json" } });
    const body = (await response.json()) as { object: string; data: Array<{ id: string }> };
    expect(body.object).toBe("list");
    expect(body.data.map((model) => model.id)).toEqual([nimModel]);
  });

  it("carries status in the health bodies, as the NIM's do", async () => {
    const { url } = await start(loadTestScorer);
    const live = await fetch(`${url}/v1/health/live`, { headers: { Accept: "application/json" } });
    expect(await live.json()).toEqual({
      object: "health.response",
      message: "Service is live.",
      status: "live",
    });
    const ready = await fetch(`${url}/v1/health/ready`);
    expect(await ready.json()).toEqual({
      object: "health.response",
      message: "Service is ready.",
      status: "ready",
    });
  });
});
