import { z } from "zod";
import { adminProcedure, authedProcedure, router } from "../../trpc.ts";
import { getCurrentConfig } from "../../config-router/get-current-config.ts";
import { revenueSummary } from "../billing/app-statement.ts";
import { getCatalogProduct } from "../catalog/read-catalog.ts";
import { starterOpenApi } from "../openapi/starter-openapi.ts";
import { validateOpenApi } from "../openapi/validate-openapi.ts";
import { deletePlan, deleteProduct, savePlan, saveProduct } from "./manage-products.ts";
import { listDevelopers, listSubscriptions, setSubscriptionStatus } from "./manage-subscriptions.ts";
import { toPlanView } from "./plan-view.ts";
import { changeSubscriptionPlan } from "../subscriptions/change-subscription-plan.ts";

const Id = z.string().min(1).max(64);

/** Console side of the portal: products, plans, developers, subscriptions, revenue. */
export const portalAdminRouter = router({
  products: authedProcedure.query(async ({ ctx }) => {
    const products = await ctx.db.prisma.apiProduct.findMany({ orderBy: { name: "asc" }, include: { plans: { orderBy: { createdAt: "asc" } }, _count: { select: { subscriptions: true } } } });
    return products.map((p) => ({
      id: p.id, slug: p.slug, name: p.name, description: p.description, routes: p.routes, published: p.published,
      requiresApproval: p.requiresApproval, hasOpenapi: p.openapi !== null, subscriptions: p._count.subscriptions, plans: p.plans.map(toPlanView),
    }));
  }),
  product: authedProcedure.input(z.object({ slug: z.string().min(1).max(63) })).query(({ ctx, input }) => getCatalogProduct({ db: ctx.db, slug: input.slug, includeUnpublished: true })),
  saveProduct: adminProcedure.input(z.object({ product: z.unknown() })).mutation(({ ctx, input }) =>
    saveProduct({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, product: input.product as never }),
  ),
  deleteProduct: adminProcedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => deleteProduct({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, id: input.id })),
  savePlan: adminProcedure.input(z.object({ plan: z.unknown() })).mutation(({ ctx, input }) =>
    savePlan({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, plan: input.plan as never }),
  ),
  deletePlan: adminProcedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => deletePlan({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, id: input.id })),
  validateOpenapi: authedProcedure.input(z.object({ text: z.string().max(2_000_000) })).query(async ({ input }) => {
    const v = await validateOpenApi(input.text);
    return v.ok ? { ok: true as const, title: v.title, version: v.version, operations: v.operations, problems: [] } : { ok: false as const, problems: v.problems };
  }),
  starterOpenapi: authedProcedure
    .input(z.object({ name: z.string().max(120), description: z.string().max(5000).default(""), routes: z.array(z.string().max(63)).max(200), serverUrl: z.string().max(500).default("http://127.0.0.1:8080") }))
    .query(async ({ ctx, input }) => {
      const current = await getCurrentConfig({ db: ctx.db });
      const routes = (current?.config.routes ?? []).filter((r) => input.routes.includes(r.name));
      return { text: starterOpenApi({ title: input.name || "API", description: input.description, routes, serverUrl: input.serverUrl }) };
    }),
  developers: authedProcedure.query(({ ctx }) => listDevelopers({ db: ctx.db })),
  subscriptions: authedProcedure
    .input(z.object({ status: z.enum(["pending", "active", "suspended", "rejected", "cancelled"]).optional() }).default({}))
    .query(({ ctx, input }) => listSubscriptions({ db: ctx.db, status: input.status })),
  setSubscriptionStatus: adminProcedure
    .input(z.object({ id: Id, action: z.enum(["approve", "reject", "suspend", "resume"]) }))
    .mutation(({ ctx, input }) => setSubscriptionStatus({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, id: input.id, action: input.action })),
  changeSubscriptionPlan: adminProcedure
    .input(z.object({ id: Id, planId: Id }))
    .mutation(({ ctx, input }) => changeSubscriptionPlan({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, subscriptionId: input.id, planId: input.planId })),
  revenue: authedProcedure
    .input(z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }))
    .query(({ ctx, input }) => revenueSummary({ db: ctx.db, month: input.month })),
});
