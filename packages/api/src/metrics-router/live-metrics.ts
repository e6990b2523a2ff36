import { EventEmitter } from "node:events";
import type { StatsRow } from "@switchyard/config";
import type { Bus } from "../bus.ts";
import { addSparse, emptyHistogram } from "./histogram.ts";
import { toPoint, type MetricsPoint, type SeriesCell, type SeriesFilter } from "./series-point.ts";

/** Seconds of per-second history kept in memory (15 minutes). */
export const LIVE_WINDOW_SECONDS = 900;

/** One minute of traffic by full label set (incl. consumer), ready to be written as rollup rows. */
export interface MinuteCell extends SeriesCell {
  consumer: string;
  requestBytes: number;
  responseBytes: number;
}

interface Second {
  t: number;
  cells: Map<string, SeriesCell>;
}

/**
 * The control plane's merge of every data plane's per-second stats: the last 15 minutes by second
 * for live charts, and per-minute totals waiting to be written to Postgres. Stats are placed by
 * the time they arrive here, so data planes with skewed clocks still line up.
 */
export class LiveMetrics {
  private readonly seconds: Second[] = [];
  private minutes = new Map<number, Map<string, MinuteCell>>();
  private readonly events = new EventEmitter<{ update: [t: number] }>();

  constructor() {
    this.events.setMaxListeners(0);
  }

  ingest(rows: readonly StatsRow[], receivedAt = Date.now()): void {
    if (rows.length === 0) return;
    const t = Math.floor(receivedAt / 1000) * 1000;
    const second = this.second(t);
    const minuteStart = Math.floor(receivedAt / 60_000) * 60_000;
    let minute = this.minutes.get(minuteStart);
    if (!minute) this.minutes.set(minuteStart, (minute = new Map()));
    for (const row of rows) {
      const key = `${row.route}\u0000${row.service}\u0000${row.subset}\u0000${row.code}\u0000${row.flag}`;
      let cell = second.cells.get(key);
      if (!cell) {
        cell = { route: row.route, service: row.service, subset: row.subset, code: row.code, flag: row.flag, count: 0, latencySumMs: 0, latency: emptyHistogram() };
        second.cells.set(key, cell);
      }
      cell.count += row.count;
      cell.latencySumMs += row.latencySumMs;
      addSparse(cell.latency, row.latency);

      const mkey = `${key}\u0000${row.consumer}`;
      let m = minute.get(mkey);
      if (!m) {
        m = { route: row.route, service: row.service, subset: row.subset, code: row.code, flag: row.flag, consumer: row.consumer, count: 0, latencySumMs: 0, latency: emptyHistogram(), requestBytes: 0, responseBytes: 0 };
        minute.set(mkey, m);
      }
      m.count += row.count;
      m.latencySumMs += row.latencySumMs;
      m.requestBytes += row.requestBytes;
      m.responseBytes += row.responseBytes;
      addSparse(m.latency, row.latency);
    }
    this.events.emit("update", t);
  }

  private second(t: number): Second {
    const last = this.seconds[this.seconds.length - 1];
    if (last && last.t === t) return last;
    if (last && last.t > t) {
      // A late arrival (clock step): count it in the newest second rather than reorder.
      return last;
    }
    const s: Second = { t, cells: new Map() };
    this.seconds.push(s);
    const cutoff = t - LIVE_WINDOW_SECONDS * 1000;
    while (this.seconds.length > 0 && this.seconds[0]!.t <= cutoff) this.seconds.shift();
    return s;
  }

  /** Per-second points from `since` (epoch ms, inclusive) up to `now`, one per second, zero-filled. */
  points(filter: SeriesFilter, since: number, now = Date.now()): MetricsPoint[] {
    const end = Math.floor(now / 1000) * 1000;
    const start = Math.max(Math.floor(since / 1000) * 1000, end - (LIVE_WINDOW_SECONDS - 1) * 1000);
    const byT = new Map<number, Second>();
    for (const s of this.seconds) if (s.t >= start) byT.set(s.t, s);
    const out: MetricsPoint[] = [];
    for (let t = start; t <= end; t += 1000) out.push(toPoint(t, 1, byT.get(t)?.cells.values() ?? [], filter));
    return out;
  }

  /** Calls `listener` with the second that changed; returns the unsubscribe function. */
  onUpdate(listener: (t: number) => void): () => void {
    this.events.on("update", listener);
    return () => this.events.off("update", listener);
  }

  /** Takes the minutes that ended before `before` (all of them with Infinity), for writing. */
  takeMinutes(before: number): { minute: number; cells: MinuteCell[] }[] {
    const out: { minute: number; cells: MinuteCell[] }[] = [];
    for (const [minute, cells] of this.minutes) {
      if (minute + 60_000 <= before) {
        out.push({ minute, cells: [...cells.values()] });
        this.minutes.delete(minute);
      }
    }
    return out;
  }
}

const perBus = new WeakMap<Bus, LiveMetrics>();

/** The live metrics of one control plane (one per bus), shared by the data-plane hub and the API. */
export function liveMetricsFor(bus: Bus): LiveMetrics {
  let live = perBus.get(bus);
  if (!live) perBus.set(bus, (live = new LiveMetrics()));
  return live;
}
