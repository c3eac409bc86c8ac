import { defaultBudgets } from "../load-budgets.ts";
import { ZipArchive } from "../zip-archive.ts";

/** The bytes of one entry of a zip archive (a docx, pptx, odt or epub), as the loaders read it. */
export async function readZipEntry(archive: Uint8Array, entry: string): Promise<Uint8Array> {
  const zip = await ZipArchive.open(archive, defaultBudgets, "a zip archive");
  try {
    return await zip.bytes(entry);
  } finally {
    zip.close();
  }
}
