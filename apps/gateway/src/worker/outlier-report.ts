import type { OutlierRow } from "../messages.ts";
import type { RuntimeTable } from "./runtime-table.ts";

/**
 * Whether each target of a destination with outlier detection is ejected now, one row per
 * (service, subset, target). Runs on the stats timer, not per request.
 */
export function outlierRows(table: RuntimeTable, now: number): OutlierRow[] {
  const rows: OutlierRow[] = [];
  // Destinations of one cluster share its balancer (runtime-table.ts): one visit per cluster.
  const seen = new Set<object>();
  for (const rt of table.destinations) {
    const dest = rt.dest;
    if (dest.outlier === null || seen.has(rt.balancer)) continue;
    seen.add(rt.balancer);
    const hosts = rt.balancer.hosts;
    for (let i = 0; i < dest.targets.length; i++) {
      rows.push({ service: dest.service, subset: dest.subset, target: dest.targets[i]!.authority, ejected: hosts[i]!.isEjected(now) });
    }
  }
  return rows;
}

/** Sends the outlier rows only when they changed since the last report. */
export class OutlierReporter {
  private last = "";

  /** The rows when they differ from the previous call's, else undefined. */
  changed(table: RuntimeTable, now: number): OutlierRow[] | undefined {
    const rows = outlierRows(table, now);
    let sig = "";
    for (const r of rows) sig += `${r.service}\u0000${r.subset}\u0000${r.target}\u0000${r.ejected ? 1 : 0}\u0001`;
    if (sig === this.last) return undefined;
    this.last = sig;
    return rows;
  }
}
