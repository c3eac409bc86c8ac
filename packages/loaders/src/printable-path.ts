/**
 * A path as it may be printed: control characters (C0, DEL, C1) and lone surrogates written as
 * escapes (`\n`, `\t`, `\u001b`), so a file name cannot break a report line or drive a terminal.
 */
export function printablePath(path: string): string {
  return path.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
    /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (char) => {
      const escaped = JSON.stringify(char).slice(1, -1);
      return escaped.length > 1
        ? escaped
        : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
    },
  );
}

/** A file name's bytes as printable text: valid UTF-8 as itself, other bytes as `\xNN`. */
export function printableBytes(name: Buffer): string {
  let out = "";
  for (let i = 0; i < name.length; ) {
    const length = utf8SequenceLength(name, i);
    if (length === 0) {
      out += `\\x${name[i]!.toString(16).padStart(2, "0")}`;
      i++;
    } else {
      out += name.subarray(i, i + length).toString("utf8");
      i += length;
    }
  }
  return printablePath(out);
}

/** The length of the valid UTF-8 sequence at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i]!;
  const length =
    lead < 0x80
      ? 1
      : lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
  if (length <= 1) return length;
  const slice = bytes.subarray(i, i + length);
  if (slice.length < length) return 0;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(slice);
    return length;
  } catch {
    return 0;
  }
}
