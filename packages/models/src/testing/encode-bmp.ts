/** The BMP layouts tests write: each a way real files store pixels. */
export type BmpVariant =
  | "palette-1"
  | "palette-4"
  | "palette-8"
  | "rgb-555"
  | "bitfields-565"
  | "rgb-24"
  | "rgb-24-top-down"
  | "bgrx-32"
  | "v4-bitfields-32"
  | "v5-bgra-32"
  | "core-header-8";

export const bmpVariants: readonly BmpVariant[] = [
  "palette-1",
  "palette-4",
  "palette-8",
  "rgb-555",
  "bitfields-565",
  "rgb-24",
  "rgb-24-top-down",
  "bgrx-32",
  "v4-bitfields-32",
  "v5-bgra-32",
  "core-header-8",
];

/**
 * A BMP of `variant` and the RGB pixels it holds (what a PNG of the same picture decodes to),
 * from `seed`: palettes pick from random colours, 15/16-bit channels are the 8-bit values
 * Pillow unpacks them to (value × 255 / max). Written by hand, independent of the decoder.
 */
export function encodeTestBmp(
  variant: BmpVariant,
  width: number,
  height: number,
  seed = 1,
): { bmp: Uint8Array; rgb: Uint8Array } {
  let state = seed >>> 0 || 1;
  const random = (below: number): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % below;
  };
  const bits = variant.startsWith("palette-")
    ? Number(variant.slice(8))
    : variant === "core-header-8"
      ? 8
      : variant === "rgb-555" || variant === "bitfields-565"
        ? 16
        : variant.startsWith("rgb-24")
          ? 24
          : 32;
  const core = variant === "core-header-8";
  const headerSize = core
    ? 12
    : variant.startsWith("v4")
      ? 108
      : variant.startsWith("v5")
        ? 124
        : 40;
  const masks =
    variant === "bitfields-565"
      ? [0xf800, 0x07e0, 0x001f]
      : variant === "v4-bitfields-32"
        ? [0xff000000, 0x00ff0000, 0x0000ff00, 0]
        : variant === "v5-bgra-32"
          ? [0xff0000, 0x00ff00, 0x0000ff, 0xff000000]
          : undefined;
  const paletteSize = bits <= 8 ? Math.min(1 << bits, 200) : 0;
  const palette = Array.from({ length: paletteSize }, () => [
    random(256),
    random(256),
    random(256),
  ]);
  const entrySize = core ? 3 : 4;
  const extraMasks = headerSize === 40 && masks ? masks.length * 4 : 0;
  const pixelOffset = 14 + headerSize + extraMasks + paletteSize * entrySize;
  const stride = Math.ceil((bits * width) / 32) * 4;
  const bmp = new Uint8Array(pixelOffset + stride * height);
  const view = new DataView(bmp.buffer);
  bmp[0] = 0x42;
  bmp[1] = 0x4d;
  view.setUint32(2, bmp.length, true);
  view.setUint32(10, pixelOffset, true);
  view.setUint32(14, headerSize, true);
  const topDown = variant === "rgb-24-top-down";
  if (core) {
    view.setUint16(18, width, true);
    view.setInt16(20, height, true);
    view.setUint16(22, 1, true);
    view.setUint16(24, bits, true);
  } else {
    view.setInt32(18, width, true);
    view.setInt32(22, topDown ? -height : height, true);
    view.setUint16(26, 1, true);
    view.setUint16(28, bits, true);
    view.setUint32(30, masks ? 3 : 0, true);
    view.setUint32(34, stride * height, true);
    view.setUint32(46, paletteSize, true);
    for (const [index, mask] of (masks ?? []).entries()) view.setUint32(54 + index * 4, mask, true);
  }
  for (const [index, [red, green, blue]] of palette.entries()) {
    const at = 14 + headerSize + extraMasks + index * entrySize;
    bmp.set([blue!, green!, red!], at);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row += 1) {
    const line = pixelOffset + (topDown ? row : height - 1 - row) * stride;
    for (let column = 0; column < width; column += 1) {
      const target = (row * width + column) * 3;
      if (bits <= 8) {
        const index = random(paletteSize);
        const bit = column * bits;
        bmp[line + (bit >> 3)]! |= index << (8 - bits - (bit & 7));
        rgb.set(palette[index]!, target);
      } else if (bits === 24) {
        const colour = [random(256), random(256), random(256)];
        bmp.set([colour[2]!, colour[1]!, colour[0]!], line + column * 3);
        rgb.set(colour, target);
      } else {
        const channelMasks =
          masks ?? (bits === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0xff00, 0xff]);
        // bgrx-32's fourth byte is padding (ignored); v5-bgra-32's is alpha (dropped).
        let pixel = variant === "bgrx-32" || masks?.[3] ? random(256) * 0x1000000 : 0;
        for (const [channel, mask] of channelMasks.slice(0, 3).entries()) {
          const shift = 31 - Math.clz32(mask & -mask);
          const max = mask >>> shift;
          const value = random(max + 1);
          pixel += value * 2 ** shift;
          rgb[target + channel] = Math.floor((value * 255) / max);
        }
        if (bits === 16) view.setUint16(line + column * 2, pixel, true);
        else view.setUint32(line + column * 4, pixel >>> 0, true);
      }
    }
  }
  return { bmp, rgb };
}
