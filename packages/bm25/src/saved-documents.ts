import { type Document, documentSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { corrupt } from "./file-errors.ts";

const savedDocumentsSchema = z.array(documentSchema);

/**
 * The documents section of an index file, checked after the checksum (a crafted or buggy file
 * can have a valid checksum): every entry a document with a valid id and a text string, and
 * no id twice. Anything else is `corrupt-data` naming the first problem.
 */
export function checkSavedDocuments(path: string, documents: unknown): Document[] {
  const parsed = savedDocumentsSchema.safeParse(documents);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [position, ...field] = issue.path;
    const where =
      typeof position === "number"
        ? `document ${position}${field.length > 0 ? ` (${field.join(".")})` : ""}`
        : "the documents section";
    const more =
      parsed.error.issues.length > 1
        ? ` (and ${parsed.error.issues.length - 1} more problems)`
        : "";
    throw corrupt(path, `${where} is not valid: ${issue.message}${more}`);
  }
  return checkUniqueIds(path, parsed.data as Document[]);
}

/** No id twice (`corrupt-data` naming the first repeat); returns the same array. */
export function checkUniqueIds(path: string, documents: Document[]): Document[] {
  const seen = new Set<string>();
  for (const [number, document] of documents.entries()) {
    if (seen.has(document.id)) {
      throw corrupt(path, `document ${number} repeats the id ${JSON.stringify(document.id)}`);
    }
    seen.add(document.id);
  }
  return documents;
}
