import { writeZip, xmlEscape } from "./write-zip.ts";

export interface TestDocxParagraph {
  readonly text: string;
  /** A built-in paragraph style: "Title", "Heading1" … "Heading6". */
  readonly style?: string;
}

export interface TestDocxOptions {
  readonly title?: string;
  readonly paragraphs: readonly (string | TestDocxParagraph)[];
  /** Rows of cells, written as a table after the paragraphs. */
  readonly table?: readonly (readonly string[])[];
}

const wordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/**
 * Writes a real Word document (.docx: the parts Word itself needs — content types, package and
 * document relationships, styles, core properties), one run per sentence so paragraphs have
 * several `w:t` runs, a tab and a line break where the text has them.
 */
export async function createTestDocx(options: TestDocxOptions): Promise<Buffer> {
  const paragraphs = options.paragraphs.map((paragraph) =>
    typeof paragraph === "string"
      ? wordParagraph(paragraph)
      : wordParagraph(paragraph.text, paragraph.style),
  );
  const table = options.table
    ? `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>${options.table
        .map(
          (row) =>
            `<w:tr>${row.map((cell) => `<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>${wordParagraph(cell)}</w:tc>`).join("")}</w:tr>`,
        )
        .join("")}</w:tbl>`
    : "";
  const headingStyles = [1, 2, 3, 4, 5, 6]
    .map(
      (level) =>
        `<w:style w:type="paragraph" w:styleId="Heading${level}"><w:name w:val="heading ${level}"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="${level - 1}"/></w:pPr></w:style>`,
    )
    .join("");
  return writeZip({
    "[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
    "_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationships}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
    "word/_rels/document.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationships}/styles" Target="styles.xml"/></Relationships>`,
    "word/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="${wordNamespace}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>${headingStyles}</w:styles>`,
    "docProps/core.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">${options.title ? `<dc:title>${xmlEscape(options.title)}</dc:title>` : ""}</cp:coreProperties>`,
    "word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="${wordNamespace}" xmlns:r="${relationships}">
  <w:body>
    ${paragraphs.join("\n    ")}
    ${table}
    <w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr>
  </w:body>
</w:document>`,
  });
}

/** One paragraph: a run per sentence, `\t` as `w:tab`, `\n` as `w:br`, spaces preserved. */
function wordParagraph(text: string, style?: string): string {
  const properties = style
    ? `<w:pPr><w:pStyle w:val="${style}"/><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>`
    : "";
  const runs = text
    .split(/(?<=[.!?] )/)
    .map((sentence) => {
      const pieces = sentence
        .split(/(\t|\n)/)
        .filter((piece) => piece.length > 0)
        .map((piece) =>
          piece === "\t"
            ? "<w:tab/>"
            : piece === "\n"
              ? "<w:br/>"
              : `<w:t xml:space="preserve">${xmlEscape(piece)}</w:t>`,
        );
      return `<w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr>${pieces.join("")}</w:r>`;
    })
    .join("");
  return `<w:p>${properties}${runs}</w:p>`;
}
