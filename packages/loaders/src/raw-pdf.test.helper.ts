// PDFs written object by object, for files no PDF library would produce: forty thousand pages
// in a few megabytes, a compressed stream that inflates a thousandfold, an encryption dictionary.

/** Joins numbered objects (1-based, in order) into a PDF with a correct cross-reference table. */
export function rawPdf(objects: readonly (string | Buffer)[], trailer = ""): Buffer {
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(offset);
    const object = Buffer.concat([
      Buffer.from(`${index + 1} 0 obj\n`, "latin1"),
      typeof body === "string" ? Buffer.from(body, "latin1") : body,
      Buffer.from("\nendobj\n", "latin1"),
    ]);
    parts.push(object);
    offset += object.length;
  });
  const xref = [
    "xref",
    `0 ${objects.length + 1}`,
    "0000000000 65535 f ",
    ...offsets.map((at) => `${String(at).padStart(10, "0")} 00000 n `),
    "trailer",
    `<< /Size ${objects.length + 1} /Root 1 0 R ${trailer} >>`,
    "startxref",
    String(offset),
    "%%EOF",
    "",
  ].join("\n");
  parts.push(Buffer.from(xref, "latin1"));
  return Buffer.concat(parts);
}

const font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

function stream(content: Buffer, filter = ""): Buffer {
  return Buffer.concat([
    Buffer.from(`<< /Length ${content.length} ${filter} >>\nstream\n`, "latin1"),
    content,
    Buffer.from("\nendstream", "latin1"),
  ]);
}

/** A PDF of `pageCount` pages sharing one line of text (~80 bytes a page, as a generator would write them). */
export function manyPagePdf(pageCount: number): Buffer {
  // 1 catalog, 2 page tree (with the inherited media box and font), 3 font, 4 the shared content, then the pages.
  const kids: string[] = [];
  const objects: (string | Buffer)[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "",
    font,
    stream(Buffer.from("BT /F1 12 Tf 72 712 Td (A page of many) Tj ET", "latin1")),
  ];
  for (let page = 0; page < pageCount; page++) {
    kids.push(`${5 + page} 0 R`);
    objects.push("<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>");
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${pageCount} /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> >>`;
  return rawPdf(objects);
}

/** One page whose content stream is `compressed`, declared FlateDecode (a decompression bomb when it inflates far). */
export function flateStreamPdf(compressed: Buffer): Buffer {
  return rawPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
    font,
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
    stream(compressed, "/Filter /FlateDecode"),
  ]);
}

/** A one-page PDF under the standard security handler whose user password is not empty. */
export function encryptedPdf(): Buffer {
  const owner = `<${"a5".repeat(32)}>`;
  const user = `<${"5a".repeat(32)}>`;
  return rawPdf(
    [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
      font,
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
      stream(Buffer.from("BT /F1 12 Tf 72 712 Td (secret) Tj ET", "latin1")),
      `<< /Filter /Standard /V 1 /R 2 /Length 40 /O ${owner} /U ${user} /P -44 >>`,
    ],
    `/Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]`,
  );
}
