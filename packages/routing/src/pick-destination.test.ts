import { describe, expect, it } from "vitest";
import { compileConfig } from "./compile-config.ts";
import { pickDestination } from "./pick-destination.ts";
import { parseTestConfig, twoServices } from "./test-config.ts";

function ruleWith(destinations: { service: string; subset?: string; weight?: number }[]) {
  const table = compileConfig(parseTestConfig({ services: twoServices, routes: [{ name: "r", rules: [{ destinations }] }] }));
  return table.routes[0]!.rules[0]!;
}

function share(rule: ReturnType<typeof ruleWith>, n = 10_000): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const d = pickDestination(rule, i / n);
    const key = `${d.service}/${d.subset}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe("pickDestination", () => {
  it("splits by relative weight (90/10 ≡ 9/1)", () => {
    for (const [a, b] of [[90, 10], [9, 1]]) {
      const counts = share(ruleWith([{ service: "users", subset: "v1", weight: a }, { service: "users", subset: "v2", weight: b }]));
      expect(counts.get("users/v1")).toBe(9_000);
      expect(counts.get("users/v2")).toBe(1_000);
    }
  });

  it("gives a single destination everything, whatever its weight", () => {
    const rule = ruleWith([{ service: "orders", weight: 0 }]);
    expect(share(rule).get("orders/")).toBe(10_000);
  });

  it("never picks weight-0 destinations, also at the edges of [0, 1)", () => {
    const rule = ruleWith([
      { service: "users", subset: "v1", weight: 0 },
      { service: "users", subset: "v2", weight: 5 },
      { service: "orders", weight: 0 },
    ]);
    for (const r of [0, 0.5, 0.999999999, 1]) expect(pickDestination(rule, r).subset).toBe("v2");
  });

  it("precomputes cumulative thresholds", () => {
    const rule = ruleWith([{ service: "users", subset: "v1", weight: 80 }, { service: "users", subset: "v2", weight: 20 }]);
    expect(rule.cumulative).toEqual([80, 100]);
    expect(rule.weightTotal).toBe(100);
    expect(Object.isFrozen(rule.cumulative)).toBe(true);
  });
});
