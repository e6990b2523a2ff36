import { describe, expect, it } from "vitest";
import { hashString } from "./hash-string.ts";

describe("hashString", () => {
  it("is a stable unsigned 32-bit hash: stored sticky assignments survive a gateway upgrade", () => {
    // Pinned: changing these values moves every sticky user and consistent-hash key.
    expect([hashString(""), hashString("alice"), hashString("127.0.0.1")]).toEqual([2872998923, 3927234078, 2377737407]);
    for (const s of ["", "alice", "x".repeat(1000)]) {
      const h = hashString(s);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });

  it("spreads similar keys evenly over two halves", () => {
    let low = 0;
    for (let i = 0; i < 10_000; i++) if (hashString(`user-${i}`) < 2 ** 31) low++;
    expect(low).toBeGreaterThan(4_700);
    expect(low).toBeLessThan(5_300);
  });
});
