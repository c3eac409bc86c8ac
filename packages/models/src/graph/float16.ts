/** IEEE 754 half-precision bits of float32 values, rounded to nearest (ties to even). */
export function float32ToFloat16Bits(values: Float32Array): Uint16Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const halves = new Uint16Array(values.length);
  for (const [index, word] of words.entries()) {
    const sign = (word >>> 16) & 0x8000;
    const exponent = (word >>> 23) & 0xff;
    const mantissa = word & 0x7fffff;
    if (exponent === 0xff) {
      halves[index] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      halves[index] = sign | 0x7c00; // overflow: infinity
    } else if (halfExponent <= 0) {
      if (halfExponent < -10) {
        halves[index] = sign; // underflow: zero
        continue;
      }
      const full = mantissa | 0x800000;
      const shift = 14 - halfExponent;
      let half = full >>> shift;
      const remainder = full & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (remainder > halfway || (remainder === halfway && half & 1)) half++;
      halves[index] = sign | half;
    } else {
      let half = (halfExponent << 10) | (mantissa >>> 13);
      const remainder = mantissa & 0x1fff;
      if (remainder > 0x1000 || (remainder === 0x1000 && half & 1)) half++;
      halves[index] = sign | half;
    }
  }
  return halves;
}

/** float32 values of IEEE half-precision bits (exact). */
export function float16BitsToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (const [index, half] of halves.entries()) {
    const sign = half & 0x8000 ? -1 : 1;
    const exponent = (half >>> 10) & 0x1f;
    const mantissa = half & 0x3ff;
    if (exponent === 0) out[index] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f)
      out[index] = mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[index] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/** float32 values of bfloat16 bits: the upper half of a float32 word (exact). */
export function bfloat16BitsToFloat32(halves: Uint16Array): Float32Array {
  const words = new Uint32Array(halves.length);
  for (const [index, half] of halves.entries()) words[index] = half << 16;
  return new Float32Array(words.buffer);
}
