/** Real architectures, with random weights: speed does not depend on weight values. */
export const architectures = {
  "minilm-l6": {
    layers: 6,
    hidden: 384,
    heads: 12,
    intermediate: 1536,
    label: "MiniLM-L6-H384 (ms-marco-MiniLM-L6-v2 shape)",
  },
  "bert-base": {
    layers: 12,
    hidden: 768,
    heads: 12,
    intermediate: 3072,
    label: "BERT-base (12 × 768)",
  },
} as const;

export type ArchitectureName = keyof typeof architectures;
