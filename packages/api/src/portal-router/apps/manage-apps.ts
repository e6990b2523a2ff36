import { generateApiKey } from "@switchyard/config/credential-hashing";
import type { Db } from "@switchyard/db";
import { AppError } from "../../app-error.ts";
import type { Bus } from "../../bus.ts";
import { consumerNameOf } from "../gateway-sync/build-portal-config.ts";
import { syncPortalConfig } from "../gateway-sync/sync-portal-config.ts";
import { newPortalId } from "../portal-ids.ts";
import { changeSubscriptionPlan } from "../subscriptions/change-subscription-plan.ts";

interface DevCtx { db: Db; bus: Bus; developerId: string; email: string; ip: string }

const sync = (o: DevCtx, reason: string) => syncPortalConfig({ db: o.db, bus: o.bus, actor: `developer:${o.email}`, ip: o.ip, reason });

export async function listApps(o: { db: Db; developerId: string }) {
  const apps = await o.db.prisma.portalApp.findMany({
    where: { developerId: o.developerId },
    orderBy: { createdAt: "asc" },
    include: {
      subscriptions: {
        orderBy: { createdAt: "asc" },
        include: {
          product: { select: { slug: true, name: true, routes: true, plans: { orderBy: { createdAt: "asc" }, select: { id: true, name: true } } } },
          plan: { select: { id: true, name: true } },
          keys: { orderBy: { createdAt: "asc" }, select: { id: true, prefix: true, createdAt: true, revokedAt: true } },
        },
      },
    },
  });
  return apps.map((a) => ({
    id: a.id,
    name: a.name,
    description: a.description,
    createdAt: a.createdAt.toISOString(),
    subscriptions: a.subscriptions.map((s) => ({
      id: s.id,
      status: s.status,
      consumer: consumerNameOf(s.id),
      product: { slug: s.product.slug, name: s.product.name, routes: s.product.routes },
      plan: s.plan,
      /** The plans this subscription can move to. */
      plans: s.product.plans,
      createdAt: s.createdAt.toISOString(),
      keys: s.keys.map((k) => ({ id: k.id, prefix: k.prefix, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null })),
    })),
  }));
}

export async function createApp(o: DevCtx & { name: string; description: string }): Promise<{ id: string }> {
  const count = await o.db.prisma.portalApp.count({ where: { developerId: o.developerId } });
  if (count >= 50) throw new AppError("CONFLICT", "At most 50 apps per developer");
  const id = newPortalId();
  await o.db.prisma.portalApp.create({ data: { id, developerId: o.developerId, name: o.name, description: o.description } });
  return { id };
}

export async function deleteApp(o: DevCtx & { appId: string }): Promise<{ ok: true }> {
  await ownApp(o, o.appId);
  await o.db.prisma.portalApp.delete({ where: { id: o.appId } });
  await sync(o, `app ${o.appId} deleted`);
  return { ok: true };
}

async function ownApp(o: { db: Db; developerId: string }, appId: string) {
  const app = await o.db.prisma.portalApp.findUnique({ where: { id: appId } });
  if (!app || app.developerId !== o.developerId) throw new AppError("NOT_FOUND", "No such app");
  return app;
}

async function ownSubscription(o: { db: Db; developerId: string }, subscriptionId: string) {
  const sub = await o.db.prisma.subscription.findUnique({ where: { id: subscriptionId }, include: { app: true } });
  if (!sub || sub.app.developerId !== o.developerId) throw new AppError("NOT_FOUND", "No such subscription");
  return sub;
}

/** A new key for a subscription; the key itself is returned here only. */
async function issueKey(db: Db, subscriptionId: string): Promise<{ id: string; key: string; prefix: string }> {
  const { key, keyHash } = generateApiKey();
  const id = newPortalId();
  const prefix = key.slice(0, 10);
  await db.prisma.portalApiKey.create({ data: { id, subscriptionId, prefix, keyHash } });
  return { id, key, prefix };
}

/**
 * Subscribes an app to a product under a plan: active at once (or pending when the product
 * needs approval), with a first key that works at the gateway once the subscription is active.
 */
