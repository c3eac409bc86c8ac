/** An 8-bit RGB raster, row-major, 3 bytes a pixel (what decodeImage gives). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

// Pillow's fixed-point resampling (libImaging/Resample.c): 32 − 8 − 2 fractional bits.
const precisionBits = 22;
const one = 2 ** precisionBits;

/** Keys's cubic with a = −0.5 (Pillow's BICUBIC filter), support 2. */
function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

interface Coefficients {
  readonly starts: Int32Array;
  readonly counts: Int32Array;
  /** Fixed-point weights, `taps` per output position. */
  readonly weights: Float64Array;
  readonly taps: number;
}

/**
 * Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis: the filter widened by the
 * downscale factor (antialiasing), weights normalised to 1 and rounded to fixed point.
 */
function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const starts = new Int32Array(outSize);
  const counts = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  const row = new Float64Array(taps);
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    const start = Math.max(Math.trunc(center - support + 0.5), 0);
    const end = Math.min(Math.trunc(center + support + 0.5), inSize);
    const count = end - start;
    let total = 0;
    for (let tap = 0; tap < count; tap++) {
      row[tap] = bicubic((tap + start - center + 0.5) / filterScale);
      total += row[tap]!;
    }
    for (let tap = 0; tap < count; tap++) {
      const weight = total === 0 ? row[tap]! : row[tap]! / total;
      weights[out * taps + tap] =
        weight < 0 ? Math.trunc(-0.5 + weight * one) : Math.trunc(0.5 + weight * one);
    }
    starts[out] = start;
    counts[out] = count;
  }
  return { starts, counts, weights, taps };
}

function clip8(sum: number): number {
  const value = Math.floor(sum / one);
  return value < 0 ? 0 : Math.min(value, 255);
}

/**
 * Resizes like Pillow's `Image.resize(size, Image.BICUBIC)` on an RGB image, bit for bit:
 * a horizontal pass then a vertical one, each rounding to 8 bits, with Pillow's
 * fixed-point weights. NVIDIA's processor tiles page images with PIL, so the tiles the model
 * was trained on are these pixels, not a different library's bicubic.
 */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  let current = image;
  if (width !== current.width) current = resizeHorizontal(current, width);
  if (height !== current.height) current = resizeVertical(current, height);
  return current === image ? { ...image, data: image.data.slice() } : current;
}

function resizeHorizontal(image: RgbImage, width: number): RgbImage {
  const { starts, counts, weights, taps } = coefficients(image.width, width);
  const out = new Uint8Array(width * image.height * 3);
  for (let y = 0; y < image.height; y++) {
    const inRow = y * image.width * 3;
    const outRow = y * width * 3;
    for (let x = 0; x < width; x++) {
      const start = starts[x]!;
      const base = x * taps;
      for (let channel = 0; channel < 3; channel++) {
        let sum = one / 2;
        for (let tap = 0; tap < counts[x]!; tap++) {
          sum += image.data[inRow + (start + tap) * 3 + channel]! * weights[base + tap]!;
        }
        out[outRow + x * 3 + channel] = clip8(sum);
      }
    }
  }
  return { width, height: image.height, data: out };
}

function resizeVertical(image: RgbImage, height: number): RgbImage {
  const { starts, counts, weights, taps } = coefficients(image.height, height);
  const rowBytes = image.width * 3;
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const start = starts[y]!;
    const base = y * taps;
    for (let offset = 0; offset < rowBytes; offset++) {
      let sum = one / 2;
      for (let tap = 0; tap < counts[y]!; tap++) {
        sum += image.data[(start + tap) * rowBytes + offset]! * weights[base + tap]!;
      }
      out[y * rowBytes + offset] = clip8(sum);
    }
  }
  return { width: image.width, height, data: out };
}

/** The pixels of a box (left, top, width, height) inside the image, as PIL's crop. */
export function cropRgb(
  image: RgbImage,
  left: number,
  top: number,
  width: number,
  height: number,
): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data: out };
}
