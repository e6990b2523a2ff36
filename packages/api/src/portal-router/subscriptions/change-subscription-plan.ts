import type { Db } from "@switchyard/db";
import { AppError } from "../../app-error.ts";
import type { Bus } from "../../bus.ts";
import { syncPortalConfig } from "../gateway-sync/sync-portal-config.ts";
import { newPortalId } from "../portal-ids.ts";

/**
 * Moves a subscription to another plan of its product from now on: the current plan period
 * ends and a new one starts at the same instant, so the month's statement prices each part with
 * its own plan (itemized per day and plan). The gateway gets the new plan's limits in the same
 * publish. Shared by the developer (own subscriptions) and the admin (any subscription).
 */
export async function changeSubscriptionPlan(o: { db: Db; bus: Bus; actor: string; ip: string; subscriptionId: string; planId: string }) {
  const sub = await o.db.prisma.subscription.findUnique({ where: { id: o.subscriptionId }, include: { plan: { select: { name: true } } } });
  if (!sub) throw new AppError("NOT_FOUND", "No such subscription");
  if (sub.status === "cancelled" || sub.status === "rejected") throw new AppError("CONFLICT", `Can't change the plan of a ${sub.status} subscription`);
  const plan = await o.db.prisma.plan.findUnique({ where: { id: o.planId } });
  if (!plan || plan.productId !== sub.productId) throw new AppError("NOT_FOUND", "This product has no such plan");
  if (plan.id === sub.planId) return { changed: false, plan: plan.name, version: null };
  const now = new Date();
  // A batch transaction (the embedded database has one connection): the open period ends where the new one starts.
  await o.db.prisma.$transaction([
    o.db.prisma.subscriptionPlanPeriod.updateMany({ where: { subscriptionId: sub.id, endsAt: null }, data: { endsAt: now } }),
    o.db.prisma.subscriptionPlanPeriod.create({ data: { id: newPortalId(), subscriptionId: sub.id, planId: plan.id, startsAt: now } }),
    o.db.prisma.subscription.update({ where: { id: sub.id }, data: { planId: plan.id } }),
    o.db.prisma.auditEvent.create({ data: { actor: o.actor, action: "portal.plan-changed", target: `subscription:${sub.id}`, detail: { from: sub.plan.name, to: plan.name }, ip: o.ip } }),
  ]);
  // Only an active subscription has a consumer (and limits) at the gateway.
  const published = sub.status === "active"
    ? await syncPortalConfig({ db: o.db, bus: o.bus, actor: o.actor, ip: o.ip, reason: `subscription ${sub.id} moved to plan ${plan.name}` })
    : null;
  return { changed: true, plan: plan.name, version: published?.version ?? null };
}
