import type { Db } from "@switchyard/db";
import { AppError } from "../../app-error.ts";
import { planPrice } from "../admin/plan-view.ts";
import { consumerNameOf } from "../gateway-sync/build-portal-config.ts";
import { monthBounds, priceStatement, type Statement } from "./price-statement.ts";
import { readUsage } from "./read-usage.ts";

export interface AppStatement {
  app: { id: string; name: string };
  month: string;
  products: (Statement & {
    subscriptionId: string;
    product: { slug: string; name: string };
    /** The plans in effect during the month, in order (from/to clamped to the month; to null = through its end). */
    planPeriods: { planName: string; from: string; to: string | null }[];
  })[];
  totalRequests: number;
  totalMicros: number;
  currency: string;
}

/** One app's statement for a month: each subscription priced with its plan periods, itemized by day. */
export async function appStatement(o: { db: Db; appId: string; month: string; developerId?: string }): Promise<AppStatement> {
  const app = await o.db.prisma.portalApp.findUnique({
    where: { id: o.appId },
    include: { subscriptions: { include: { product: { select: { slug: true, name: true } }, planPeriods: { orderBy: { startsAt: "asc" } } } } },
  });
  if (!app || (o.developerId !== undefined && app.developerId !== o.developerId)) throw new AppError("NOT_FOUND", "No such app");
  const { start, end } = monthBounds(o.month);
  const planIds = [...new Set(app.subscriptions.flatMap((s) => s.planPeriods.map((p) => p.planId)))];
  const plans = new Map((await o.db.prisma.plan.findMany({ where: { id: { in: planIds } } })).map((p) => [p.id, p]));
  const usage = await readUsage({ db: o.db, consumers: app.subscriptions.map((s) => consumerNameOf(s.id)), from: start, to: end });

  const products = app.subscriptions.map((s) => {
    const consumer = consumerNameOf(s.id);
    const statement = priceStatement({
      month: o.month,
      periods: s.planPeriods.flatMap((p) => {
        const plan = plans.get(p.planId);
        return plan ? [{ plan: { id: plan.id, name: plan.name, model: planPrice(plan), currency: plan.currency }, startsAt: p.startsAt.getTime(), endsAt: p.endsAt?.getTime() ?? null }] : [];
      }),
      usage: usage.filter((u) => u.consumer === consumer).map((u) => ({ minute: u.minute, requests: u.billable })),
    });
    const planPeriods = s.planPeriods
      .filter((p) => p.startsAt.getTime() < end && (p.endsAt === null || p.endsAt.getTime() > start))
      .map((p) => ({
        planName: plans.get(p.planId)?.name ?? "(deleted plan)",
        from: new Date(Math.max(p.startsAt.getTime(), start)).toISOString(),
        to: p.endsAt === null || p.endsAt.getTime() >= end ? null : p.endsAt.toISOString(),
      }));
    return { ...statement, subscriptionId: s.id, product: s.product, planPeriods };
  });
  return {
    app: { id: app.id, name: app.name },
    month: o.month,
    products,
    totalRequests: products.reduce((n, p) => n + p.totalRequests, 0),
    totalMicros: products.reduce((n, p) => n + p.totalMicros, 0),
    currency: products[0]?.currency ?? "USD",
  };
}

export function appStatementCsv(s: AppStatement): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rows = [["app", "product", "date", "plan", "requests", `amount_${s.currency.toLowerCase()}`]];
  for (const p of s.products) for (const l of p.lines) rows.push([s.app.name, p.product.slug, l.date, l.planName, String(l.requests), (l.amountMicros / 1_000_000).toFixed(6)]);
  rows.push([s.app.name, "", "total", "", String(s.totalRequests), (s.totalMicros / 1_000_000).toFixed(6)]);
  return rows.map((r) => r.map(q).join(",")).join("\n") + "\n";
}

/** Admin view: this month's requests and revenue per product, plan and developer. */
export async function revenueSummary(o: { db: Db; month: string }) {
  const apps = await o.db.prisma.portalApp.findMany({ select: { id: true, developer: { select: { email: true } } } });
  const byProduct = new Map<string, { product: string; requests: number; micros: number }>();
  const byPlan = new Map<string, { product: string; plan: string; requests: number; micros: number }>();
  const byDeveloper = new Map<string, { developer: string; requests: number; micros: number }>();
  for (const a of apps) {
    const s = await appStatement({ db: o.db, appId: a.id, month: o.month });
    for (const p of s.products) {
      const prod = byProduct.get(p.product.slug) ?? { product: p.product.slug, requests: 0, micros: 0 };
      prod.requests += p.totalRequests; prod.micros += p.totalMicros; byProduct.set(p.product.slug, prod);
      for (const l of p.lines) {
        const k = `${p.product.slug}\u0000${l.planName}`;
        const pl = byPlan.get(k) ?? { product: p.product.slug, plan: l.planName, requests: 0, micros: 0 };
        pl.requests += l.requests; pl.micros += l.amountMicros; byPlan.set(k, pl);
      }
    }
    const d = byDeveloper.get(a.developer.email) ?? { developer: a.developer.email, requests: 0, micros: 0 };
    d.requests += s.totalRequests; d.micros += s.totalMicros; byDeveloper.set(a.developer.email, d);
  }
  return { month: o.month, products: [...byProduct.values()], plans: [...byPlan.values()], developers: [...byDeveloper.values()] };
}
