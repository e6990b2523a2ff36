import { describe, expect, it } from "vitest";
import { flagIndex as flag } from "../errors.ts";
import { RequestStats } from "./request-stats.ts";

describe("RequestStats.takeDeltas", () => {
  it("reports each counted slot once per interval, then only slots counted again", () => {
    const stats = new RequestStats();
    const a = stats.slot("orders", "order-service", "v1");
    const b = stats.slot("users", "user-service", "");
    for (let i = 0; i < 1000; i++) stats.slot(`idle-${i}`, "svc", ""); // never counted
    a.add(200, flag(""), 3, 2, 10, 20);
    a.add(200, flag(""), 5, 4, 10, 20);
    a.add(503, flag("UO"), 1);
    const first = stats.takeDeltas();
    expect(first.map((r) => [r.route, r.code, r.flag, r.count])).toEqual([["orders", 200, "", 2], ["orders", 503, "UO", 1]]);
    expect(first[0]).toMatchObject({ requestBytes: 20, responseBytes: 40, latencySumMs: 8, upstreamSumMs: 6, upstreamCount: 2 });
    expect(stats.takeDeltas()).toEqual([]);

    b.add(404, flag("NR"), 1);
    a.add(200, flag(""), 2);
    const third = stats.takeDeltas();
    expect(third.map((r) => [r.route, r.code, r.count]).sort()).toEqual([["orders", 200, 1], ["users", 404, 1]]);
    expect(stats.takeDeltas()).toEqual([]);
  });

  it("a slot looked up again after a config swap is the same slot and keeps its place on the list", () => {
    const stats = new RequestStats();
    const before = stats.slot("orders", "order-service", "v1");
    before.add(200, flag(""), 1);
    const after = stats.slot("orders", "order-service", "v1");
    expect(after).toBe(before);
    after.add(200, flag(""), 1);
    expect(stats.takeDeltas().map((r) => r.count)).toEqual([2]);
  });
});
