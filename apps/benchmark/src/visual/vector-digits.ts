import { type PDFPage, rgb } from "pdf-lib";

// Seven-segment digits: a (top), b (top right), c (bottom right), d (bottom), e (bottom left),
// f (top left), g (middle).
const segmentsOf: Readonly<Record<string, string>> = {
  "0": "abcdef",
  "1": "bc",
  "2": "abdeg",
  "3": "abcdg",
  "4": "bcfg",
  "5": "acdfg",
  "6": "acdefg",
  "7": "abc",
  "8": "abcdefg",
  "9": "abcdfg",
};

/** Width in points of a number drawn by `drawVectorNumber` at `size`. */
export function vectorNumberWidth(value: number, size: number): number {
  const digits = String(value).length;
  return digits * size * 0.6 + (digits - 1) * size * 0.35;
}

/**
 * Draws a whole number as filled rectangles (vector paths, no text operators), `size` points
 * tall with its lower left corner at (x, y): the number is in a rendering of the page and in
 * no text layer, so only a model that looks at the page image can read it.
 */
export function drawVectorNumber(
  page: PDFPage,
  value: number,
  x: number,
  y: number,
  size: number,
): void {
  const width = size * 0.6;
  const half = size / 2;
  const stroke = Math.max(1, size * 0.12);
  const color = rgb(0.1, 0.1, 0.1);
  [...String(value)].forEach((digit, index) => {
    const left = x + index * (width + size * 0.35);
    const boxes: Readonly<Record<string, readonly [number, number, number, number]>> = {
      a: [left, y + size - stroke, width, stroke],
      b: [left + width - stroke, y + half, stroke, half],
      c: [left + width - stroke, y, stroke, half],
      d: [left, y, width, stroke],
      e: [left, y, stroke, half],
      f: [left, y + half, stroke, half],
      g: [left, y + half - stroke / 2, width, stroke],
    };
    for (const segment of segmentsOf[digit] ?? "") {
      const [boxX, boxY, boxWidth, boxHeight] = boxes[segment]!;
      page.drawRectangle({ x: boxX, y: boxY, width: boxWidth, height: boxHeight, color });
    }
  });
}
