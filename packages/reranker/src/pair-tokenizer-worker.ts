// Worker thread of `PairTokenizerWorker`: tokenises pairs off the thread that runs the model
// (onnxruntime-node's `run` holds the JavaScript thread for the whole model run).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { TextTokenizer } from "@hybrid-rag/models";
import { encodePairs, type QueryPassagePair } from "./encode-pairs.ts";

export interface TokenizeRequest {
  readonly id: number;
  readonly pairs: readonly QueryPassagePair[];
  readonly maxLength: number;
}

const { modelPath, template } = workerData as { modelPath: string; template: string | undefined };
const tokenizerJson = JSON.parse(await readFile(join(modelPath, "tokenizer.json"), "utf8"));
const tokenizerConfig = await readFile(join(modelPath, "tokenizer_config.json"), "utf8").then(
  (text) => JSON.parse(text) as object,
  () => ({}),
);
const tokenizer = new TextTokenizer(tokenizerJson, tokenizerConfig);

parentPort!.on("message", ({ id, pairs, maxLength }: TokenizeRequest) => {
  try {
    parentPort!.postMessage({
      id,
      encoded: encodePairs(tokenizer, pairs, maxLength, "END", template),
    });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
