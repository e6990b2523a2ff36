import { z } from "zod";
import type { Db } from "@switchyard/db";
import { emptyHistogram, addDense } from "./histogram.ts";
import { toPoint, type MetricsPoint, type SeriesCell } from "./series-point.ts";

export const HistoryRangeSchema = z.enum(["1h", "24h", "7d"]);
export type HistoryRange = z.infer<typeof HistoryRangeSchema>;

/** Span and bucket size of each range: about 60–170 points per chart. */
const RANGES: Record<HistoryRange, { spanMs: number; bucketMs: number }> = {
  "1h": { spanMs: 3_600_000, bucketMs: 60_000 },
  "24h": { spanMs: 86_400_000, bucketMs: 900_000 },
  "7d": { spanMs: 604_800_000, bucketMs: 3_600_000 },
};

export interface MetricsHistory {
  range: HistoryRange;
  bucketSeconds: number;
  points: MetricsPoint[];
}

/** Chart points from the per-minute rollups, in fixed buckets, zero-filled. */
export async function getMetricsHistory(options: { db: Db; range: HistoryRange; route?: string | undefined; service?: string | undefined; now?: number }): Promise<MetricsHistory> {
  const { spanMs, bucketMs } = RANGES[options.range];
  const now = options.now ?? Date.now();
  const end = Math.floor(now / bucketMs) * bucketMs;
  const start = end - spanMs + bucketMs;
  const rows = await options.db.prisma.metricMinute.findMany({
    where: {
      minute: { gte: new Date(start) },
      ...(options.route !== undefined ? { route: options.route } : {}),
      ...(options.service !== undefined ? { service: options.service } : {}),
    },
    select: { minute: true, route: true, service: true, subset: true, code: true, flag: true, count: true, latencySumMs: true, latency: true },
  });
  // Bucket → label set (without consumer) → summed cell.
  const buckets = new Map<number, Map<string, SeriesCell>>();
  for (const r of rows) {
    const t = Math.floor(r.minute.getTime() / bucketMs) * bucketMs;
    let cells = buckets.get(t);
    if (!cells) buckets.set(t, (cells = new Map()));
    const key = `${r.route}\u0000${r.service}\u0000${r.subset}\u0000${r.code}\u0000${r.flag}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { route: r.route, service: r.service, subset: r.subset, code: r.code, flag: r.flag, count: 0, latencySumMs: 0, latency: emptyHistogram() }));
    c.count += Number(r.count);
    c.latencySumMs += r.latencySumMs;
    addDense(c.latency, r.latency);
  }
  const points: MetricsPoint[] = [];
  for (let t = start; t <= end; t += bucketMs) points.push(toPoint(t, bucketMs / 1000, buckets.get(t)?.values() ?? [], {}));
  return { range: options.range, bucketSeconds: bucketMs / 1000, points };
}
