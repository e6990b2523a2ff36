import { describe, expect, it } from "vitest";
import { priceRequests, PriceModelSchema } from "./price-model.ts";
import { monthBounds, priceStatement, statementCsv, type StatementPlan } from "./price-statement.ts";

const at = (iso: string) => Date.parse(iso);
const free: StatementPlan = { id: "free", name: "Free", model: { kind: "free" }, currency: "USD" };
const metered: StatementPlan = { id: "pro", name: "Pro", model: { kind: "per-request", unitMicros: 1_000 }, currency: "USD" };
const tiered: StatementPlan = {
  id: "tiered", name: "Tiered", currency: "USD",
  model: { kind: "tiers", tiers: [{ upTo: 100, unitMicros: 0 }, { upTo: 1_000, unitMicros: 500 }, { upTo: null, unitMicros: 100 }] },
};

describe("priceRequests", () => {
  it("prices free, per-request and graduated tiers", () => {
    expect(priceRequests(free.model, 0, 1_000)).toBe(0);
    expect(priceRequests(metered.model, 0, 7)).toBe(7_000);
    // 100 free, 900 × 500, 500 × 100
    expect(priceRequests(tiered.model, 0, 1_500)).toBe(900 * 500 + 500 * 100);
    // Starting inside the second tier: 50 there, 10 in the third.
    expect(priceRequests(tiered.model, 950, 60)).toBe(50 * 500 + 10 * 100);
    expect(priceRequests(tiered.model, 0, 0)).toBe(0);
  });

  it("rejects tiers that go down or end early", () => {
    expect(PriceModelSchema.safeParse({ kind: "tiers", tiers: [{ upTo: 10, unitMicros: 1 }, { upTo: 5, unitMicros: 1 }, { upTo: null, unitMicros: 1 }] }).success).toBe(false);
    expect(PriceModelSchema.safeParse({ kind: "tiers", tiers: [{ upTo: 10, unitMicros: 1 }] }).success).toBe(false);
    expect(PriceModelSchema.safeParse(tiered.model).success).toBe(true);
  });
});

describe("priceStatement", () => {
  it("counts only the month's minutes (UTC), including the last minute and excluding the next month's first", () => {
    expect(monthBounds("2026-02")).toEqual({ start: at("2026-02-01T00:00:00Z"), end: at("2026-03-01T00:00:00Z") });
    const s = priceStatement({
      month: "2026-02",
      periods: [{ plan: metered, startsAt: at("2026-01-15T00:00:00Z"), endsAt: null }],
      usage: [
        { minute: at("2026-01-31T23:59:00Z"), requests: 5 },
        { minute: at("2026-02-01T00:00:00Z"), requests: 2 },
        { minute: at("2026-02-28T23:59:00Z"), requests: 3 },
        { minute: at("2026-03-01T00:00:00Z"), requests: 11 },
      ],
    });
    expect(s.lines).toEqual([
      { date: "2026-02-01", planName: "Pro", requests: 2, amountMicros: 2_000 },
      { date: "2026-02-28", planName: "Pro", requests: 3, amountMicros: 3_000 },
    ]);
    expect(s.totalRequests).toBe(5);
    expect(s.totalMicros).toBe(5_000);
    expect(s.to).toBe("2026-02-28");
  });

  it("prices each part of a mid-month plan change with its own plan, on the same day too", () => {
    const change = at("2026-03-10T12:00:00Z");
    const s = priceStatement({
      month: "2026-03",
      periods: [
        { plan: free, startsAt: at("2026-03-01T00:00:00Z"), endsAt: change },
        { plan: metered, startsAt: change, endsAt: null },
      ],
      usage: [
        { minute: at("2026-03-10T11:59:00Z"), requests: 40 },
        { minute: at("2026-03-10T12:00:00Z"), requests: 10 },
        { minute: at("2026-03-11T08:00:00Z"), requests: 1 },
      ],
    });
    expect(s.lines).toEqual([
      { date: "2026-03-10", planName: "Free", requests: 40, amountMicros: 0 },
      { date: "2026-03-10", planName: "Pro", requests: 10, amountMicros: 10_000 },
      { date: "2026-03-11", planName: "Pro", requests: 1, amountMicros: 1_000 },
    ]);
    expect(s.totalMicros).toBe(11_000);
  });

  it("keeps the month's tier position across a plan change and resets it in the next month", () => {
    const change = at("2026-04-15T00:00:00Z");
    const periods = [
      { plan: metered, startsAt: at("2026-04-01T00:00:00Z"), endsAt: change },
      { plan: tiered, startsAt: change, endsAt: null },
    ];
    const april = priceStatement({ month: "2026-04", periods, usage: [{ minute: at("2026-04-02T00:00:00Z"), requests: 150 }, { minute: at("2026-04-20T00:00:00Z"), requests: 10 }] });
    // The 10 requests on the tiered plan are the month's 151st–160th: second tier.
    expect(april.lines[1]).toEqual({ date: "2026-04-20", planName: "Tiered", requests: 10, amountMicros: 5_000 });
    const may = priceStatement({ month: "2026-05", periods, usage: [{ minute: at("2026-05-01T00:00:00Z"), requests: 10 }] });
    expect(may.totalMicros).toBe(0);
  });

  it("bills the minute a subscription started in, with the plan it started with", () => {
    const s = priceStatement({ month: "2026-06", periods: [{ plan: metered, startsAt: at("2026-06-05T10:00:42Z"), endsAt: null }], usage: [{ minute: at("2026-06-05T10:00:00Z"), requests: 3 }, { minute: at("2026-06-05T09:59:00Z"), requests: 8 }] });
    expect(s.totalRequests).toBe(3);
    expect(s.totalMicros).toBe(3_000);
  });

  it("writes CSV with quoting and a total row", () => {
    const s = priceStatement({ month: "2026-02", periods: [{ plan: metered, startsAt: 0, endsAt: null }], usage: [{ minute: at("2026-02-03T10:00:00Z"), requests: 4 }] });
    expect(statementCsv(s, 'My "app", v2')).toBe('app,date,plan,requests,amount_usd\n"My ""app"", v2",2026-02-03,Pro,4,0.004000\n"My ""app"", v2",total,,4,0.004000\n');
  });
});
