import yauzl from "yauzl";
import { Refusal } from "./refusal.ts";

/** What reading one archive may cost: its entry count and the bytes it inflates to. */
export interface ArchiveBudgets {
  readonly maxArchiveEntries: number;
  readonly maxUnzippedBytes: number;
}

// A byte-order mark is kept (as U+FEFF, outside any element): offsets then count every character of the entry.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A zip archive (docx, pptx, odt, epub) read from memory with yauzl, entry by entry, within
 * budgets that stop zip bombs before they inflate: the entry count is checked from the central
 * directory before any entry is read, each entry's declared size is checked against what is left
 * of `maxUnzippedBytes` before it is inflated, and yauzl stops an entry whose data inflates past
 * its declared size (a lying header), so at most the budget is ever held.
 */
export class ZipArchive {
  readonly #zip: yauzl.ZipFile;
  readonly #entries: ReadonlyMap<string, yauzl.Entry>;
  readonly #budgets: ArchiveBudgets;
  readonly #what: string;
  #unzippedBytes = 0;

  private constructor(
    zip: yauzl.ZipFile,
    entries: ReadonlyMap<string, yauzl.Entry>,
    budgets: ArchiveBudgets,
    what: string,
  ) {
    this.#zip = zip;
    this.#entries = entries;
    this.#budgets = budgets;
    this.#what = what;
  }

  /** Opens the archive `bytes` (`what` it should be, e.g. "a Word document (.docx)", as refusals name it). */
  static async open(bytes: Uint8Array, budgets: ArchiveBudgets, what: string): Promise<ZipArchive> {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromBufferPromise(buffer, {
        lazyEntries: true,
        validateEntrySizes: true,
        strictFileNames: false,
      });
    } catch (error) {
      throw new Refusal(
        "unreadable",
        `not a readable zip archive, as ${what} must be (${(error as Error).message})`,
      );
    }
    if (zip.entryCount > budgets.maxArchiveEntries) {
      zip.close();
      throw new Refusal(
        "over-budget",
        `a zip archive of ${zip.entryCount} entries, over the ${budgets.maxArchiveEntries}-entry budget (raise maxArchiveEntries)`,
      );
    }
    const entries = new Map<string, yauzl.Entry>();
    try {
      for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
    } catch (error) {
      zip.close();
      throw new Refusal(
        "unreadable",
        `a broken zip archive (${(error as Error).message}); it cannot be read as ${what}`,
      );
    }
    return new ZipArchive(zip, entries, budgets, what);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The entry names, in the order of the central directory. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** An entry's text (UTF-8, all of it), or a refusal naming what is missing or over budget. */
  async text(name: string): Promise<string> {
    const bytes = await this.bytes(name);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new Refusal(
        "unreadable",
        `its entry ${name} is not valid UTF-8 text; the file is damaged`,
      );
    }
  }

  async bytes(name: string): Promise<Uint8Array> {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      throw new Refusal("unreadable", `it has no ${name} entry, so it is not ${this.#what}`);
    }
    if (entry.isEncrypted()) {
      throw new Refusal("encrypted", `its entry ${name} is encrypted (it needs a password)`);
    }
    const left = this.#budgets.maxUnzippedBytes - this.#unzippedBytes;
    if (entry.uncompressedSize > left) {
      throw this.#overBudget(this.#unzippedBytes + entry.uncompressedSize);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      const stream = await this.#zip.openReadStreamPromise(entry);
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        // yauzl already stops at the declared size; this is the budget's own guard.
        if (size > left) {
          stream.destroy();
          throw this.#overBudget(this.#unzippedBytes + size);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof Refusal) throw error;
      const message = (error as Error).message;
      if (/too many bytes in the stream/.test(message)) {
        throw new Refusal(
          "over-budget",
          `its entry ${name} inflates past the ${entry.uncompressedSize} bytes its header declares (a zip bomb?): stopped there`,
        );
      }
      throw new Refusal(
        "unreadable",
        `its entry ${name} cannot be inflated (${message}); the file is damaged`,
      );
    }
    this.#unzippedBytes += size;
    return Buffer.concat(chunks, size);
  }

  close(): void {
    this.#zip.close();
  }

  #overBudget(total: number): Refusal {
    return new Refusal(
      "over-budget",
      `its entries inflate to more than ${this.#budgets.maxUnzippedBytes} bytes (at least ${total}), over the unzipped-size budget (raise maxUnzippedBytes)`,
    );
  }
}
