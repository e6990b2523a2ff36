import type { Db } from "@switchyard/db";
import { AppError } from "../../app-error.ts";
import type { Bus } from "../../bus.ts";
import { consumerNameOf } from "../gateway-sync/build-portal-config.ts";
import { syncPortalConfig } from "../gateway-sync/sync-portal-config.ts";

export type SubscriptionAction = "approve" | "reject" | "suspend" | "resume";

/** Which status each admin action moves from and to. */
const TRANSITIONS: Record<SubscriptionAction, { from: string[]; to: string }> = {
  approve: { from: ["pending"], to: "active" },
  reject: { from: ["pending"], to: "rejected" },
  suspend: { from: ["active"], to: "suspended" },
  resume: { from: ["suspended"], to: "active" },
};

export async function listSubscriptions(o: { db: Db; status?: string | undefined }) {
  const subs = await o.db.prisma.subscription.findMany({
    where: o.status ? { status: o.status } : {},
    orderBy: { createdAt: "desc" },
    take: 500,
    include: {
      app: { select: { id: true, name: true, developer: { select: { id: true, email: true } } } },
      product: { select: { slug: true, name: true, plans: { orderBy: { createdAt: "asc" }, select: { id: true, name: true } } } },
      plan: { select: { id: true, name: true } },
      keys: { where: { revokedAt: null }, select: { id: true } },
    },
  });
  return subs.map((s) => ({
    id: s.id,
    status: s.status,
    consumer: consumerNameOf(s.id),
    app: { id: s.app.id, name: s.app.name },
    developer: s.app.developer,
    product: { slug: s.product.slug, name: s.product.name },
    plan: s.plan.name,
    planId: s.plan.id,
    /** The product's plans, for moving the subscription to another one. */
    plans: s.product.plans,
    liveKeys: s.keys.length,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  }));
}

export async function listDevelopers(o: { db: Db }) {
  const devs = await o.db.prisma.developer.findMany({
    orderBy: { createdAt: "desc" },
    take: 1000,
    include: { apps: { select: { id: true, subscriptions: { select: { status: true } } } } },
  });
  return devs.map((d) => ({
    id: d.id,
    email: d.email,
    verified: d.emailVerifiedAt !== null,
    status: d.status,
    apps: d.apps.length,
    activeSubscriptions: d.apps.reduce((n, a) => n + a.subscriptions.filter((s) => s.status === "active").length, 0),
    createdAt: d.createdAt.toISOString(),
  }));
}

/** Approve, reject, suspend or resume; the gateway learns of it through the next publish. */
export async function setSubscriptionStatus(o: { db: Db; bus: Bus; actor: string; ip: string; id: string; action: SubscriptionAction }) {
  const sub = await o.db.prisma.subscription.findUnique({ where: { id: o.id } });
  if (!sub) throw new AppError("NOT_FOUND", "No such subscription");
  const t = TRANSITIONS[o.action];
  if (!t.from.includes(sub.status)) throw new AppError("CONFLICT", `Can't ${o.action} a subscription that is ${sub.status}`);
  // The status condition makes a concurrent change of the same subscription lose instead of overwrite.
  const updated = await o.db.prisma.subscription.updateMany({ where: { id: sub.id, status: sub.status }, data: { status: t.to } });
  if (updated.count !== 1) throw new AppError("CONFLICT", "The subscription changed meanwhile; reload");
  await o.db.prisma.auditEvent.create({ data: { actor: o.actor, action: `portal.subscription-${o.action}`, target: `subscription:${sub.id}`, detail: { from: sub.status, to: t.to }, ip: o.ip } });
  const published = await syncPortalConfig({ db: o.db, bus: o.bus, actor: o.actor, ip: o.ip, reason: `subscription ${sub.id} ${t.to}` });
  return { status: t.to, version: published.version };
}
