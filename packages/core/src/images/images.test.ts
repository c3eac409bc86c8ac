import { describe, expect, it } from "vitest";
import { documentSchema, parseWithSchema } from "../schemas.ts";
import { expectErrorCode } from "../testing/expect-error.ts";
import { imageHeaderSamples, tinyPng } from "../testing/tiny-images.ts";
import {
  base64DecodedBytes,
  formatImageDataUrl,
  maxBase64Length,
  parseImageDataUrl,
} from "./image-data-url.ts";
import { readImageDimensions } from "./image-dimensions.ts";
import { checkImageBytes, imageMediaTypes, sniffImageMediaType } from "./image-media-type.ts";
import { inlineImageOf } from "./image-resolver.ts";

const samples = imageHeaderSamples(300, 200);
const pngUrl = (bytes = tinyPng(3, 2)) =>
  `data:image/png;base64,${Buffer.from(bytes).toString("base64")}`;

function reasonOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return (error as { details?: { reason?: unknown } }).details?.reason;
  }
  throw new Error("expected the call to throw");
}

describe("sniffImageMediaType and checkImageBytes", () => {
  it("recognises each format by its magic bytes, and reads its pixel size from the header", () => {
    for (const mediaType of imageMediaTypes) {
      expect(sniffImageMediaType(samples[mediaType])).toBe(mediaType);
      expect(readImageDimensions(samples[mediaType], mediaType)).toEqual({
        width: 300,
        height: 200,
      });
    }
  });

  it("reads the other WebP layouts (VP8L, VP8) and big-endian TIFF", () => {
    const vp8l = Buffer.alloc(30);
    vp8l.write("RIFF\0\0\0\0WEBPVP8L", 0, "latin1");
    vp8l[20] = 0x2f;
    vp8l.writeUInt32LE((300 - 1) | ((200 - 1) << 14), 21);
    expect(readImageDimensions(vp8l, "image/webp")).toEqual({ width: 300, height: 200 });
    const vp8 = Buffer.alloc(30);
    vp8.write("RIFF\0\0\0\0WEBPVP8 ", 0, "latin1");
    vp8.writeUInt16LE(300, 26);
    vp8.writeUInt16LE(200, 28);
    expect(readImageDimensions(vp8, "image/webp")).toEqual({ width: 300, height: 200 });
    const tiff = Buffer.alloc(34);
    tiff.write("MM", 0, "latin1");
    tiff.writeUInt16BE(42, 2);
    tiff.writeUInt32BE(8, 4);
    tiff.writeUInt16BE(2, 8);
    tiff.writeUInt16BE(256, 10);
    tiff.writeUInt16BE(3, 12); // SHORT, left-aligned in the value field
    tiff.writeUInt16BE(300, 18);
    tiff.writeUInt16BE(257, 22);
    tiff.writeUInt16BE(3, 24);
    tiff.writeUInt16BE(200, 30);
    expect(sniffImageMediaType(tiff)).toBe("image/tiff");
    expect(readImageDimensions(tiff, "image/tiff")).toEqual({ width: 300, height: 200 });
  });

  it("reads a BMP's size from its OS/2 core header (16-bit sizes) as from its info header", () => {
    const core = Buffer.alloc(26);
    core.write("BM", 0, "latin1");
    core.writeUInt32LE(12, 14);
    core.writeUInt16LE(300, 18);
    core.writeInt16LE(200, 20);
    expect(readImageDimensions(core, "image/bmp")).toEqual({ width: 300, height: 200 });
  });

  it("answers undefined for cut headers instead of throwing", () => {
    for (const mediaType of imageMediaTypes) {
      expect(readImageDimensions(samples[mediaType].subarray(0, 4), mediaType)).toBeUndefined();
    }
  });

  it("refuses unknown bytes and a declared type the bytes do not have, saying what they are", () => {
    expect(sniffImageMediaType(new TextEncoder().encode("%PDF-1.7"))).toBeUndefined();
    expect(() =>
      checkImageBytes(new TextEncoder().encode("%PDF-1.7"), "image/png", "page 1"),
    ).toThrow(
      /page 1 is not an image of a recognised format \(first bytes 25 50 44 46 2d 31 2e 37\): send PNG, JPEG/,
    );
    expect(() => checkImageBytes(samples["image/gif"], "image/png", "figure 2")).toThrow(
      "figure 2 is declared as image/png but its bytes are image/gif: declare the type the bytes have (image/gif).",
    );
    expect(checkImageBytes(samples["image/bmp"], undefined, "x")).toBe("image/bmp");
  });
});

