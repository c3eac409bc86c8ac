import { PassThrough } from "node:stream";
import type { CliIo } from "./cli-io.ts";

/** CLI output captured in memory, for tests: what went to stdout and to stderr. */
export function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const stderr = new PassThrough();
  stderr.on("data", (data: Buffer) => {
    err += data.toString();
  });
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr,
    out: () => out,
    err: () => err,
  };
}
