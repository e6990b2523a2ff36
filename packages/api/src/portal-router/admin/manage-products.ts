import type { Db } from "@switchyard/db";
import { AppError } from "../../app-error.ts";
import type { Bus } from "../../bus.ts";
import { getCurrentConfig } from "../../config-router/get-current-config.ts";
import { syncPortalConfig } from "../gateway-sync/sync-portal-config.ts";
import { validateOpenApi } from "../openapi/validate-openapi.ts";
import { newPortalId } from "../portal-ids.ts";
import { PlanInputSchema, ProductInputSchema, type PlanInput, type ProductInput } from "./product-input.ts";

interface Actor { db: Db; bus: Bus; actor: string; ip: string }

async function audit(o: Actor, action: string, target: string, detail: object = {}) {
  await o.db.prisma.auditEvent.create({ data: { actor: o.actor, action, target, detail, ip: o.ip } });
}

/** Creates or updates a product. Its routes must exist and its OpenAPI document must validate. */
export async function saveProduct(o: Actor & { product: ProductInput }): Promise<{ id: string; slug: string }> {
  const input = ProductInputSchema.parse(o.product);
  const current = await getCurrentConfig({ db: o.db });
  const known = new Set((current?.config.routes ?? []).map((r) => r.name));
  const fieldErrors = input.routes.flatMap((r, i) => (known.has(r) ? [] : [{ path: `routes.${i}`, message: `No route "${r}" in the current config` }]));
  if (input.openapi.trim() !== "") {
    const v = await validateOpenApi(input.openapi);
    if (!v.ok) fieldErrors.push(...v.problems.map((p) => ({ path: "openapi", message: p.path ? `${p.path}: ${p.message}` : p.message })));
  }
  if (fieldErrors.length > 0) throw new AppError("INVALID_CONFIG", fieldErrors.map((e) => `${e.path}: ${e.message}`).join("\n"), { fieldErrors });

  const data = {
    name: input.name,
    slug: input.slug,
    description: input.description,
    routes: input.routes,
    openapi: input.openapi.trim() === "" ? null : input.openapi,
    guides: input.guides,
    requiresApproval: input.requiresApproval,
    published: input.published,
  };
  const id = input.id ?? newPortalId();
  try {
    if (input.id) await o.db.prisma.apiProduct.update({ where: { id }, data });
    else await o.db.prisma.apiProduct.create({ data: { id, ...data } });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "P2002") throw new AppError("CONFLICT", `Another product already has the slug "${input.slug}"`, { fieldErrors: [{ path: "slug", message: "Already taken" }] });
    if (code === "P2025") throw new AppError("NOT_FOUND", "No such product");
    throw error;
  }
  await audit(o, input.id ? "portal.product-updated" : "portal.product-created", `product:${input.slug}`);
  await syncPortalConfig({ db: o.db, bus: o.bus, actor: o.actor, ip: o.ip, reason: `product ${input.slug} saved` });
  return { id, slug: input.slug };
}

export async function deleteProduct(o: Actor & { id: string }): Promise<{ ok: true }> {
  const product = await o.db.prisma.apiProduct.findUnique({ where: { id: o.id } });
  if (!product) throw new AppError("NOT_FOUND", "No such product");
  await o.db.prisma.apiProduct.delete({ where: { id: o.id } });
  await audit(o, "portal.product-deleted", `product:${product.slug}`);
  await syncPortalConfig({ db: o.db, bus: o.bus, actor: o.actor, ip: o.ip, reason: `product ${product.slug} deleted` });
  return { ok: true };
}

/** Creates or updates a plan; new limits reach the gateway for every subscription on it. */
export async function savePlan(o: Actor & { plan: PlanInput }): Promise<{ id: string }> {
  const input = PlanInputSchema.parse(o.plan);
  const product = await o.db.prisma.apiProduct.findUnique({ where: { id: input.productId } });
  if (!product) throw new AppError("NOT_FOUND", "No such product");
  const data = {
    name: input.name,
    perSecond: input.perSecond,
    perMinute: input.perMinute,
    perHour: input.perHour,
    perDay: input.perDay,
    monthlyQuota: input.monthlyQuota,
    priceModel: input.price.kind,
    pricePerRequestMicros: input.price.kind === "per-request" ? input.price.unitMicros : 0,
    tiers: input.price.kind === "tiers" ? input.price.tiers : [],
    currency: input.currency,
  };
  const id = input.id ?? newPortalId();
  if (input.id) {
    const existing = await o.db.prisma.plan.findUnique({ where: { id } });
    if (!existing || existing.productId !== input.productId) throw new AppError("NOT_FOUND", "No such plan");
    await o.db.prisma.plan.update({ where: { id }, data });
  } else {
    await o.db.prisma.plan.create({ data: { id, productId: input.productId, ...data } });
  }
  await audit(o, input.id ? "portal.plan-updated" : "portal.plan-created", `plan:${product.slug}/${input.name}`);
  await syncPortalConfig({ db: o.db, bus: o.bus, actor: o.actor, ip: o.ip, reason: `plan ${input.name} of ${product.slug} saved` });
  return { id };
}

export async function deletePlan(o: Actor & { id: string }): Promise<{ ok: true }> {
  const inUse = await o.db.prisma.subscription.count({ where: { planId: o.id } });
  if (inUse > 0) throw new AppError("CONFLICT", `${inUse} subscription(s) are on this plan; move them first`);
  await o.db.prisma.plan.delete({ where: { id: o.id } }).catch(() => { throw new AppError("NOT_FOUND", "No such plan"); });
  await audit(o, "portal.plan-deleted", `plan:${o.id}`);
  return { ok: true };
}

export { newPortalId };
