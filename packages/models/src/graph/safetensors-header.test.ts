import { HybridRagError } from "@hybrid-rag/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeSafetensors } from "../testing/write-safetensors.ts";
import { headerLengthOf, parseSafetensorsHeader } from "./safetensors-header.ts";

const file = "/models/x/model.safetensors";

/** Parses a whole file image the way SafetensorsWeights does (length, then header). */
function parseImage(image: Uint8Array): ReturnType<typeof parseSafetensorsHeader> {
  const length = headerLengthOf(image.subarray(0, 8), image.byteLength, file);
  return parseSafetensorsHeader(image.subarray(8, 8 + length), image.byteLength - 8 - length, file);
}

function imageWithHeader(header: unknown, dataBytes: number, raw?: Uint8Array): Uint8Array {
  const json = raw ?? new TextEncoder().encode(JSON.stringify(header));
  const image = new Uint8Array(8 + json.byteLength + dataBytes);
  new DataView(image.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  image.set(json, 8);
  return image;
}

function expectCorrupt(action: () => unknown, ...fragments: string[]): void {
  try {
    action();
  } catch (error) {
    expect(HybridRagError.isInstance(error)).toBe(true);
    expect((error as HybridRagError).code).toBe("corrupt-data");
    for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
    return;
  }
  throw new Error("expected a corrupt-data error");
}

describe("safetensors header validation", () => {
  it("reads what encodeSafetensors writes, in every float dtype", () => {
    for (const dtype of ["F32", "F16", "BF16"] as const) {
      const image = encodeSafetensors(
        {
          a: { shape: [2, 3], values: new Float32Array(6) },
          b: { shape: [4], values: new Float32Array(4) },
        },
        dtype,
      );
      const tensors = parseImage(image);
      const size = dtype === "F32" ? 4 : 2;
      expect(tensors.get("a")).toEqual({
        name: "a",
        dtype,
        shape: [2, 3],
        begin: 0,
        end: 6 * size,
      });
      expect(tensors.get("b")?.end).toBe(10 * size);
    }
  });

  it("refuses a header larger than the file, naming both sizes", () => {
    const image = imageWithHeader({}, 0);
    new DataView(image.buffer).setBigUint64(0, 1_000_000n, true);
    expectCorrupt(
      () => parseImage(image),
      file,
      "1000000-byte header",
      `(${image.byteLength} bytes)`,
    );
    expectCorrupt(() => parseImage(new Uint8Array(5)), "shorter than the 8-byte header length");
  });

  it("refuses offsets past the end of the data, naming the tensor", () => {
    const image = imageWithHeader({ w: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, 8);
    expectCorrupt(() => parseImage(image), file, 'tensor "w"', "outside the 8-byte data section");
  });

  it("refuses overlapping tensors, naming both", () => {
    const header = {
      a: { dtype: "F32", shape: [4], data_offsets: [0, 16] },
      b: { dtype: "F32", shape: [2], data_offsets: [8, 16] },
    };
    expectCorrupt(
      () => parseImage(imageWithHeader(header, 16)),
      '"a" [0, 16)',
      '"b" [8, 16)',
      "overlapping",
    );
  });

  it("refuses a header that is not UTF-8 or not JSON", () => {
    expectCorrupt(
      () => parseImage(imageWithHeader(undefined, 0, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))),
      "not valid UTF-8",
    );
    expectCorrupt(
      () => parseImage(imageWithHeader(undefined, 0, new TextEncoder().encode('{"a": '))),
      "not valid JSON",
    );
    expectCorrupt(() => parseImage(imageWithHeader([1, 2], 0)), "not a JSON object");
  });

  it("refuses unknown dtypes and shapes whose size is not the byte length", () => {
    expectCorrupt(
      () =>
        parseImage(imageWithHeader({ w: { dtype: "F33", shape: [1], data_offsets: [0, 4] } }, 4)),
      'tensor "w" has dtype "F33"',
    );
    expectCorrupt(
      () =>
        parseImage(imageWithHeader({ w: { dtype: "F16", shape: [3], data_offsets: [0, 4] } }, 4)),
      "shape [3] × F16 is 6 bytes, but its offsets span 4",
    );
    expectCorrupt(
      () =>
        parseImage(imageWithHeader({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4)),
      "not a list of non-negative integers",
    );
    expectCorrupt(
      () =>
        parseImage(
          imageWithHeader(
            { w: { dtype: "F32", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } },
            4,
          ),
        ),
      'tensor "w"',
    );
    expectCorrupt(
      () =>
        parseImage(
          imageWithHeader({ toString: { dtype: "F32", shape: [1], data_offsets: [4, 0] } }, 4),
        ),
      "outside",
    );
  });

  it("never throws anything but corrupt-data and never hangs on arbitrary or mutated headers (fuzz)", () => {
    const valid = encodeSafetensors({
      "layer.0.weight": { shape: [3, 2], values: new Float32Array(6) },
      "layer.0.bias": { shape: [3], values: new Float32Array(3) },
    });
    const check = (image: Uint8Array): void => {
      try {
        const tensors = parseImage(image);
        // Whatever is accepted is consistent: inside the data section and disjoint.
        const length = Number(
          new DataView(image.buffer, image.byteOffset, 8).getBigUint64(0, true),
        );
        for (const tensor of tensors.values()) {
          expect(tensor.end).toBeLessThanOrEqual(image.byteLength - 8 - length);
        }
      } catch (error) {
        if (
          !(HybridRagError.isInstance(error) && (error as HybridRagError).code === "corrupt-data")
        )
          throw error;
      }
    };
    const started = performance.now();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => check(bytes)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.byteLength - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (mutations) => {
          const image = valid.slice();
          for (const [at, value] of mutations) image[at] = value;
          check(image);
        },
      ),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.json(), fc.nat(64), (json, dataBytes) =>
        check(imageWithHeader(undefined, dataBytes, new TextEncoder().encode(json))),
      ),
      { numRuns: 2000 },
    );
    // A generous bound: 7,000 parses of small headers take well under a second; a hang would not.
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});
