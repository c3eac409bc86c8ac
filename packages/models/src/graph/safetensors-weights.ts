import { type FileHandle, open, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from "./float16.ts";
import type { StoredDType, TensorInfo, WeightSource } from "./model-family.ts";
import { type HeaderTensor, headerLengthOf, parseSafetensorsHeader } from "./safetensors-header.ts";

export const singleWeightsFile = "model.safetensors";
export const weightsIndexFile = "model.safetensors.index.json";

// Reads larger than this are split: one fs read cannot exceed 2 GiB.
const readChunkBytes = 256 * 1024 * 1024;

interface Shard {
  readonly path: string;
  readonly handle: FileHandle;
  readonly dataStart: number;
  readonly tensors: Map<string, HeaderTensor>;
}

const floatDTypes: ReadonlySet<string> = new Set<StoredDType>(["F32", "F16", "BF16"]);

/**
 * The weights of a safetensors model directory: `model.safetensors`, or the shards
 * `model.safetensors.index.json` names. Headers are read and validated when opened; tensors are
 * read by offset, one at a time, through open file handles (never a whole file in memory).
 */
export class SafetensorsWeights implements WeightSource {
  readonly directory: string;
  readonly #shards: readonly Shard[];
  readonly #byName: ReadonlyMap<string, { readonly shard: Shard; readonly tensor: HeaderTensor }>;

  private constructor(directory: string, shards: readonly Shard[]) {
    this.directory = directory;
    this.#shards = shards;
    const byName = new Map<string, { shard: Shard; tensor: HeaderTensor }>();
    for (const shard of shards) {
      for (const tensor of shard.tensors.values()) {
        const other = byName.get(tensor.name);
        if (other) {
          throw new HybridRagError(
            "corrupt-data",
            `Tensor "${tensor.name}" is stored twice, in ${other.shard.path} and ${shard.path}; a checkpoint names each tensor once. Save the model again.`,
          );
        }
        byName.set(tensor.name, { shard, tensor });
      }
    }
    this.#byName = byName;
  }

  /** Opens the directory's weights; `not-found` when it has neither file. */
  static async open(directory: string): Promise<SafetensorsWeights> {
    const files = await weightFilesOf(directory);
    const shards: Shard[] = [];
    try {
      for (const file of files.paths) shards.push(await openShard(file));
      const weights = new SafetensorsWeights(directory, shards);
      if (files.weightMap) weights.#checkWeightMap(files.weightMap);
      return weights;
    } catch (error) {
      await Promise.all(shards.map((shard) => shard.handle.close()));
      throw error;
    }
  }

  /** The weight files, in order. */
  get files(): readonly string[] {
    return this.#shards.map((shard) => shard.path);
  }

  /** Float tensors only: integer buffers (e.g. BERT's stored position_ids) are not weights. */
  names(): readonly string[] {
    return [...this.#byName.values()]
      .filter(({ tensor }) => floatDTypes.has(tensor.dtype))
      .map(({ tensor }) => tensor.name);
  }

  info(name: string): TensorInfo | undefined {
    const found = this.#byName.get(name);
    if (!found || !floatDTypes.has(found.tensor.dtype)) return undefined;
    return { dtype: found.tensor.dtype as StoredDType, shape: found.tensor.shape };
  }

  /** Bytes of all float tensors as stored. */
  get storedBytes(): number {
    let total = 0;
    for (const { tensor } of this.#byName.values()) {
      if (floatDTypes.has(tensor.dtype)) total += tensor.end - tensor.begin;
    }
    return total;
  }

  /** Elements of all float tensors. */
  get storedElements(): number {
    let total = 0;
    for (const { tensor } of this.#byName.values()) {
      if (floatDTypes.has(tensor.dtype))
        total += (tensor.end - tensor.begin) / (tensor.dtype === "F32" ? 4 : 2);
    }
    return total;
  }

  /** Elements of the largest float tensor. */
  get largestTensorElements(): number {
    let largest = 0;
    for (const { tensor } of this.#byName.values()) {
      if (!floatDTypes.has(tensor.dtype)) continue;
      largest = Math.max(largest, (tensor.end - tensor.begin) / (tensor.dtype === "F32" ? 4 : 2));
    }
    return largest;
  }

  async readFloat32(name: string, expectedShape?: readonly number[]): Promise<Float32Array> {
    const found = this.#byName.get(name);
    if (!found) {
      throw new HybridRagError(
        "corrupt-data",
        `Tensor "${name}" is missing from ${this.files.join(", ")}; the model's architecture needs it. ` +
          "The checkpoint is incomplete or belongs to another architecture than config.json says.",
      );
    }
    const { shard, tensor } = found;
    if (!floatDTypes.has(tensor.dtype)) {
      throw new HybridRagError(
        "corrupt-data",
        `${shard.path}: tensor "${name}" is stored as ${tensor.dtype}; a weight must be F32, F16 or BF16.`,
      );
    }
    if (expectedShape && !sameShape(tensor.shape, expectedShape)) {
      throw new HybridRagError(
        "corrupt-data",
        `${shard.path}: tensor "${name}" has shape [${tensor.shape.join(", ")}], but config.json implies [${expectedShape.join(", ")}]. ` +
          "config.json does not describe these weights.",
      );
    }
    const bytes = new Uint8Array(tensor.end - tensor.begin);
    await readExactly(shard, bytes, shard.dataStart + tensor.begin, name);
    if (tensor.dtype === "F32") return new Float32Array(bytes.buffer);
    const halves = new Uint16Array(bytes.buffer);
    return tensor.dtype === "F16" ? float16BitsToFloat32(halves) : bfloat16BitsToFloat32(halves);
  }

  async close(): Promise<void> {
    await Promise.all(this.#shards.map((shard) => shard.handle.close()));
  }

  #checkWeightMap(weightMap: Readonly<Record<string, string>>): void {
    for (const [name, file] of Object.entries(weightMap)) {
      const found = this.#byName.get(name);
      if (!found) {
        throw new HybridRagError(
          "corrupt-data",
          `${join(this.directory, weightsIndexFile)} places tensor "${name}" in ${file}, whose header does not have it. The shards and the index do not belong together.`,
        );
      }
      if (basename(found.shard.path) !== file) {
        throw new HybridRagError(
          "corrupt-data",
          `${join(this.directory, weightsIndexFile)} places tensor "${name}" in ${file}, but ${found.shard.path} holds it.`,
        );
      }
    }
  }
}

/** True when the directory holds safetensors weights (single file or index). */
export async function hasSafetensorsWeights(directory: string): Promise<boolean> {
  for (const file of [singleWeightsFile, weightsIndexFile]) {
    if ((await stat(join(directory, file)).catch(() => undefined))?.isFile()) return true;
  }
  return false;
}

async function weightFilesOf(
  directory: string,
): Promise<{ paths: string[]; weightMap?: Record<string, string> }> {
  const single = join(directory, singleWeightsFile);
  if ((await stat(single).catch(() => undefined))?.isFile()) return { paths: [single] };
  const indexPath = join(directory, weightsIndexFile);
  let text: string;
  try {
    text = await readFile(indexPath, "utf8");
  } catch {
    throw new HybridRagError(
      "not-found",
      `${directory} has neither ${singleWeightsFile} nor ${weightsIndexFile}; a model directory needs its weights (or an onnx/model.onnx).`,
    );
  }
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(text) as { weight_map?: unknown }).weight_map;
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${indexPath} is not valid JSON: ${(error as Error).message}.`,
    );
  }
  if (
    typeof weightMap !== "object" ||
    weightMap === null ||
    !Object.values(weightMap).every(
      (file) => typeof file === "string" && /^[\w.-]+\.safetensors$/.test(file),
    )
  ) {
    throw new HybridRagError(
      "corrupt-data",
      `${indexPath}: "weight_map" must map tensor names to .safetensors file names in the same directory.`,
    );
  }
  const map = weightMap as Record<string, string>;
  const files = [...new Set(Object.values(map))].sort();
  return { paths: files.map((file) => join(directory, file)), weightMap: map };
}

async function openShard(path: string): Promise<Shard> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new HybridRagError(
      "not-found",
      `${path} could not be opened: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(8);
    await handle.read(prefix, 0, Math.min(8, size), 0);
    const headerLength = headerLengthOf(prefix, size, path);
    const headerBytes = new Uint8Array(headerLength);
    await handle.read(headerBytes, 0, headerLength, 8);
    const dataStart = 8 + headerLength;
    const tensors = parseSafetensorsHeader(headerBytes, size - dataStart, path);
    return { path, handle, dataStart, tensors };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readExactly(
  shard: Shard,
  target: Uint8Array,
  position: number,
  name: string,
): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    const length = Math.min(readChunkBytes, target.byteLength - done);
    const { bytesRead } = await shard.handle.read(target, done, length, position + done);
    if (bytesRead === 0) {
      throw new HybridRagError(
        "corrupt-data",
        `${shard.path}: tensor "${name}" ends past the end of the file (the file shrank or was truncated after it was opened).`,
      );
    }
    done += bytesRead;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, index) => dim === b[index]);
}
