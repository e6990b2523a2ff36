import type { EventMetric, EventRow } from "../messages.ts";

/** One event counter of a worker; resolved once (per config or per label set), bumped in place. */
export interface EventCell {
  readonly metric: EventMetric;
  readonly labels: readonly string[];
  count: number;
}

/**
 * A worker's counters of rare events (retries, ejections, rate-limited and auth-rejected
 * responses). Cells survive config swaps, so a count is never lost; the stats timer takes
 * the increases and the main thread adds them up for /metrics.
 */
export class EventCounters {
  private readonly cells = new Map<string, EventCell>();

  cell(metric: EventMetric, labels: readonly string[]): EventCell {
    const key = `${metric}\u0000${labels.join("\u0000")}`;
    let c = this.cells.get(key);
    if (c === undefined) {
      c = { metric, labels: [...labels], count: 0 };
      this.cells.set(key, c);
    }
    return c;
  }

  /** Counts one event; for label sets only known per request (consumer, policy). */
  inc(metric: EventMetric, labels: readonly string[]): void {
    this.cell(metric, labels).count++;
  }

  /** Increases since the last call; resets them. */
  takeDeltas(): EventRow[] {
    const rows: EventRow[] = [];
    for (const c of this.cells.values()) {
      if (c.count === 0) continue;
      rows.push({ metric: c.metric, labels: [...c.labels], count: c.count });
      c.count = 0;
    }
    return rows;
  }
}
