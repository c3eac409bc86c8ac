import { mulberry32 } from "@hybrid-rag/core/internal";

/**
 * A seeded normal-distribution generator (mulberry32 + Box–Muller), so generated test models
 * are identical from run to run and machine to machine.
 */
export class SeededRandom {
  /** Uniform in [0, 1). */
  readonly uniform: () => number;
  #spare: number | undefined;

  constructor(seed: number) {
    this.uniform = mulberry32(seed);
  }

  normal(): number {
    if (this.#spare !== undefined) {
      const spare = this.#spare;
      this.#spare = undefined;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.#spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** `count` values drawn from N(mean, standardDeviation²). */
  normals(count: number, standardDeviation: number, mean = 0): Float32Array {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = mean + standardDeviation * this.normal();
    return values;
  }
}