describe("parseImageDataUrl / formatImageDataUrl", () => {
  it("round-trips the bytes of each recognised format", () => {
    for (const mediaType of imageMediaTypes) {
      const url = formatImageDataUrl({ mediaType, data: samples[mediaType] });
      expect(url.startsWith(`data:${mediaType};base64,`)).toBe(true);
      const image = parseImageDataUrl(url, { maxBytes: 1 << 20, what: "passage 0's image" });
      expect(image.mediaType).toBe(mediaType);
      expect(Buffer.from(image.data).equals(Buffer.from(samples[mediaType]))).toBe(true);
    }
  });

  it("accepts image/jpg for JPEG and any case in the media type", () => {
    const jpeg = Buffer.from(samples["image/jpeg"]).toString("base64");
    expect(
      parseImageDataUrl(`data:image/jpg;base64,${jpeg}`, { maxBytes: 1000, what: "i" }).mediaType,
    ).toBe("image/jpeg");
    expect(
      parseImageDataUrl(`data:IMAGE/JPEG;BASE64,${jpeg}`, { maxBytes: 1000, what: "i" }).mediaType,
    ).toBe("image/jpeg");
  });

  it("refuses each form NIM's contract rules out, with a reason and a message saying what to send", () => {
    const options = { maxBytes: 1 << 20, what: "passage 4's image" };
    const cases: Array<[string, string, RegExp]> = [
      [
        "https://example.com/a.png",
        "not-a-data-url",
        /passage 4's image must be a base64 data URL/,
      ],
      ["iVBORw0KGgo=", "not-a-data-url", /must be a base64 data URL/],
      [
        "data:image/png;asset_id,3f0c2a",
        "asset-id",
        /asset id reference; asset ids are not supported/,
      ],
      ["data:image/png,%89PNG", "not-base64", /is not base64-encoded/],
      ["data:image/png;charset=utf-8,abc", "not-base64", /only base64 data URLs are accepted/],
      [
        "data:image/svg+xml;base64,PHN2Zz4=",
        "unsupported-media-type",
        /"image\/svg\+xml".*use one of image\/png/,
      ],
      ["data:text/plain;base64,aGk=", "unsupported-media-type", /not a recognised image format/],
      ["data:image/png;base64,iVBO*w0K", "invalid-base64", /invalid base64 data/],
      ["data:image/png;base64,iVBORw0", "invalid-base64", /groups of 4/],
      ["data:image/png;base64,", "invalid-base64", /invalid base64/],
      [
        "data:image/png;base64,SGVsbG8gd29ybGQh",
        "not-an-image",
        /not an image of a recognised format/,
      ],
      [
        `data:image/png;base64,${Buffer.from(samples["image/jpeg"]).toString("base64")}`,
        "media-type-mismatch",
        /declared as image\/png but its bytes are image\/jpeg/,
      ],
    ];
    for (const [url, reason, message] of cases) {
      expect(() => parseImageDataUrl(url, options), url).toThrow(message);
      expect(
        reasonOf(() => parseImageDataUrl(url, options)),
        url,
      ).toBe(reason);
    }
  });

  it("refuses an image over the byte limit from its base64 length, before decoding", () => {
    const bytes = tinyPng(64, 64);
    const url = pngUrl(bytes);
    expect(parseImageDataUrl(url, { maxBytes: bytes.length, what: "i" }).data.length).toBe(
      bytes.length,
    );
    // 4228 bytes encode with two padding characters: the length alone says 4230 − 2 > 4227.
    expect(bytes.length % 3).toBe(1);
    expect(() =>
      parseImageDataUrl(url, { maxBytes: bytes.length - 1, what: "passage 1's image" }),
    ).toThrow(
      `passage 1's image is about ${bytes.length + 2} bytes (${Math.ceil(bytes.length / 3) * 4} base64 characters), over the limit of ${bytes.length - 1} bytes per image`,
    );
    // 54 bytes (no padding) over a 53-byte limit: the length cannot tell, the decoded size does.
    const bmp = samples["image/bmp"];
    expect(bmp.length).toBe(54);
    expect(() =>
      parseImageDataUrl(formatImageDataUrl({ mediaType: "image/bmp", data: bmp }), {
        maxBytes: 53,
        what: "passage 2's image",
      }),
    ).toThrow("passage 2's image is 54 bytes, over the limit of 53 bytes per image");
    // 40 MB of base64 that is not even valid: refused on its length alone, never decoded.
    const huge = `data:image/png;base64,${"A".repeat(40_000_000)}`;
    expect(reasonOf(() => parseImageDataUrl(huge, { maxBytes: 1_000_000, what: "i" }))).toBe(
      "too-large",
    );
    expect(() => parseImageDataUrl(huge, { maxBytes: 1_000_000, what: "i" })).toThrow(
      /about 30000000 bytes \(40000000 base64 characters\), over the limit of 1000000 bytes/,
    );
  });

  it("computes base64 sizes exactly", () => {
    for (let bytes = 0; bytes < 50; bytes++) {
      const encoded = Buffer.alloc(bytes).toString("base64");
      expect(maxBase64Length(bytes)).toBe(encoded.length);
      expect(base64DecodedBytes(encoded.length)).toBeGreaterThanOrEqual(bytes);
      expect(base64DecodedBytes(encoded.length) - bytes).toBeLessThanOrEqual(2);
    }
  });
});

