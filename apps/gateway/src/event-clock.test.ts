import { describe, expect, it } from "vitest";
import { beginEvent, endEvent, monoClock, wallClock } from "./event-clock.ts";

const spin = (ms: number) => { const until = performance.now() + ms; while (performance.now() < until) { /* wait */ } };

describe("event clock", () => {
  it("reads the time afresh outside an event", () => {
    const a = monoClock();
    spin(3);
    expect(monoClock() - a).toBeGreaterThanOrEqual(3);
    const w = wallClock();
    spin(3);
    expect(wallClock()).toBeGreaterThan(w);
  });

  it("keeps one reading of each clock for the length of an event, nested ones included, and a new one for the next", () => {
    expect(beginEvent()).toBe(true);
    const mono = monoClock(), wall = wallClock();
    spin(3);
    expect(beginEvent()).toBe(false); // nested: shares the outer event's time
    expect(monoClock()).toBe(mono);
    expect(wallClock()).toBe(wall);
    endEvent(); // the outer event ends (the nested begin started nothing)
    expect(monoClock() - mono).toBeGreaterThanOrEqual(3);

    expect(beginEvent()).toBe(true);
    const next = monoClock();
    expect(next - mono).toBeGreaterThanOrEqual(3);
    spin(2);
    expect(monoClock()).toBe(next);
    endEvent();
  });
});
