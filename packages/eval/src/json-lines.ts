import type { z } from "zod";
import { lineError } from "./read-lines.ts";

/** Parses one JSON Lines record against a schema; errors name the file, line and problem. */
export function parseJsonLine<S extends z.ZodType>(
  schema: S,
  text: string,
  path: string,
  line: number,
): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const preview = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    throw lineError(path, line, `not valid JSON (${(error as Error).message}): ${preview}`);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? `"${issue.path.join(".")}"` : "the record";
    return `${field}: ${issue.message}`;
  });
  throw lineError(path, line, problems.join("; "));
}
