import type { Db } from "@switchyard/db";
import { consumerNameOf } from "../gateway-sync/build-portal-config.ts";

export interface UsageRow {
  consumer: string;
  minute: number;
  requests: number;
  /** Forwarded upstream (no gateway response flag): what a plan charges for. */
  billable: number;
  /** Answered with a status of 400 or more (by the gateway or the upstream). */
  errors: number;
  rateLimited: number;
}

/**
 * The gateway's own counts per consumer and minute, from the metrics rollup table (the data
 * planes count every request by consumer; the control plane writes each finished minute).
 */
export async function readUsage(o: { db: Db; consumers: string[]; from: number; to: number }): Promise<UsageRow[]> {
  if (o.consumers.length === 0) return [];
  const rows = await o.db.prisma.metricMinute.findMany({
    where: { consumer: { in: o.consumers }, minute: { gte: new Date(o.from), lt: new Date(o.to) } },
    select: { consumer: true, minute: true, code: true, flag: true, count: true },
  });
  const byKey = new Map<string, UsageRow>();
  for (const r of rows) {
    const minute = r.minute.getTime();
    const key = `${r.consumer}\u0000${minute}`;
    let u = byKey.get(key);
    if (!u) byKey.set(key, (u = { consumer: r.consumer, minute, requests: 0, billable: 0, errors: 0, rateLimited: 0 }));
    const n = Number(r.count);
    u.requests += n;
    if (r.flag === "") u.billable += n;
    if (r.code >= 400) u.errors += n;
    if (r.flag === "RL" || r.code === 429) u.rateLimited += n;
  }
  return [...byKey.values()].sort((a, b) => a.minute - b.minute);
}

export interface DailyUsage {
  date: string;
  requests: number;
  billable: number;
  errors: number;
  rateLimited: number;
}

/** Per-day totals, zero-filled from `from` to `to` (UTC days). */
export function dailyUsage(rows: readonly UsageRow[], from: number, to: number): DailyUsage[] {
  const days = new Map<string, DailyUsage>();
  for (let t = Math.floor(from / 86_400_000) * 86_400_000; t < to; t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    days.set(date, { date, requests: 0, billable: 0, errors: 0, rateLimited: 0 });
  }
  for (const r of rows) {
    const d = days.get(new Date(r.minute).toISOString().slice(0, 10));
    if (!d) continue;
    d.requests += r.requests;
    d.billable += r.billable;
    d.errors += r.errors;
    d.rateLimited += r.rateLimited;
  }
  return [...days.values()];
}

/** A developer's usage per app and product, by day, for the last `days` days. */
export async function developerUsage(o: { db: Db; developerId: string; days: number; now?: number }) {
  const now = o.now ?? Date.now();
  const to = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000;
  const from = to - o.days * 86_400_000;
  const subs = await o.db.prisma.subscription.findMany({
    where: { app: { developerId: o.developerId } },
    select: { id: true, status: true, app: { select: { id: true, name: true } }, product: { select: { slug: true, name: true } }, plan: { select: { name: true } } },
  });
  const rows = await readUsage({ db: o.db, consumers: subs.map((s) => consumerNameOf(s.id)), from, to });
  const byConsumer = new Map<string, UsageRow[]>();
  for (const r of rows) {
    const list = byConsumer.get(r.consumer) ?? [];
    list.push(r);
    byConsumer.set(r.consumer, list);
  }
  const series = subs.map((s) => {
    const days = dailyUsage(byConsumer.get(consumerNameOf(s.id)) ?? [], from, to);
    return {
      subscriptionId: s.id,
      status: s.status,
      app: s.app,
      product: s.product,
      plan: s.plan.name,
      days,
      total: days.reduce((n, d) => n + d.requests, 0),
    };
  });
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), series, totals: dailyUsage(rows, from, to) };
}
