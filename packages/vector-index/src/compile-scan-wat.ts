import wabt from "wabt";

/** WebAssembly text → binary with SIMD and relaxed SIMD enabled (wabt, the reference toolkit). Build-time only (scripts/build-wasm.ts and a test): not exported. */
export async function compileScanWat(text: string): Promise<Uint8Array> {
  const toolkit = await wabt();
  const features = { simd: true, relaxed_simd: true };
  const module = toolkit.parseWat("scan.wat", text, features);
  try {
    // wabt's typings omit validate's features argument, which it reads (relaxed SIMD is off by default).
    (module as unknown as { validate(features: object): void }).validate(features);
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
