/** Text decoded from a file's bytes, with the encoding used and a warning when it was a guess. */
export interface DecodedText {
  readonly kind: "text";
  readonly text: string;
  readonly encoding: string;
  readonly warning?: string;
}

/** Bytes that are not text (or not text in the encoding they claim), and why. */
export interface RefusedBytes {
  readonly kind: "refused";
  readonly code: "binary" | "encoding";
  readonly reason: string;
}

/** Git's rule for "binary": a NUL byte among the first 8,000. */
const nulWindow = 8_000;
/** Above this share of invalid UTF-8 sequences per byte, the bytes are not a legacy 8-bit text either. */
const maxInvalidShare = 0.3;
/** Above this share of C0 control characters (other than tab, line breaks, form feed, escape), it is not text. */
const maxControlShare = 0.01;
const fallbackEncoding = "windows-1252";

const byteOrderMarks: readonly { readonly bytes: readonly number[]; readonly encoding: string }[] =
  [
    { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8" },
    { bytes: [0xff, 0xfe], encoding: "utf-16le" },
    { bytes: [0xfe, 0xff], encoding: "utf-16be" },
  ];

/**
 * Decodes a text file the way a careful reader would: a byte-order mark decides (UTF-8, UTF-16
 * LE/BE); otherwise a NUL among the first 8,000 bytes means binary; a charset the file declares
 * (HTML `<meta charset>`) is honoured; valid UTF-8 is UTF-8; a few invalid sequences mean a legacy
 * 8-bit text, decoded as Windows-1252 (a superset of Latin-1) with a warning; many mean binary.
 */
export function decodeText(
  bytes: Uint8Array,
  declaredCharset?: string,
): DecodedText | RefusedBytes {
  const marked = byteOrderMarks.find(({ bytes: mark }) => mark.every((b, i) => bytes[i] === b));
  if (marked) {
    try {
      // The decoder drops the mark itself.
      const text = new TextDecoder(marked.encoding, { fatal: true }).decode(bytes);
      return checkControls(text, marked.encoding);
    } catch {
      return {
        kind: "refused",
        code: "encoding",
        reason: `starts with a ${marked.encoding.toUpperCase()} byte-order mark but is not valid ${marked.encoding.toUpperCase()}; re-save it in that encoding (or as UTF-8)`,
      };
    }
  }
  const nul = bytes.subarray(0, nulWindow).indexOf(0);
  if (nul !== -1) {
    return {
      kind: "refused",
      code: "binary",
      reason: `binary content (a NUL byte at offset ${nul}); if it is UTF-16 text, save it with a byte-order mark`,
    };
  }
  let declaredWarning: string | undefined;
  if (declaredCharset !== undefined) {
    const declared = decodeDeclared(bytes, declaredCharset);
    if (declared.kind === "text") return declared;
    declaredWarning = declared.warning;
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return checkControls(text, "utf-8", declaredWarning);
  } catch {
    return decodeLegacy(bytes, declaredWarning);
  }
}

function decodeDeclared(
  bytes: Uint8Array,
  label: string,
): DecodedText | { kind: "unusable"; warning: string } {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return {
      kind: "unusable",
      warning: `the declared charset "${label}" is not one this runtime knows`,
    };
  }
  // As browsers do: a page that says UTF-16 without a byte-order mark is read as UTF-8.
  if (decoder.encoding === "utf-8" || decoder.encoding.startsWith("utf-16")) {
    return { kind: "unusable", warning: `the declared charset is ${decoder.encoding}` };
  }
  return checkControls(decoder.decode(bytes), decoder.encoding) as DecodedText;
}

function decodeLegacy(
  bytes: Uint8Array,
  declaredWarning: string | undefined,
): DecodedText | RefusedBytes {
  const lenient = new TextDecoder("utf-8").decode(bytes);
  let invalid = 0;
  let firstInvalid = -1;
  for (let i = 0; i < lenient.length; i++) {
    if (lenient.charCodeAt(i) === 0xfffd) {
      invalid++;
      if (firstInvalid === -1) firstInvalid = i;
    }
  }
  if (invalid > bytes.length * maxInvalidShare) {
    return {
      kind: "refused",
      code: "binary",
      reason: `binary content (${invalid} of ${bytes.length} bytes are not valid UTF-8, more than ${maxInvalidShare * 100} %)`,
    };
  }
  const text = new TextDecoder(fallbackEncoding).decode(bytes);
  const because = declaredWarning ? ` (${declaredWarning})` : "";
  return checkControls(
    text,
    fallbackEncoding,
    `not valid UTF-8 (${invalid} invalid sequence${invalid === 1 ? "" : "s"}, the first at character ${firstInvalid})${because}: decoded as Windows-1252 (Latin-1); re-save it as UTF-8 if that is wrong`,
  );
}

function checkControls(
  text: string,
  encoding: string,
  warning?: string,
): DecodedText | RefusedBytes {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Bell and backspace (terminal logs, man pages' overstrike), tab, line feed, vertical tab,
    // form feed, carriage return and escape occur in real text.
    if ((code < 0x20 && (code < 0x07 || code > 0x0d) && code !== 0x1b) || code === 0x7f) {
      controls++;
    }
  }
  if (controls > text.length * maxControlShare) {
    return {
      kind: "refused",
      code: "binary",
      reason: `binary content (${controls} control characters in ${text.length}, more than ${maxControlShare * 100} %)`,
    };
  }
  return { kind: "text", text, encoding, ...(warning ? { warning } : {}) };
}

/** The charset an HTML file declares in its first 1,024 bytes (`<meta charset>` or http-equiv), as browsers pre-scan. */
export function declaredHtmlCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString(
    "latin1",
  );
  return /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head)?.[1];
}
