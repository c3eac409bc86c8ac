import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileScanWat } from "./compile-scan-wat.ts";
import { scanWasmBase64 } from "./scan-wasm.ts";

describe("scan-wasm.ts", () => {
  it("holds exactly what scan.wat compiles to (run build:wasm after editing scan.wat)", async () => {
    const source = await readFile(join(import.meta.dirname, "scan.wat"), "utf8");
    const compiled = await compileScanWat(source);
    expect(Buffer.from(compiled).toString("base64")).toBe(scanWasmBase64);
  });
});
