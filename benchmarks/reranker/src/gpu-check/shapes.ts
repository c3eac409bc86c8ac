import { architectures } from "../architectures.ts";

/** A model shape of the GPU check (random weights: speed does not depend on their values). */
export interface CheckShape {
  readonly name: string;
  readonly label: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly intermediate: number;
}

export const checkShapes: Record<string, CheckShape> = {
  "minilm-l6": { name: "minilm-l6", ...architectures["minilm-l6"] },
  "bert-base": { name: "bert-base", ...architectures["bert-base"] },
  "bert-large": {
    name: "bert-large",
    layers: 24,
    hidden: 1024,
    heads: 16,
    intermediate: 4096,
    label: "BERT-large (24 × 1024)",
  },
  // --dry-run: the same code path in seconds on a CPU.
  tiny: { name: "tiny", layers: 1, hidden: 32, heads: 2, intermediate: 64, label: "tiny (1 × 32)" },
};
