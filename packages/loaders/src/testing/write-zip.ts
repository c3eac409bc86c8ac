import yazl from "yazl";

/** Writes a zip archive (deflated entries, in the given order) with yazl, for loader tests. */
export async function writeZip(
  entries: Readonly<Record<string, string | Uint8Array>>,
  options: { readonly store?: readonly string[] } = {},
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    // epub wants its `mimetype` first and stored, not deflated.
    zip.addBuffer(bytes, name, { compress: !options.store?.includes(name) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Escapes text for XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
