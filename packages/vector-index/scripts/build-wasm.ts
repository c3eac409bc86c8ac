// Compiles src/scan.wat into src/scan-wasm.ts (the module's bytes, base64), so the package
// ships no .wasm file and needs no build step. Run after editing scan.wat; a test checks the
// committed bytes still match the source.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compileScanWat } from "../src/compile-scan-wat.ts";

const source = join(import.meta.dirname, "..", "src");
const bytes = await compileScanWat(await readFile(join(source, "scan.wat"), "utf8"));
await writeFile(
  join(source, "scan-wasm.ts"),
  `// Generated from scan.wat by scripts/build-wasm.ts: do not edit.\nexport const scanWasmBase64 =\n  "${Buffer.from(bytes).toString("base64")}";\n`,
);
console.log(`scan-wasm.ts: ${bytes.length} bytes of WebAssembly`);
