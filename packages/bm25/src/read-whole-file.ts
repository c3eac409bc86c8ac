import { open } from "node:fs/promises";
import { HybridRagError } from "@hybrid-rag/core";
import { corrupt, fileError } from "./file-errors.ts";

/** Bytes read per call (`fs.readFile` refuses files of 2 GiB or more; this reads any size). */
const readChunkBytes = 1 << 30;

/**
 * The whole file in one Buffer that starts at offset 0 of its own ArrayBuffer (so sections at
 * aligned file offsets can be viewed as typed arrays without copying).
 */
export async function readWholeFile(path: string): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw fileError(error, path, "read the BM25 index from");
  }
  try {
    const { size } = await handle.stat();
    const file = Buffer.allocUnsafeSlow(size);
    let offset = 0;
    while (offset < size) {
      const length = Math.min(readChunkBytes, size - offset);
      const { bytesRead } = await handle.read(file, offset, length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    if (offset < size) throw corrupt(path, "it became shorter while it was being read");
    return file;
  } catch (error) {
    if (HybridRagError.isInstance(error)) throw error;
    throw fileError(error, path, "read the BM25 index from");
  } finally {
    await handle.close();
  }
}
