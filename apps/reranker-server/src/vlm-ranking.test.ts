import { formatImageDataUrl, imageMediaTypes, readImageDimensions } from "@hybrid-rag/core";
import { imageHeaderSamples, tinyPng } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { expectedImageLogit, imageScorer } from "./testing/image-scorer.ts";
import { loadTestScorer } from "./testing/test-scorer.ts";
import { closingAfterEachTest } from "./testing/test-server.ts";

// NIM's VLM contract for /v1/ranking (docs.nvidia.com, NeMo Retriever Reranking NIM, "Use the
// API", "VLM Reranking Requests"): query.text non-empty; each passage has text, image or both;
// image-only passages omit text (never ""); images are base64 data URLs, PNG, JPEG, WebP, GIF,
// BMP and TIFF recognised; asset ids and non-base64 encodings rejected; at most 512 passages.
// One test per rule, the valid forms first.

const start = closingAfterEachTest();
const model = "tiny-cross-encoder";
const png = tinyPng(3, 2, 1);
const pngUrl = formatImageDataUrl({ mediaType: "image/png", data: png });
const samples = imageHeaderSamples(40, 30);

const ranking = (passages: unknown[], query: unknown = { text: "red bicycle" }) => ({
  model,
  query,
  passages,
});

async function errorOf(response: Response): Promise<{ status: number; message: string }> {
  const body = (await response.json()) as { object: string; message: string };
  expect(body.object).toBe("error");
  return { status: response.status, message: body.message };
}

