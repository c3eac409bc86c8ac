/**
 * Control characters that a terminal would act on rather than print: C0 (but tab and newline
 * when `keepLines`), DEL, C1 (8-bit CSI/OSC…), and the bidirectional overrides that reorder
 * what is shown ("Trojan Source").
 */
const controls = "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f";
const bidirectional = "\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069";
const unsafe = new RegExp(`[${controls}${bidirectional}]`, "g");
const unsafeOrLineBreak = new RegExp(`[${controls}\\t\\n${bidirectional}]`, "g");

/**
 * Text from documents or file names made safe to print on a terminal: each control character
 * or escape sequence introducer becomes a visible escape (`\x1b`, `\u202e`), so a document
 * cannot move the cursor, change colours, set the window title or reorder the line.
 */
export function escapeForTerminal(text: string, options: { keepLines?: boolean } = {}): string {
  return text.replace(options.keepLines ? unsafe : unsafeOrLineBreak, (character) => {
    const code = character.codePointAt(0)!;
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
