import { describe, expect, it } from "vitest";
import { type ImageBudget, ImageBudgetScanner } from "./image-budget-scanner.ts";

const budget: ImageBudget = {
  maxBodyBytes: 400,
  modelId: "vlm",
  images: { maxImageBytes: 300, maxRequestImageBytes: 600 },
};

/** Feeds `body` in chunks of `size` bytes; the first error's status and message, or "ok". */
function scan(body: string, size: number, settings = budget): string {
  const scanner = new ImageBudgetScanner(settings);
  const bytes = Buffer.from(body);
  for (let start = 0; start < bytes.length; start += size) {
    const failure = scanner.push(bytes.subarray(start, start + size));
    if (failure) return `${failure.statusCode} ${failure.message}`;
  }
  return "ok";
}

const image = (bytes: number) => `data:image/png;base64,${"A".repeat(Math.ceil(bytes / 3) * 4)}`;
const body = (passages: unknown[]) =>
  JSON.stringify({ model: "vlm", query: { text: "q" }, passages });

describe("ImageBudgetScanner", () => {
  it("gives the same answer whatever the chunk boundaries (escapes, keys and values cut anywhere)", () => {
    const cases = [
      body([{ text: 'a "quoted" \\"image\\": word', image: image(280) }]),
      body([{ image: image(280) }, { image: image(280) }]),
      body([{ image: image(280) }, { image: image(280) }, { image: image(280) }]),
      body([{ image: image(400) }]),
      body([{ text: "x".repeat(500) }]),
      // An "image" that is a value, not a key, and a key "image" inside a text: never images.
      body([{ text: "image" }, { text: '"image": "data:…"'.repeat(3) }]),
      '{"passages":[{"image"  :\n "data:image/png;base64,AAAA"}]}',
    ];
    for (const text of cases) {
      const whole = scan(text, text.length);
      for (const size of [1, 2, 3, 5, 7, 64])
        expect(scan(text, size), `${size}: ${text.slice(0, 60)}`).toBe(whole);
    }
    expect(scan(cases[0]!, 1000)).toBe("ok");
    expect(scan(cases[1]!, 1000)).toBe("ok");
    expect(scan(cases[2]!, 1000)).toMatch(
      /^413 The request's images are larger than 600 bytes together/,
    );
    expect(scan(cases[3]!, 1000)).toMatch(
      /^413 Image 1 of the request .* larger than 300 bytes \(RERANKER_MAX_IMAGE_BYTES\)/,
    );
    expect(scan(cases[4]!, 1000)).toMatch(
      /^413 Request body is too large: more than 400 bytes besides its images/,
    );
    expect(scan(cases[5]!, 1000)).toBe("ok");
  });

  it("counts images apart from the body limit, and refuses a text-only model's first image", () => {
    const text = body([{ text: "y".repeat(300), image: image(290) }]);
    expect(text.length).toBeGreaterThan(400 + 100);
    expect(scan(text, 16)).toBe("ok");
    const { images: _, ...textOnly } = budget;
    expect(scan(body([{ text: "t" }, { image: image(3) }]), 4, textOnly)).toMatch(
      /^422 The model vlm is text-only; serve a VLM reranker/,
    );
  });
});
