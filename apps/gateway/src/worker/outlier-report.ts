import type { OutlierRow } from "../messages.ts";
import type { DestinationRuntime, RuntimeTable } from "./runtime-table.ts";

/**
 * Whether each target of the watched destinations is ejected now, one row per (service, subset,
 * target). Runs on the stats timer, not per request.
 */
function outlierRows(watched: readonly DestinationRuntime[], now: number): OutlierRow[] {
  const rows: OutlierRow[] = [];
  for (const rt of watched) {
    const dest = rt.dest;
    const hosts = rt.balancer.hosts;
    for (let i = 0; i < dest.targets.length; i++) {
      rows.push({ service: dest.service, subset: dest.subset, target: dest.targets[i]!.authority, ejected: hosts[i]!.isEjected(now) });
    }
  }
  return rows;
}

/**
 * Sends the outlier rows only when they changed since the last report. The stats timer asks
 * every interval; with the same table that costs one isEjected call per watched target (the
 * destinations to visit are found once per table), not a walk over every route's destinations
 * and a signature string.
 */
export class OutlierReporter {
  private last = "";
  private table: RuntimeTable | null = null;
  private watched: readonly DestinationRuntime[] = [];
  private ejected: boolean[] = [];

  /** The rows when they differ from the previous call's, else undefined. */
  changed(table: RuntimeTable, now: number): OutlierRow[] | undefined {
    if (table !== this.table) {
      this.table = table;
      this.watched = watchedDestinations(table);
      this.flagsChanged(now);
    } else if (!this.flagsChanged(now)) {
      return undefined;
    }
    const rows = outlierRows(this.watched, now);
    let sig = "";
    for (const r of rows) sig += `${r.service}\u0000${r.subset}\u0000${r.target}\u0000${r.ejected ? 1 : 0}\u0001`;
    if (sig === this.last) return undefined;
    this.last = sig;
    return rows;
  }

  /** Updates the remembered ejection flags; true when any differs. */
  private flagsChanged(now: number): boolean {
    let changed = false;
    let k = 0;
    for (const rt of this.watched) {
      const hosts = rt.balancer.hosts;
      for (let i = 0; i < rt.dest.targets.length; i++, k++) {
        const e = hosts[i]!.isEjected(now);
        if (this.ejected[k] !== e) { this.ejected[k] = e; changed = true; }
      }
    }
    if (this.ejected.length !== k) { this.ejected.length = k; changed = true; }
    return changed;
  }
}

/** One destination per cluster with outlier detection (destinations of a cluster share its balancer). */
function watchedDestinations(table: RuntimeTable): DestinationRuntime[] {
  const out: DestinationRuntime[] = [];
  const seen = new Set<object>();
  for (const rt of table.destinations) {
    if (rt.dest.outlier === null || seen.has(rt.balancer)) continue;
    seen.add(rt.balancer);
    out.push(rt);
  }
  return out;
}
