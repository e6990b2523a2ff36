import { describe, expect, it } from "vitest";
import { OutlierReporter } from "./outlier-report.ts";
import type { DestinationRuntime, RuntimeTable } from "./runtime-table.ts";

/** A table whose destinations share one cluster per service; a target is ejected until `until[target]`. */
function tableOf(services: Record<string, string[]>, until: Map<string, number>, withOutlier = true): RuntimeTable {
  const destinations: DestinationRuntime[] = [];
  for (const [service, targets] of Object.entries(services)) {
    const balancer = { hosts: targets.map((t) => ({ isEjected: (now: number) => (until.get(t) ?? 0) > now })) };
    const dest = { service, subset: "", outlier: withOutlier ? {} : null, targets: targets.map((authority) => ({ authority })) };
    // Two routes to the same cluster: one visit.
    destinations.push({ dest, balancer } as unknown as DestinationRuntime, { dest, balancer } as unknown as DestinationRuntime);
  }
  return { destinations } as unknown as RuntimeTable;
}

describe("OutlierReporter", () => {
  it("reports the rows once per change: first sight, ejection, recovery by time; nothing in between", () => {
    const until = new Map<string, number>();
    const table = tableOf({ a: ["a1:80", "a2:80"], b: ["b1:80"] }, until);
    const r = new OutlierReporter();
    expect(r.changed(table, 0)).toEqual([
      { service: "a", subset: "", target: "a1:80", ejected: false },
      { service: "a", subset: "", target: "a2:80", ejected: false },
      { service: "b", subset: "", target: "b1:80", ejected: false },
    ]);
    expect(r.changed(table, 1)).toBeUndefined();
    until.set("a2:80", 100);
    expect(r.changed(table, 2)?.map((row) => row.ejected)).toEqual([false, true, false]);
    expect(r.changed(table, 50)).toBeUndefined();
    expect(r.changed(table, 100)?.map((row) => row.ejected)).toEqual([false, false, false]);
    expect(r.changed(table, 101)).toBeUndefined();
  });

  it("a new table with the same rows sends nothing; one with other targets sends its rows", () => {
    const until = new Map<string, number>();
    const r = new OutlierReporter();
    r.changed(tableOf({ a: ["a1:80"] }, until), 0);
    expect(r.changed(tableOf({ a: ["a1:80"] }, until), 1)).toBeUndefined();
    expect(r.changed(tableOf({ a: ["a1:80", "a3:80"] }, until), 2)?.map((row) => row.target)).toEqual(["a1:80", "a3:80"]);
    expect(r.changed(tableOf({ a: ["a1:80"] }, until, false), 3)).toEqual([]);
  });
});
