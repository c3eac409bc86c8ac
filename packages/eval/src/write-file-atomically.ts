import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { toHybridRagError } from "@hybrid-rag/core";

/**
 * Writes chunks to `path.<random>.tmp` and renames it over `path`, so an interrupted write never
 * leaves a truncated file behind.
 */
export async function writeFileAtomically(path: string, chunks: Iterable<string>): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const stream = createWriteStream(temporary, { encoding: "utf8" });
  try {
    for (const chunk of chunks) {
      if (!stream.write(chunk)) await once(stream, "drain");
    }
    stream.end();
    await once(stream, "finish");
    await rename(temporary, path);
  } catch (error) {
    stream.destroy();
    await rm(temporary, { force: true });
    throw toHybridRagError(error, `Writing ${path}`);
  }
}