describe("documentSchema with images", () => {
  const parse = (document: unknown) => parseWithSchema(documentSchema, document, "document");

  it("accepts inline images whose bytes match their type, and stored references", () => {
    expect(
      parse({ id: "p1", text: "", image: { mediaType: "image/png", data: tinyPng() } }).image,
    ).toBeDefined();
    const ref = "a".repeat(64);
    expect(
      parse({
        id: "p2",
        text: "caption",
        image: { mediaType: "image/jpeg", ref, width: 10, height: 20 },
      }).image,
    ).toEqual({
      mediaType: "image/jpeg",
      ref,
      width: 10,
      height: 20,
    });
  });

  it("refuses a mismatched type, unknown bytes, a bad ref, a bad type and a negative size, naming each", () => {
    expect(() =>
      parse({ id: "p", text: "", image: { mediaType: "image/png", data: samples["image/gif"] } }),
    ).toThrow(/declared as image\/png but its bytes are image\/gif/);
    expect(() =>
      parse({ id: "p", text: "", image: { mediaType: "image/png", data: new Uint8Array(8) } }),
    ).toThrow(/not a recognised format/);
    expect(() =>
      parse({ id: "p", text: "", image: { mediaType: "image/png", ref: "xyz" } }),
    ).toThrow(/image/);
    expect(() =>
      parse({ id: "p", text: "", image: { mediaType: "image/svg+xml", data: tinyPng() } }),
    ).toThrow(/image/);
    expect(() =>
      parse({ id: "p", text: "", image: { mediaType: "image/png", data: tinyPng(), width: -1 } }),
    ).toThrow(/image/);
  });
});

describe("inlineImageOf", () => {
  it("returns inline images, resolves references, and refuses a reference without a resolver", async () => {
    const data = tinyPng();
    const inline = { mediaType: "image/png" as const, data };
    expect(await inlineImageOf(inline, undefined, "x")).toBe(inline);
    const reference = { mediaType: "image/png" as const, ref: "b".repeat(64) };
    const resolved = await inlineImageOf(reference, { resolveImage: async () => inline }, "x");
    expect(resolved.data).toBe(data);
    await expectErrorCode(
      inlineImageOf(reference, undefined, "candidate c1's image"),
      "invalid-argument",
    );
    await expect(inlineImageOf(reference, undefined, "candidate c1's image")).rejects.toThrow(
      /candidate c1's image is a stored image reference \(b{64}\) and no image resolver was given/,
    );
  });
});
