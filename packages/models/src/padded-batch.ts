import * as ort from "onnxruntime-node";
import type { EncodedText } from "./text-tokenizer.ts";

/** Model inputs for a batch of encoded texts, right-padded to the longest. */
export interface PaddedBatch {
  readonly size: number;
  readonly sequenceLength: number;
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
}

export function padBatch(encoded: readonly EncodedText[], padId: number): PaddedBatch {
  const sequenceLength = Math.max(1, ...encoded.map((item) => item.ids.length));
  const size = encoded.length;
  const inputIds = new BigInt64Array(size * sequenceLength).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(size * sequenceLength);
  const tokenTypeIds = new BigInt64Array(size * sequenceLength);
  for (const [row, item] of encoded.entries()) {
    const offset = row * sequenceLength;
    for (let column = 0; column < item.ids.length; column++) {
      inputIds[offset + column] = BigInt(item.ids[column]!);
      attentionMask[offset + column] = 1n;
      tokenTypeIds[offset + column] = BigInt(item.typeIds[column] ?? 0);
    }
  }
  return { size, sequenceLength, inputIds, attentionMask, tokenTypeIds };
}

/** The feeds a BERT-style ONNX model takes, limited to the inputs the session declares. */
export function batchFeeds(
  batch: PaddedBatch,
  inputNames: readonly string[],
): Record<string, ort.Tensor> {
  const dims = [batch.size, batch.sequenceLength];
  const all: Record<string, BigInt64Array> = {
    input_ids: batch.inputIds,
    attention_mask: batch.attentionMask,
    token_type_ids: batch.tokenTypeIds,
  };
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of inputNames) {
    const data = all[name];
    if (data) feeds[name] = new ort.Tensor("int64", data, dims);
  }
  return feeds;
}

export function int64Tensor(values: readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor(
    "int64",
    BigInt64Array.from(values, (value) => BigInt(value)),
    dims,
  );
}

/** A float32 feed (image tiles) for packages that do not depend on onnxruntime themselves. */
export function float32Tensor(values: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", values, dims);
}
