import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdTable } from "./id-table.ts";

describe("IdTable", () => {
  it("behaves like a Map under random sets and deletes (growth and backward shifts included)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 1000 })), { maxLength: 1500 }),
        (operations) => {
          const ids: Array<string | undefined> = [];
          const table = new IdTable((number) => ids[number]);
          const reference = new Map<string, number>();
          for (const [isSet, key] of operations) {
            const id = `doc-${key}`;
            if (isSet) {
              ids.push(id);
              table.set(id, ids.length - 1);
              reference.set(id, ids.length - 1);
            } else {
              expect(table.delete(id)).toBe(reference.delete(id));
            }
          }
          expect(table.size).toBe(reference.size);
          for (let key = 0; key <= 1000; key++) {
            expect(table.get(`doc-${key}`)).toBe(reference.get(`doc-${key}`));
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 60_000);
});
