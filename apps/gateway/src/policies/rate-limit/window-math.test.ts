import { describe, expect, it } from "vitest";
import { calendarMonthAt, remainingOf, resetSeconds, retryAfterSeconds, usedInWindow, windowAt, type LimitSpec, type WindowPosition } from "./window-math.ts";

const minute = (limit: number, sliding = true): LimitSpec => ({ windowMs: 60_000, limit, sliding });
const month = (limit: number): LimitSpec => ({ windowMs: 2_592_000_000, limit, sliding: false, calendarMonth: true });
const at = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;
const position = (): WindowPosition => ({ index: 0, startMs: 0, lengthMs: 0 });

describe("window math", () => {
  it("weighs the previous window by its remaining overlap (sliding) or ignores it (fixed)", () => {
    expect(usedInWindow(minute(10), 2, 10, 30_000)).toBe(7);
    expect(usedInWindow(minute(10, false), 2, 10, 30_000)).toBe(2);
    expect(remainingOf(minute(10), { current: 2, previous: 10, elapsedMs: 30_000, windowMs: 60_000 })).toBe(3);
  });

  it("Reset is the end of the window; Retry-After is when one more request fits", () => {
    expect(resetSeconds(minute(10), { current: 10, previous: 0, elapsedMs: 45_500, windowMs: 60_000 })).toBe(15);
    // Current window full: wait for its end.
    expect(retryAfterSeconds(minute(10), { current: 10, previous: 0, elapsedMs: 45_000, windowMs: 60_000 })).toBe(15);
    // 10 last minute, 5 now, 30 s in: 5 + 10·(30/60) = 10 used; one more fits once 10·(t/60) ≤ 4, i.e. 36 s from the edge → 6 s from now.
    expect(retryAfterSeconds(minute(10), { current: 5, previous: 10, elapsedMs: 30_000, windowMs: 60_000 })).toBe(6);
  });

  it("a month window is the calendar month (UTC): Jan 31 → Feb 1, Dec → Jan, leap and common February", () => {
    const jan31 = windowAt(month(5), at("2026-01-31T23:59:59.999Z"), position());
    const feb1 = windowAt(month(5), at("2026-02-01T00:00:00.000Z"), position());
    expect(jan31).toEqual({ index: 2026 * 12 + 0, startMs: at("2026-01-01T00:00:00Z"), lengthMs: 31 * DAY });
    expect(feb1).toEqual({ index: 2026 * 12 + 1, startMs: at("2026-02-01T00:00:00Z"), lengthMs: 28 * DAY });
    const dec = calendarMonthAt(at("2026-12-31T23:59:59.999Z"), position());
    const jan = calendarMonthAt(at("2027-01-01T00:00:00Z"), position());
    expect(jan.index).toBe(dec.index + 1);
    expect(dec).toMatchObject({ startMs: at("2026-12-01T00:00:00Z"), lengthMs: 31 * DAY });
    expect(jan).toMatchObject({ startMs: at("2027-01-01T00:00:00Z"), lengthMs: 31 * DAY });
    expect(calendarMonthAt(at("2028-02-29T12:00:00Z"), position())).toMatchObject({ startMs: at("2028-02-01T00:00:00Z"), lengthMs: 29 * DAY });
    expect(calendarMonthAt(at("2028-03-01T00:00:00Z"), position()).startMs).toBe(at("2028-03-01T00:00:00Z"));
    // Going back in time (another caller's clock) is answered right too, not from the last month seen.
    expect(calendarMonthAt(at("2026-01-15T00:00:00Z"), position()).index).toBe(2026 * 12);
  });

  it("a month's Reset is the next 1st at 00:00 UTC, whatever the month's length", () => {
    const now = at("2028-02-29T23:00:00Z");
    const w = windowAt(month(5), now, position());
    expect(resetSeconds(month(5), { current: 5, previous: 0, elapsedMs: now - w.startMs, windowMs: w.lengthMs })).toBe(3600);
    expect(retryAfterSeconds(month(5), { current: 5, previous: 0, elapsedMs: now - w.startMs, windowMs: w.lengthMs })).toBe(3600);
  });
});
