import { describe, expect, it } from "vitest";
import { decimalString } from "./decimal-string.ts";

describe("decimalString", () => {
  it("writes what String() writes", () => {
    const samples = [0, 7, 10, 999, 1000, 1001, 9999, 10_000, 100_000, 999_999, 1_000_000, 1_000_001, 999_999_999, 1_000_000_000, 2 ** 31, Number.MAX_SAFE_INTEGER, -1, 1.5, NaN, Infinity, 2 ** 60];
    for (const n of samples) expect(decimalString(n)).toBe(String(n));
    for (let n = 0; n < 3_000_000; n += 997) expect(decimalString(n)).toBe(String(n));
  });
});
