import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { HybridRagError } from "@hybrid-rag/core";
import yauzl from "yauzl";

/**
 * Extracts a zip archive into `directory` with yauzl (streamed, entry by entry). Entries that
 * would land outside `directory` (absolute paths, `..`) are refused.
 */
export async function unzipFile(zipPath: string, directory: string): Promise<void> {
  const zip = await openZip(zipPath);
  try {
    for await (const entry of zip.eachEntry()) {
      const target = safeTarget(directory, entry.fileName);
      if (entry.fileName.endsWith("/")) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
    }
  } catch (error) {
    if (HybridRagError.isInstance(error)) throw error;
    throw new HybridRagError(
      "corrupt-data",
      `Cannot extract ${zipPath}: ${(error as Error).message}. The download may be damaged; delete it and try again.`,
      { cause: error },
    );
  } finally {
    zip.close();
  }
}

async function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  try {
    // yauzl validates entry names (no absolute paths, no "..") when strictFileNames is on.
    return await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      strictFileNames: true,
    });
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${zipPath} is not a readable zip archive (${(error as Error).message}). Delete it and download again.`,
      { cause: error },
    );
  }
}

function safeTarget(directory: string, name: string): string {
  const relative = normalize(name);
  if (isAbsolute(relative) || relative === ".." || relative.startsWith(`..${sep}`)) {
    throw new HybridRagError(
      "corrupt-data",
      `Refusing to extract zip entry ${JSON.stringify(name)}: it would be written outside ${directory}.`,
    );
  }
  return join(directory, relative);
}
