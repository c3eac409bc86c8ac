import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import type { StoredDType, TensorInfo, WeightSource } from "../model-family.ts";

interface StoredTensor extends TensorInfo {
  readonly values: Float32Array;
}

/**
 * A `WeightSource` over tensors already in memory: for the families' tests only (tiny models).
 * The product reads safetensors by offsets through the model builder's own reader.
 */
export class InMemoryWeights implements WeightSource {
  readonly #tensors: ReadonlyMap<string, StoredTensor>;

  constructor(tensors: ReadonlyMap<string, StoredTensor>) {
    this.#tensors = tensors;
  }

  names(): readonly string[] {
    return [...this.#tensors.keys()];
  }

  info(name: string): TensorInfo | undefined {
    const tensor = this.#tensors.get(name);
    return tensor === undefined ? undefined : { dtype: tensor.dtype, shape: tensor.shape };
  }

  async readFloat32(name: string, expectedShape?: readonly number[]): Promise<Float32Array> {
    const tensor = this.#tensors.get(name);
    if (tensor === undefined) {
      throw new HybridRagError("corrupt-data", `Tensor ${name} is missing from the test weights.`);
    }
    if (expectedShape !== undefined && expectedShape.join(",") !== tensor.shape.join(",")) {
      throw new HybridRagError(
        "corrupt-data",
        `Tensor ${name} has shape [${tensor.shape.join(", ")}], expected [${expectedShape.join(", ")}].`,
      );
    }
    return tensor.values;
  }
}

/**
 * Reads the safetensors files a test wrote (`model.safetensors` or the shards listed in
 * `model.safetensors.index.json`) whole, widening F16/BF16 to float32: the same values the
 * PyTorch references read with `reference/safetensors_io.py`.
 */
export async function readTestWeights(directory: string): Promise<InMemoryWeights> {
  let files = ["model.safetensors"];
  try {
    const index = JSON.parse(
      await readFile(join(directory, "model.safetensors.index.json"), "utf8"),
    );
    files = [...new Set(Object.values(index.weight_map as Record<string, string>))];
  } catch {
    // no index: a single file
  }
  const tensors = new Map<string, StoredTensor>();
  for (const file of files) {
    const bytes = await readFile(join(directory, file));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8"));
    const dataStart = 8 + headerLength;
    for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
      if (name === "__metadata__") continue;
      const { dtype, shape, data_offsets } = entry as {
        dtype: StoredDType;
        shape: number[];
        data_offsets: [number, number];
      };
      const raw = bytes.subarray(dataStart + data_offsets[0], dataStart + data_offsets[1]);
      tensors.set(name, { dtype, shape, values: widen(raw, dtype) });
    }
  }
  return new InMemoryWeights(tensors);
}

function widen(raw: Buffer, dtype: StoredDType): Float32Array {
  const copy = Uint8Array.from(raw);
  if (dtype === "F32") return new Float32Array(copy.buffer);
  const halves = new Uint16Array(copy.buffer);
  if (dtype === "BF16") {
    const words = new Uint32Array(halves.length);
    for (const [index, half] of halves.entries()) words[index] = half << 16;
    return new Float32Array(words.buffer);
  }
  const table = float16Table();
  const values = new Float32Array(halves.length);
  for (const [index, half] of halves.entries()) values[index] = table[half] ?? Number.NaN;
  return values;
}

let halfValues: Float32Array | undefined;

/** All 65,536 half-precision values, widened once (a lookup beats decoding each). */
function float16Table(): Float32Array {
  if (halfValues === undefined) {
    halfValues = new Float32Array(65_536);
    for (let bits = 0; bits < 65_536; bits++) halfValues[bits] = float16ToNumber(bits);
  }
  return halfValues;
}

function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