export async function subscribe(o: DevCtx & { appId: string; productSlug: string; planId: string }) {
  await ownApp(o, o.appId);
  const product = await o.db.prisma.apiProduct.findUnique({ where: { slug: o.productSlug }, include: { plans: true } });
  if (!product || !product.published) throw new AppError("NOT_FOUND", "No such product");
  const plan = product.plans.find((p) => p.id === o.planId);
  if (!plan) throw new AppError("NOT_FOUND", "This product has no such plan");
  const existing = await o.db.prisma.subscription.findUnique({ where: { appId_productId: { appId: o.appId, productId: product.id } } });
  if (existing && existing.status !== "cancelled" && existing.status !== "rejected") {
    throw new AppError("CONFLICT", `This app is already subscribed to ${product.name}`);
  }
  const status = product.requiresApproval ? "pending" : "active";
  const id = newPortalId();
  const now = new Date();
  await o.db.prisma.$transaction([
    ...(existing ? [o.db.prisma.subscription.delete({ where: { id: existing.id } })] : []),
    o.db.prisma.subscription.create({ data: { id, appId: o.appId, productId: product.id, planId: plan.id, status } }),
    o.db.prisma.subscriptionPlanPeriod.create({ data: { id: newPortalId(), subscriptionId: id, planId: plan.id, startsAt: now } }),
    o.db.prisma.auditEvent.create({ data: { actor: `developer:${o.email}`, action: "portal.subscribed", target: `subscription:${id}`, detail: { app: o.appId, product: product.slug, plan: plan.name, status }, ip: o.ip } }),
  ]);
  const key = await issueKey(o.db, id);
  if (status === "active") await sync(o, `subscription ${id} to ${product.slug}`);
  return { subscriptionId: id, status, key: key.key, keyId: key.id };
}

/** Moves one of the developer's subscriptions to another plan of its product from now on. */
export async function changePlan(o: DevCtx & { subscriptionId: string; planId: string }) {
  const sub = await ownSubscription(o, o.subscriptionId);
  return changeSubscriptionPlan({ db: o.db, bus: o.bus, actor: `developer:${o.email}`, ip: o.ip, subscriptionId: sub.id, planId: o.planId });
}

export async function cancelSubscription(o: DevCtx & { subscriptionId: string }) {
  const sub = await ownSubscription(o, o.subscriptionId);
  await o.db.prisma.$transaction([
    o.db.prisma.subscription.update({ where: { id: sub.id }, data: { status: "cancelled" } }),
    o.db.prisma.subscriptionPlanPeriod.updateMany({ where: { subscriptionId: sub.id, endsAt: null }, data: { endsAt: new Date() } }),
  ]);
  await sync(o, `subscription ${sub.id} cancelled`);
  return { ok: true };
}

export async function createKey(o: DevCtx & { subscriptionId: string }) {
  const sub = await ownSubscription(o, o.subscriptionId);
  const live = await o.db.prisma.portalApiKey.count({ where: { subscriptionId: sub.id, revokedAt: null } });
  if (live >= 5) throw new AppError("CONFLICT", "At most 5 live keys per subscription; revoke one first");
  const key = await issueKey(o.db, sub.id);
  await sync(o, `key ${key.prefix}… created`);
  return { keyId: key.id, key: key.key, prefix: key.prefix };
}

async function ownKey(o: { db: Db; developerId: string }, keyId: string) {
  const key = await o.db.prisma.portalApiKey.findUnique({ where: { id: keyId }, include: { subscription: { include: { app: true } } } });
  if (!key || key.subscription.app.developerId !== o.developerId) throw new AppError("NOT_FOUND", "No such key");
  if (key.revokedAt !== null) throw new AppError("CONFLICT", "This key is already revoked");
  return key;
}

export async function revokeKey(o: DevCtx & { keyId: string }) {
  const key = await ownKey(o, o.keyId);
  await o.db.prisma.portalApiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
  await sync(o, `key ${key.prefix}… revoked`);
  return { ok: true };
}

/** A new key in place of an old one: the old one stops at the same publish the new one starts. */
export async function rotateKey(o: DevCtx & { keyId: string }) {
  const old = await ownKey(o, o.keyId);
  const { key, keyHash } = generateApiKey();
  const id = newPortalId();
  const prefix = key.slice(0, 10);
  await o.db.prisma.$transaction([
    o.db.prisma.portalApiKey.update({ where: { id: old.id }, data: { revokedAt: new Date() } }),
    o.db.prisma.portalApiKey.create({ data: { id, subscriptionId: old.subscriptionId, prefix, keyHash } }),
  ]);
  await sync(o, `key ${old.prefix}… rotated`);
  return { keyId: id, key, prefix };
}
