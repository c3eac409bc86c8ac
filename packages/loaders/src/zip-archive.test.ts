import { describe, expect, it } from "vitest";
import { rawZip } from "./raw-zip.test.helper.ts";
import { Refusal } from "./refusal.ts";
import { writeZip } from "./testing/write-zip.ts";
import { ZipArchive } from "./zip-archive.ts";

const budgets = { maxArchiveEntries: 10, maxUnzippedBytes: 1_000 };

async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Refusal);
  return error as Refusal;
}

describe("ZipArchive", () => {
  it("reads entries as text, keeping a byte-order mark so offsets count every character", async () => {
    const archive = await ZipArchive.open(
      await writeZip({ "a.xml": "\ufeff<a>é</a>", "b.txt": "plain" }),
      budgets,
      "a test archive",
    );
    expect(archive.names()).toEqual(["a.xml", "b.txt"]);
    expect(await archive.text("a.xml")).toBe("\ufeff<a>é</a>");
    expect(await archive.text("b.txt")).toBe("plain");
    archive.close();
  });

  it("counts what every entry read inflates to against one budget", async () => {
    const archive = await ZipArchive.open(
      await writeZip({ "first.xml": "x".repeat(600), "second.xml": "y".repeat(600) }),
      budgets,
      "a test archive",
    );
    expect(await archive.text("first.xml")).toHaveLength(600);
    const refusal = await refusalOf(archive.text("second.xml"));
    expect(refusal.code).toBe("over-budget");
    expect(refusal.message).toBe(
      "its entries inflate to more than 1000 bytes (at least 1200), over the unzipped-size budget (raise maxUnzippedBytes)",
    );
    archive.close();
  });

  it("refuses a missing entry, an encrypted one and too many entries, naming what it should be", async () => {
    const archive = await ZipArchive.open(
      rawZip([
        {
          name: "secret.xml",
          // ZipCrypto: 12 header bytes before the 4 stored ones.
          data: Buffer.alloc(16),
          deflated: false,
          declaredSize: 4,
          encrypted: true,
        },
      ]),
      budgets,
      "a Word document (.docx)",
    );
    expect((await refusalOf(archive.text("word/document.xml"))).message).toBe(
      "it has no word/document.xml entry, so it is not a Word document (.docx)",
    );
    const encrypted = await refusalOf(archive.text("secret.xml"));
    expect([encrypted.code, encrypted.message]).toEqual([
      "encrypted",
      "its entry secret.xml is encrypted (it needs a password)",
    ]);
    archive.close();
    const many = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`e${i}`, ""]));
    const tooMany = await refusalOf(ZipArchive.open(await writeZip(many), budgets, "an archive"));
    expect([tooMany.code, tooMany.message]).toEqual([
      "over-budget",
      "a zip archive of 11 entries, over the 10-entry budget (raise maxArchiveEntries)",
    ]);
  });

  it("refuses an entry that is not UTF-8 text", async () => {
    const archive = await ZipArchive.open(
      await writeZip({ "bad.xml": new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]) }),
      budgets,
      "an archive",
    );
    expect((await refusalOf(archive.text("bad.xml"))).message).toBe(
      "its entry bad.xml is not valid UTF-8 text; the file is damaged",
    );
    archive.close();
  });
});
