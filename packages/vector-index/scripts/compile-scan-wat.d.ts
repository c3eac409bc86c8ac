/** WebAssembly text → binary with SIMD enabled (wabt, the reference toolkit). */
export declare function compileScanWat(text: string): Promise<Uint8Array>;
//# sourceMappingURL=compile-scan-wat.d.ts.map