describe("/v1/ranking with a model that accepts images", () => {
  it("ranks text-only, image-only and text-and-image passages, the image bytes reaching the model unchanged", async () => {
    const scorer = imageScorer();
    const { post } = await start(async () => scorer);
    const passages = [
      { text: "a red bicycle leaning on a wall" },
      { image: pngUrl },
      {
        text: "bicycle parts",
        image: formatImageDataUrl({ mediaType: "image/png", data: tinyPng(5, 4, 9) }),
      },
    ];
    const response = await post("/v1/ranking", ranking(passages));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      rankings: { index: number; logit: number }[];
      usage: { prompt_tokens: number };
    };
    const expected = [
      expectedImageLogit("red bicycle", "a red bicycle leaning on a wall", undefined),
      expectedImageLogit("red bicycle", "", { data: png, width: 3, height: 2 }),
      expectedImageLogit("red bicycle", "bicycle parts", {
        data: tinyPng(5, 4, 9),
        width: 5,
        height: 4,
      }),
    ];
    const order = [0, 1, 2].sort((a, b) => expected[b]! - expected[a]! || a - b);
    expect(body.rankings).toEqual(order.map((index) => ({ index, logit: expected[index] })));
    // The model got the decoded bytes, type and pixel size; an image-only passage has text "".
    const imageOnly = scorer.seen.find((pair) => pair.image !== undefined && pair.passage === "");
    expect(imageOnly?.image?.mediaType).toBe("image/png");
    expect(Buffer.from(imageOnly!.image!.data).equals(Buffer.from(png))).toBe(true);
    expect(body.usage.prompt_tokens).toBeGreaterThan(2 * 64);
  });

  it("recognises PNG, JPEG, WebP, GIF, BMP and TIFF bytes (and image/jpg)", async () => {
    const scorer = imageScorer();
    const { post } = await start(async () => scorer);
    const passages = imageMediaTypes.map((mediaType) => ({
      image: formatImageDataUrl({ mediaType, data: samples[mediaType] }),
    }));
    passages.push({
      image: `data:image/jpg;base64,${Buffer.from(samples["image/jpeg"]).toString("base64")}`,
    });
    const response = await post("/v1/ranking", ranking(passages));
    expect(response.status).toBe(200);
    expect(scorer.seen.map((pair) => pair.image?.mediaType)).toEqual([
      ...imageMediaTypes,
      "image/jpeg",
    ]);
    expect(scorer.seen.every((pair) => pair.image?.width === 40 && pair.image.height === 30)).toBe(
      true,
    );
  });

  it("accepts 512 passages and refuses 513 (422)", async () => {
    const { post } = await start(async () => imageScorer());
    const passages = Array.from({ length: 512 }, () => ({ image: pngUrl }));
    expect((await post("/v1/ranking", ranking(passages))).status).toBe(200);
    const refused = await errorOf(
      await post("/v1/ranking", ranking([...passages, { image: pngUrl }])),
    );
    expect(refused.status).toBe(422);
    expect(refused.message).toMatch(/"passages" has more than 512 items/);
  });

  it.each([
    [
      "an empty query.text",
      ranking([{ text: "x" }], { text: "" }),
      422,
      /query\.text must be a non-empty string/,
    ],
    [
      "a passage with neither text nor image",
      ranking([{ text: "x" }, {}]),
      422,
      /Each passage must include at least one of text or image: passage 1 has neither/,
    ],
    [
      'an image-only passage with text ""',
      ranking([{ text: "", image: pngUrl }]),
      422,
      /For image-only passages, omit text; do not set text to an empty string \(passage 0/,
    ],
    [
      "an image that is not a string",
      ranking([{ image: { asset_id: "3f0c" } }]),
      422,
      /passage image must be a string: a base64 data URL/,
    ],
    [
      "an image URL",
      ranking([{ image: "https://example.com/page.png" }]),
      400,
      /passage 0's image must be a base64 data URL/,
    ],
    [
      "raw base64 without the data: prefix",
      ranking([{ image: Buffer.from(png).toString("base64") }]),
      400,
      /must be a base64 data URL/,
    ],
    [
      "an asset id reference",
      ranking([{ image: "data:image/png;asset_id,3f0c2a1b" }]),
      400,
      /asset id reference; asset ids are not supported/,
    ],
    [
      "a percent-encoded (non-base64) image",
      ranking([{ image: "data:image/png,%89PNG%0D%0A" }]),
      400,
      /is not base64-encoded/,
    ],
    [
      "an unrecognised format (SVG)",
      ranking([{ image: "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" }]),
      400,
      /not a recognised image format: use one of image\/png, image\/jpeg, image\/webp, image\/gif, image\/bmp, image\/tiff/,
    ],
    [
      "invalid base64",
      ranking([{ image: "data:image/png;base64,iVBO*Rw0K" }]),
      400,
      /invalid base64 data/,
    ],
    [
      "bytes that are no image",
      ranking([{ image: "data:image/png;base64,JVBERi0xLjcK" }]),
      400,
      /not an image of a recognised format \(first bytes 25 50 44 46/,
    ],
    [
      "bytes of another format than declared",
      ranking([
        { image: `data:image/png;base64,${Buffer.from(samples["image/gif"]).toString("base64")}` },
      ]),
      400,
      /declared as image\/png but its bytes are image\/gif/,
    ],
    [
      "a cut header",
      ranking([
        { image: `data:image/png;base64,${Buffer.from(png.subarray(0, 12)).toString("base64")}` },
      ]),
      400,
      /cut or malformed image\/png header/,
    ],
  ])("refuses %s", async (_name, body, status, message) => {
    const scorer = imageScorer();
    const { post } = await start(async () => scorer);
    const refused = await errorOf(await post("/v1/ranking", body));
    expect(refused).toMatchObject({ status });
    expect(refused.message).toMatch(message);
    expect(scorer.seen).toEqual([]);
  });

  it("refuses an image over RERANKER_MAX_IMAGE_BYTES and pixels over RERANKER_MAX_IMAGE_PIXELS with 413", async () => {
    const { post } = await start(async () => imageScorer(), {
      maxImageBytes: 2000,
      maxImagePixels: 10_000,
    });
    const big = tinyPng(200, 200, 3);
    expect(big.length).toBeGreaterThan(2000);
    const tooBig = await errorOf(
      await post(
        "/v1/ranking",
        ranking([{ image: formatImageDataUrl({ mediaType: "image/png", data: big }) }]),
      ),
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.message).toMatch(/RERANKER_MAX_IMAGE_BYTES/);
    const wide = imageHeaderSamples(101, 100)["image/gif"];
    expect(readImageDimensions(wide, "image/gif")).toEqual({ width: 101, height: 100 });
    const tooWide = await errorOf(
      await post(
        "/v1/ranking",
        ranking([{ image: formatImageDataUrl({ mediaType: "image/gif", data: wide }) }]),
      ),
    );
    expect(tooWide.status).toBe(413);
    expect(tooWide.message).toMatch(
      /passage 0's image is 101×100 = 10100 pixels, over the limit of 10000 \(RERANKER_MAX_IMAGE_PIXELS\)/,
    );
  });

  it("refuses images over RERANKER_MAX_REQUEST_IMAGE_BYTES together with 413, each within its own limit", async () => {
    const { post } = await start(async () => imageScorer(), {
      maxImageBytes: 5000,
      maxRequestImageBytes: 12_000,
    });
    const image = tinyPng(60, 60, 5);
    expect(image.length).toBeGreaterThan(3000);
    expect(image.length).toBeLessThan(4000);
    const url = formatImageDataUrl({ mediaType: "image/png", data: image });
    expect(
      (await post("/v1/ranking", ranking([{ image: url }, { image: url }, { image: url }]))).status,
    ).toBe(200);
    const refused = await errorOf(
      await post(
        "/v1/ranking",
        ranking([{ image: url }, { image: url }, { image: url }, { image: url }]),
      ),
    );
    expect(refused.status).toBe(413);
    expect(refused.message).toMatch(
      /images are larger than 12000 bytes together \(RERANKER_MAX_REQUEST_IMAGE_BYTES\)/,
    );
  });

  it("lets the text of a request use RERANKER_MAX_BODY_BYTES beside its images", async () => {
    const { post } = await start(async () => imageScorer(), {
      maxBodyBytes: 4000,
      maxImageBytes: 100_000,
      maxRequestImageBytes: 100_000,
    });
    const image = formatImageDataUrl({ mediaType: "image/png", data: tinyPng(100, 100, 2) });
    expect(image.length).toBeGreaterThan(4000);
    expect((await post("/v1/ranking", ranking([{ text: "x".repeat(3000), image }]))).status).toBe(
      200,
    );
    const refused = await errorOf(
      await post("/v1/ranking", ranking([{ text: "x".repeat(5000), image }])),
    );
    expect(refused.status).toBe(413);
    expect(refused.message).toMatch(
      /more than 4000 bytes besides its images.*RERANKER_MAX_BODY_BYTES/,
    );
  });
});

describe("/v1/ranking with a text-only model", () => {
  it("refuses image passages with 422 naming the model, and still ranks text", async () => {
    const { post } = await start(loadTestScorer);
    for (const passages of [[{ image: pngUrl }], [{ text: "caption", image: pngUrl }]]) {
      const refused = await errorOf(await post("/v1/ranking", ranking(passages)));
      expect(refused.status).toBe(422);
      expect(refused.message).toMatch(
        /^The model tiny-cross-encoder is text-only; serve a VLM reranker/,
      );
    }
    expect((await post("/v1/ranking", ranking([{ text: "a red bicycle" }]))).status).toBe(200);
  });
});
