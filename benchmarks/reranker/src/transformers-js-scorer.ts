import { AutoModelForSequenceClassification, AutoTokenizer, env } from "@huggingface/transformers";

export type PairScorer = (query: string, passages: readonly string[]) => Promise<Float32Array>;

/**
 * The peer: transformers.js on the same ONNX file and thread count, used as its model cards
 * show for cross-encoders (tokenizer with text_pair, padding and truncation, then the model).
 * `batchSize` "all" sends every pair in one call, as the model cards do; a number splits the
 * list into calls of that many pairs in input order.
 */
export async function createTransformersJsScorer(
  modelRoot: string,
  modelName: string,
  threads: number,
): Promise<(batchSize: number | "all") => PairScorer> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelRoot;
  const tokenizer = await AutoTokenizer.from_pretrained(modelName);
  const model = await AutoModelForSequenceClassification.from_pretrained(modelName, {
    dtype: "fp32",
    device: "cpu",
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  return (batchSize) => async (query, passages) => {
    const size = batchSize === "all" ? passages.length : batchSize;
    const scores = new Float32Array(passages.length);
    for (let start = 0; start < passages.length; start += size) {
      const chunk = passages.slice(start, start + size);
      const inputs = tokenizer(
        chunk.map(() => query),
        { text_pair: chunk, padding: true, truncation: true, max_length: 512 },
      );
      const { logits } = await model(inputs);
      scores.set(logits.data as Float32Array, start);
    }
    return scores;
  };
}
