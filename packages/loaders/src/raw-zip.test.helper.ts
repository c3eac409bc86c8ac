// Zip archives written byte by byte, for files no zip library would produce: an entry whose
// header lies about its size, an entry that inflates a thousandfold.
import { constants, deflateRawSync } from "node:zlib";

export interface RawZipEntry {
  readonly name: string;
  /** The entry's data as stored (already deflated when `deflated`). */
  readonly data: Buffer;
  readonly deflated: boolean;
  /** The uncompressed size the headers declare (true or not). */
  readonly declaredSize: number;
  /** Marks the entry encrypted (general purpose flag bit 0). */
  readonly encrypted?: boolean;
}

/** Joins entries into a zip archive (local headers, central directory, end record); CRCs are left 0 (yauzl does not check them). */
export function rawZip(entries: readonly RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const method = entry.deflated ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    const flags = 0x0800 | (entry.encrypted ? 1 : 0); // UTF-8 names, encryption
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    centrals.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A raw deflate stream of `mebibytes` MiB of zeros without ever holding them: one MiB deflated
 * with a sync flush (byte-aligned, not final) repeated, then an empty final block. About 1 KB
 * of stream per MiB.
 */
export function deflatedZeros(mebibytes: number): Buffer {
  const chunk = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([
    ...Array.from({ length: mebibytes }, () => chunk),
    Buffer.from([0x03, 0x00]),
  ]);
}
