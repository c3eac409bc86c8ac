/**
 * Float32 values of IEEE 754 half-precision bits, for models whose outputs are float16
 * (onnxruntime-node hands them over as a Uint16Array of raw bits).
 */
export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  const values = new Float32Array(bits.length);
  for (const [index, half] of bits.entries()) {
    const sign = half & 0x8000 ? -1 : 1;
    const exponent = (half >> 10) & 0x1f;
    const fraction = half & 0x3ff;
    values[index] =
      exponent === 0
        ? sign * 2 ** -14 * (fraction / 1024)
        : exponent === 0x1f
          ? fraction === 0
            ? sign * Number.POSITIVE_INFINITY
            : Number.NaN
          : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return values;
}
