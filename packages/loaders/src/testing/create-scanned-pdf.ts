import { crc32, deflateSync } from "node:zlib";
import { PDFDocument, StandardFonts } from "pdf-lib";

export interface ScannedPdfOptions {
  /** One entry per page: the few characters of real text it also carries (a stamp), or "" for none. */
  readonly pages: readonly string[];
  /** Pages drawn with ordinary text instead of an image (a PDF mixing scans and text). */
  readonly textPages?: Readonly<Record<number, string>>;
}

/**
 * Writes a PDF whose pages are images (as a scanner makes them: one full-page picture each, here
 * a grey gradient), optionally with a short text stamp, so tests can see scanned pages reported
 * or read by an OCR function.
 */
export async function createScannedPdf(options: ScannedPdfOptions): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const scan = await pdf.embedPng(greyPng(64, 80));
  for (const [index, stamp] of options.pages.entries()) {
    const page = pdf.addPage([612, 792]);
    const text = options.textPages?.[index + 1];
    if (text !== undefined) {
      page.drawText(text, { x: 50, y: 740, size: 10, font });
      continue;
    }
    page.drawImage(scan, { x: 0, y: 0, width: 612, height: 792 });
    if (stamp) page.drawText(stamp, { x: 50, y: 20, size: 8, font });
  }
  return pdf.save();
}

/** A grey-scale PNG (8-bit, no filter), written with zlib: a gradient `width` × `height`. */
function greyPng(width: number, height: number): Uint8Array {
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = (x * 4 + y) & 0xff;
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
