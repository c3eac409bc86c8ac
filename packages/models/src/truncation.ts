/**
 * How many tokens of each segment of a pair to keep so both fit `budget` tokens, following the
 * Hugging Face tokenizers' `longest_first` strategy: tokens come off the longer segment first,
 * so a short query stays whole while a long passage is cut at its end.
 */
export function longestFirstLengths(
  firstLength: number,
  secondLength: number,
  budget: number,
): [number, number] {
  if (firstLength + secondLength <= budget) return [firstLength, secondLength];
  const swapped = firstLength > secondLength;
  let shorter = swapped ? secondLength : firstLength;
  let longer: number;
  if (shorter > budget) {
    longer = shorter;
  } else {
    longer = Math.max(shorter, budget - shorter);
  }
  if (shorter + longer > budget) {
    shorter = Math.floor(budget / 2);
    longer = shorter + (budget % 2);
  }
  return swapped ? [longer, shorter] : [shorter, longer];
}
