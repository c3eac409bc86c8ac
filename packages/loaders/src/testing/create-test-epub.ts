import { writeZip, xmlEscape } from "./write-zip.ts";

export interface TestChapter {
  /** The chapter's `<body>` content, as XHTML. */
  readonly body: string;
  readonly title?: string;
}

/** Writes a real EPUB 3 book: `mimetype` stored first, the container, a package document in `OEBPS/`, the chapters in spine order. */
export async function createTestEpub(options: {
  readonly title: string;
  readonly chapters: readonly TestChapter[];
}): Promise<Buffer> {
  const entries: Record<string, string> = {
    mimetype: "application/epub+zip",
    "META-INF/container.xml": `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`,
    "OEBPS/content.opf": `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:00000000-0000-4000-8000-000000000000</dc:identifier><dc:title>${xmlEscape(options.title)}</dc:title><dc:language>en</dc:language></metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="css" href="style.css" media-type="text/css"/>${options.chapters.map((_, i) => `<item id="chapter${i + 1}" href="text/chapter%20${i + 1}.xhtml" media-type="application/xhtml+xml"/>`).join("")}</manifest>
<spine>${options.chapters.map((_, i) => `<itemref idref="chapter${i + 1}"/>`).join("")}</spine></package>`,
    "OEBPS/style.css": "p { margin: 0 }",
    "OEBPS/nav.xhtml": `<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Contents</title></head><body><nav><ol><li>not in the spine</li></ol></nav></body></html>`,
  };
  for (const [index, chapter] of options.chapters.entries()) {
    entries[`OEBPS/text/chapter ${index + 1}.xhtml`] = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>${xmlEscape(chapter.title ?? `Chapter ${index + 1}`)}</title><link rel="stylesheet" href="../style.css"/></head>
<body>
${chapter.body}
</body>
</html>`;
  }
  return writeZip(entries, { store: ["mimetype"] });
}
