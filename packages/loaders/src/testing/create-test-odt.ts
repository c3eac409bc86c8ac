import { writeZip, xmlEscape } from "./write-zip.ts";

export interface TestOdtBlock {
  readonly text: string;
  /** A heading's outline level; a paragraph when left out. */
  readonly level?: number;
}

/** Writes a real OpenDocument text (.odt): `mimetype` first and stored, manifest, meta, content. */
export async function createTestOdt(options: {
  readonly title?: string;
  readonly blocks: readonly (string | TestOdtBlock)[];
}): Promise<Buffer> {
  const body = options.blocks
    .map((block) => (typeof block === "string" ? { text: block } : block))
    .map(({ text, level }) => {
      const inner = odfText(text);
      return level === undefined
        ? `<text:p text:style-name="Standard">${inner}</text:p>`
        : `<text:h text:style-name="Heading_20_${level}" text:outline-level="${level}">${inner}</text:h>`;
    })
    .join("\n      ");
  return writeZip(
    {
      mimetype: "application/vnd.oasis.opendocument.text",
      "META-INF/manifest.xml": `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
      "meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta>${options.title ? `<dc:title>${xmlEscape(options.title)}</dc:title>` : ""}</office:meta></office:document-meta>`,
      "content.xml": `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
  <office:body>
    <office:text>
      <text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/></text:sequence-decls>
      ${body}
    </office:text>
  </office:body>
</office:document-content>`,
    },
    { store: ["mimetype"] },
  );
}

/** ODF text content: runs of spaces as `text:s`, tabs and line breaks as elements. */
function odfText(text: string): string {
  return text
    .split(/(\t|\n| {2,})/)
    .map((piece) =>
      piece === "\t"
        ? "<text:tab/>"
        : piece === "\n"
          ? "<text:line-break/>"
          : /^ {2,}$/.test(piece)
            ? ` <text:s text:c="${piece.length - 1}"/>`
            : `<text:span text:style-name="T1">${xmlEscape(piece)}</text:span>`,
    )
    .join("");
}
