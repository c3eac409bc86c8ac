import { readFile } from "node:fs/promises";
import { parseWithSchema, toHybridRagError } from "@hybrid-rag/core";
import type { z } from "zod";
import { type PipelineSpec, pipelineSpecSchema } from "./pipeline-spec.ts";

/**
 * Reads `--spec file.json`: a spec, or a benchmark `results.json` (whose `spec` is one). A wrong
 * field is an `invalid-argument` error naming the file, the field, its value and what it takes.
 */
export async function readPipelineSpecFile(path: string): Promise<PipelineSpec>;
export async function readPipelineSpecFile<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
): Promise<z.output<Schema>>;
export async function readPipelineSpecFile(
  path: string,
  schema: z.ZodType = pipelineSpecSchema,
): Promise<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw toHybridRagError(
      error,
      `--spec ${path}: not a readable JSON file (print one with --print-spec)`,
    );
  }
  const spec =
    typeof value === "object" && value !== null && "spec" in value && !("version" in value)
      ? (value as { spec: unknown }).spec
      : value;
  return parseWithSchema(schema, spec, `--spec ${path}`);
}
