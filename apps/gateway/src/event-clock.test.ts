import { describe, expect, it } from "vitest";
import { beginEvent, endEvent, monoClock, readAsEvent, wallClock } from "./event-clock.ts";

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

describe("readAsEvent", () => {
  it("runs the read with its target as one event, and ends the event when the read throws", () => {
    const target = {
      seen: [] as number[],
      read(this: { seen: number[] }, chunk: Buffer) { this.seen.push(monoClock(), chunk.length); spin(2); this.seen.push(monoClock()); },
    };
    readAsEvent(target, target.read, Buffer.alloc(3));
    expect(target.seen[0]).toBe(target.seen[2]);
    expect(target.seen[1]).toBe(3);
    expect(() => readAsEvent(target, () => { throw new Error("boom"); }, Buffer.alloc(1))).toThrow("boom");
    const a = monoClock();
    spin(2);
    expect(monoClock() - a).toBeGreaterThanOrEqual(2); // no event left open
  });
});
