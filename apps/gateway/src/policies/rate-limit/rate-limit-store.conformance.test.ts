import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalCounters, LocalRateLimitStore } from "./local-store.ts";
import type { RateLimitStore } from "./rate-limit-store.ts";
import { RedisRateLimitStore } from "./redis-store.ts";
import type { LimitSpec, LimitState } from "./window-math.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new RedisRateLimitStore({ url: REDIS_URL, timeoutMs: 1_000 });
afterAll(() => redis.close());

/** A clock the month tests move across month edges. */
let clock = 0;
const redisOnClock = new RedisRateLimitStore({ url: REDIS_URL, timeoutMs: 1_000, now: () => clock });
afterAll(() => redisOnClock.close());

const stores: [string, () => RateLimitStore, () => RateLimitStore][] = [
  ["local (SharedArrayBuffer)", () => new LocalRateLimitStore(createLocalCounters(1024)), () => new LocalRateLimitStore(createLocalCounters(1024), () => clock)],
  ["redis", () => redis, () => redisOnClock],
];
const month = (limit: number): LimitSpec => ({ windowMs: 2_592_000_000, limit, sliding: false, calendarMonth: true });

const states = (n: number): LimitState[] => Array.from({ length: n }, () => ({ current: 0, previous: 0, elapsedMs: 0, windowMs: 0 }));
const hour = (limit: number, sliding = true): LimitSpec => ({ windowMs: 3_600_000, limit, sliding });

/** Waits until at least `margin` ms remain in the current window, so a test stays within one window. */
async function awayFromEdge(windowMs: number, margin: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < margin) await new Promise((r) => setTimeout(r, left + 20));
}

describe.each(stores)("rate-limit store conformance: %s", (_name, make, makeOnClock) => {
  it("a month quota is the calendar month (UTC): it starts over on the 1st, never carries last month over", async () => {
    const store = makeOnClock();
    const key = `m:${randomUUID()}`;
    const st = states(1);
    const hit = async (iso: string) => { clock = Date.parse(iso); return store.hit([key], [month(3)], st); };
    // Jan 31 → Feb 1: the quota used up on the 31st is fresh a millisecond after midnight UTC.
    expect(await hit("2027-01-31T10:00:00Z")).toBe(true);
    expect(await hit("2027-01-31T20:00:00Z")).toBe(true);
    expect(await hit("2027-01-31T23:59:59.000Z")).toBe(true);
    expect(await hit("2027-01-31T23:59:59.999Z")).toBe(false);
    expect(st[0]).toMatchObject({ current: 3, previous: 0, windowMs: 31 * 86_400_000 });
    expect(await hit("2027-02-01T00:00:00.000Z")).toBe(true);
    expect(st[0]).toMatchObject({ current: 1, previous: 0, elapsedMs: 0, windowMs: 28 * 86_400_000 });
    // Within February it stays one window (a 30-day window would have started over on Mar 3 otherwise).
    expect(await hit("2027-02-27T00:00:00Z")).toBe(true);
    expect(await hit("2027-02-28T23:00:00Z")).toBe(true);
    expect(await hit("2027-02-28T23:59:00Z")).toBe(false);
    // Dec → Jan across the year, and a leap February's 29 days.
    expect(await hit("2027-12-31T23:59:59Z")).toBe(true);
    expect(await hit("2028-01-01T00:00:00Z")).toBe(true);
    expect(st[0]!.current).toBe(1);
    expect(await hit("2028-02-29T23:59:59Z")).toBe(true);
    expect(st[0]).toMatchObject({ current: 1, windowMs: 29 * 86_400_000, elapsedMs: 29 * 86_400_000 - 1000 });
  });

  it("allows exactly the limit in a window, then rejects without consuming quota", async () => {
    const store = make();
    const key = `t:${randomUUID()}`;
    const st = states(1);
    let allowed = 0;
    for (let i = 0; i < 15; i++) if (await store.hit([key], [hour(10)], st)) allowed++;
    expect(allowed).toBe(10);
    // The five rejected requests were not counted: the window holds exactly the limit.
    expect(st[0]!.current).toBe(10);
  });

  it("checks several limits at once and counts none of them when one is exhausted", async () => {
    const store = make();
    const id = randomUUID();
    const keys = [`a:${id}`, `b:${id}`];
    const specs = [hour(3), hour(100)];
    const st = states(2);
    let allowed = 0;
    for (let i = 0; i < 6; i++) if (await store.hit(keys, specs, st)) allowed++;
    expect(allowed).toBe(3);
    expect(st[1]!.current).toBe(3);
  });

  it("counts concurrent callers exactly", async () => {
    const store = make();
    const key = `c:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 200 }, () => store.hit([key], [hour(57)], states(1))));
    expect(results.filter(Boolean).length).toBe(57);
  });

  it("a fixed window starts over at its edge", async () => {
    const store = make();
    const key = `f:${randomUUID()}`;
    const spec: LimitSpec = { windowMs: 1_000, limit: 2, sliding: false };
    await awayFromEdge(1_000, 400);
    const st = states(1);
    expect(await store.hit([key], [spec], st)).toBe(true);
    expect(await store.hit([key], [spec], st)).toBe(true);
    expect(await store.hit([key], [spec], st)).toBe(false);
    await new Promise((r) => setTimeout(r, 1_000 - (Date.now() % 1_000) + 30));
    expect(await store.hit([key], [spec], st)).toBe(true);
  });

  it("a sliding window still weighs the previous window right after the edge", async () => {
    const store = make();
    const key = `s:${randomUUID()}`;
    const spec: LimitSpec = { windowMs: 2_000, limit: 4, sliding: true };
    await awayFromEdge(2_000, 1_000);
    const st = states(1);
    for (let i = 0; i < 4; i++) expect(await store.hit([key], [spec], st)).toBe(true);
    // Just after the edge the previous window's 4 requests still weigh almost fully.
    await new Promise((r) => setTimeout(r, 2_000 - (Date.now() % 2_000) + 20));
    expect(await store.hit([key], [spec], st)).toBe(false);
    expect(st[0]!.previous).toBe(4);
  });

  it("a changed limit applies to the current window's counts", async () => {
    const store = make();
    const key = `l:${randomUUID()}`;
    const st = states(1);
    for (let i = 0; i < 5; i++) await store.hit([key], [hour(10)], st);
    expect(await store.hit([key], [hour(5)], st)).toBe(false);
    expect(await store.hit([key], [hour(6)], st)).toBe(true);
  });
});
