import type { SkipCode } from "./loaded-document.ts";

/** Thrown inside an extraction when a file must be skipped for a known reason (a budget, a password). */
export class Refusal extends Error {
  readonly code: SkipCode;

  constructor(code: SkipCode, reason: string) {
    super(reason);
    this.code = code;
  }
}
