import { AutoModelForSequenceClassification, AutoTokenizer, env } from "@huggingface/transformers";

/**
 * The peer: transformers.js on the same ONNX file, used the way its docs show for
 * cross-encoders (tokenizer with text_pair, padding and truncation, then the model), in
 * batches of `batchSize` pairs in input order, on the same number of threads.
 */
export async function createTransformersJsScorer(
  modelRoot: string,
  modelName: string,
  threads: number,
  batchSize: number,
): Promise<(query: string, passages: readonly string[]) => Promise<Float32Array>> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelRoot;
  const tokenizer = await AutoTokenizer.from_pretrained(modelName);
  const model = await AutoModelForSequenceClassification.from_pretrained(modelName, {
    dtype: "fp32",
    device: "cpu",
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  return async (query, passages) => {
    const scores = new Float32Array(passages.length);
    for (let start = 0; start < passages.length; start += batchSize) {
      const chunk = passages.slice(start, start + batchSize);
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
