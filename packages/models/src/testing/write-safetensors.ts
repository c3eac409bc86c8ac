import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { float32ToFloat16Bits } from "./onnx-graph-builder.ts";

/** One tensor to write: float32 values stored as the given dtype. */
export interface SafetensorsEntry {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export type SafetensorsDType = "F32" | "F16" | "BF16";

/**
 * Encodes tensors in the safetensors format: an 8-byte little-endian header length, a JSON
 * header `{name: {dtype, shape, data_offsets: [begin, end]}}` (offsets relative to the data
 * section), padded with spaces to a multiple of 8, then the tensors' bytes in header order.
 */
export function encodeSafetensors(
  tensors: Readonly<Record<string, SafetensorsEntry>>,
  dtype: SafetensorsDType = "F32",
  metadata: Readonly<Record<string, string>> = { format: "pt" },
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, { shape, values }] of Object.entries(tensors)) {
    const bytes = tensorBytes(values, dtype);
    header[name] = { dtype, shape: [...shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.byteLength;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.byteLength;
  }
  return out;
}

/**
 * Writes `model.safetensors`, or with `shards` > 1 `model-0000N-of-0000M.safetensors` files and
 * `model.safetensors.index.json` (`{metadata: {total_size}, weight_map: {name: file}}`), as
 * transformers' `save_pretrained()` does.
 */
export async function writeSafetensorsWeights(
  directory: string,
  tensors: Readonly<Record<string, SafetensorsEntry>>,
  options: { readonly dtype?: SafetensorsDType; readonly shards?: number } = {},
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const dtype = options.dtype ?? "F32";
  const shards = options.shards ?? 1;
  if (shards <= 1) {
    await writeFile(join(directory, "model.safetensors"), encodeSafetensors(tensors, dtype));
    return;
  }
  const names = Object.keys(tensors);
  const perShard = Math.ceil(names.length / shards);
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (let shard = 0; shard < shards; shard++) {
    const file = `model-${pad(shard + 1)}-of-${pad(shards)}.safetensors`;
    const subset: Record<string, SafetensorsEntry> = {};
    for (const name of names.slice(shard * perShard, (shard + 1) * perShard)) {
      const entry = tensors[name];
      if (entry === undefined) continue;
      subset[name] = entry;
      weightMap[name] = file;
      totalSize += entry.values.length * (dtype === "F32" ? 4 : 2);
    }
    await writeFile(join(directory, file), encodeSafetensors(subset, dtype));
  }
  const index = { metadata: { total_size: totalSize }, weight_map: weightMap };
  await writeFile(join(directory, "model.safetensors.index.json"), JSON.stringify(index, null, 2));
}

function pad(value: number): string {
  return String(value).padStart(5, "0");
}

function tensorBytes(values: Float32Array, dtype: SafetensorsDType): Uint8Array {
  if (dtype === "F32") {
    const copy = Float32Array.from(values);
    return new Uint8Array(copy.buffer);
  }
  if (dtype === "F16") return new Uint8Array(float32ToFloat16Bits(values).buffer);
  // bfloat16: the upper 16 bits of the float32, rounded to nearest even.
  const words = new Uint32Array(Float32Array.from(values).buffer);
  const halves = new Uint16Array(values.length);
  for (const [index, word] of words.entries()) {
    const rounding = 0x7fff + ((word >>> 16) & 1);
    halves[index] = ((word + rounding) >>> 16) & 0xffff;
  }
  return new Uint8Array(halves.buffer);
}
