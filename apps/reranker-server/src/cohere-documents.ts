import type { CohereDocument } from "./cohere-rerank-api.ts";
import { clientError } from "./http-errors.ts";

/**
 * The text the model reads for each Cohere document. A string is itself. An object is its
 * `text` field, or, with v1 `rank_fields`, the named fields in that order as `field: value`
 * lines (the YAML form Cohere recommends for structured documents). A missing or non-string
 * field is a 422 naming the document and the field, never silently skipped.
 */
export function documentTexts(
  documents: readonly CohereDocument[],
  rankFields: readonly string[] | undefined,
): string[] {
  return documents.map((document, index) => {
    if (typeof document === "string") {
      if (rankFields === undefined) return document;
      throw clientError(
        422,
        `documents[${index}] is a string but rank_fields is set: rank_fields selects fields of object documents; send objects such as {"text": …} or leave rank_fields out.`,
      );
    }
    if (rankFields === undefined) {
      const text = document.text;
      if (typeof text === "string") return text;
      throw clientError(
        422,
        `documents[${index}] has no string "text" field: give each object document a "text", or name the fields to rank on with rank_fields.`,
      );
    }
    return rankFields
      .map((field) => {
        const value = document[field];
        if (typeof value !== "string") {
          throw clientError(
            422,
            `documents[${index}] has no string field "${field}" named in rank_fields: add it to every document or remove it from rank_fields.`,
          );
        }
        return `${field}: ${value}`;
      })
      .join("\n");
  });
}
