import { writeZip, xmlEscape } from "./write-zip.ts";

export interface TestSlide {
  readonly title: string;
  /** Body paragraphs (one text box, one `a:p` each). */
  readonly body: readonly string[];
  readonly notes?: string;
}

const presentationNamespaces =
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const relationshipTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** Writes a real PowerPoint file (.pptx): a title and a body placeholder per slide, optional speaker notes. */
export async function createTestPptx(options: {
  readonly title?: string;
  readonly slides: readonly TestSlide[];
}): Promise<Buffer> {
  const entries: Record<string, string> = {
    "[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>${options.slides.map((_, i) => `<Override PartName="/ppt/slides/slide${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`).join("")}</Types>`,
    "_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationshipTypes}/officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
    "docProps/core.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">${options.title ? `<dc:title>${xmlEscape(options.title)}</dc:title>` : ""}</cp:coreProperties>`,
    // Slides listed in reverse file order, so reading them in list order is what is tested.
    "ppt/presentation.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation ${presentationNamespaces}><p:sldIdLst>${options.slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rIdSlide${i + 1}"/>`).join("")}</p:sldIdLst></p:presentation>`,
    "ppt/_rels/presentation.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${options.slides.map((_, i) => `<Relationship Id="rIdSlide${i + 1}" Type="${relationshipTypes}/slide" Target="slides/slide${options.slides.length - i}.xml"/>`).join("")}</Relationships>`,
  };
  for (const [index, slide] of options.slides.entries()) {
    const file = options.slides.length - index;
    entries[`ppt/slides/slide${file}.xml`] =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sld ${presentationNamespaces}><p:cSld><p:spTree>
  <p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>
  ${shape(2, "title", [slide.title])}
  ${shape(3, "body", slide.body)}
</p:spTree></p:cSld></p:sld>`;
    if (slide.notes !== undefined) {
      entries[`ppt/slides/_rels/slide${file}.xml.rels`] =
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="${relationshipTypes}/notesSlide" Target="../notesSlides/notesSlide${file}.xml"/></Relationships>`;
      entries[`ppt/notesSlides/notesSlide${file}.xml`] =
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:notes ${presentationNamespaces}><p:cSld><p:spTree>
  ${shape(2, "sldImg", [])}
  ${shape(3, "body", [slide.notes])}
  ${shape(4, "sldNum", [String(index + 1)])}
</p:spTree></p:cSld></p:notes>`;
    }
  }
  return writeZip(entries);
}

function shape(id: number, placeholder: string, paragraphs: readonly string[]): string {
  const body = paragraphs
    .map(
      (paragraph) =>
        `<a:p>${paragraph
          .split("\n")
          .map((line) => `<a:r><a:rPr lang="en-GB"/><a:t>${xmlEscape(line)}</a:t></a:r>`)
          .join("<a:br/>")}</a:p>`,
    )
    .join("");
  return `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="${placeholder} ${id}"/><p:cNvSpPr/><p:nvPr><p:ph type="${placeholder}"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>${body}</p:txBody></p:sp>`;
}
