import wabt from "wabt";

/** WebAssembly text → binary with SIMD enabled (wabt, the reference toolkit). Build-time only (scripts/build-wasm.ts and a test): not exported. */
export async function compileScanWat(text: string): Promise<Uint8Array> {
  const toolkit = await wabt();
  const module = toolkit.parseWat("scan.wat", text, { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
