import { expect } from "vitest";
import type { ErrorCode } from "../errors.ts";
import { HybridRagError } from "../errors.ts";

/** Asserts that a promise rejects with a HybridRagError of the given code. */
export async function expectErrorCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a HybridRagError with code ${code}`).toBeDefined();
  expect(
    HybridRagError.isInstance(caught),
    `expected a HybridRagError, got ${String(caught)}`,
  ).toBe(true);
  expect((caught as HybridRagError).code).toBe(code);
}
