import { describe, expect, it } from "vitest";
import { remainingOf, resetSeconds, retryAfterSeconds, usedInWindow, type LimitSpec } from "./window-math.ts";

const minute = (limit: number, sliding = true): LimitSpec => ({ windowMs: 60_000, limit, sliding });

describe("window math", () => {
  it("weighs the previous window by its remaining overlap (sliding) or ignores it (fixed)", () => {
    expect(usedInWindow(minute(10), 2, 10, 30_000)).toBe(7);
    expect(usedInWindow(minute(10, false), 2, 10, 30_000)).toBe(2);
    expect(remainingOf(minute(10), { current: 2, previous: 10, elapsedMs: 30_000 })).toBe(3);
  });

  it("Reset is the end of the window; Retry-After is when one more request fits", () => {
    expect(resetSeconds(minute(10), { current: 10, previous: 0, elapsedMs: 45_500 })).toBe(15);
    // Current window full: wait for its end.
    expect(retryAfterSeconds(minute(10), { current: 10, previous: 0, elapsedMs: 45_000 })).toBe(15);
    // 10 last minute, 5 now, 30 s in: 5 + 10·(30/60) = 10 used; one more fits once 10·(t/60) ≤ 4, i.e. 36 s from the edge → 6 s from now.
    expect(retryAfterSeconds(minute(10), { current: 5, previous: 10, elapsedMs: 30_000 })).toBe(6);
  });
});
