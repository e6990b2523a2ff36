import { z } from "zod";
import { router } from "../../trpc.ts";
import { appStatement, appStatementCsv } from "../billing/app-statement.ts";
import { developerUsage } from "../billing/read-usage.ts";
import { developerProcedure } from "../portal-procedures.ts";
import { cancelSubscription, changePlan, createApp, createKey, deleteApp, listApps, revokeKey, rotateKey, subscribe } from "./manage-apps.ts";

const Id = z.string().min(1).max(64);
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM");

/** A developer's apps, subscriptions, keys, usage and statements. */
export const appsRouter = router({
  list: developerProcedure.query(({ ctx }) => listApps({ db: ctx.db, developerId: ctx.developer.id })),
  create: developerProcedure
    .input(z.object({ name: z.string().trim().min(1, "Name is required").max(80), description: z.string().max(500).default("") }))
    .mutation(({ ctx, input }) => createApp({ ...dev(ctx), ...input })),
  delete: developerProcedure.input(z.object({ appId: Id })).mutation(({ ctx, input }) => deleteApp({ ...dev(ctx), appId: input.appId })),
  subscribe: developerProcedure
    .input(z.object({ appId: Id, productSlug: z.string().min(1).max(63), planId: Id }))
    .mutation(({ ctx, input }) => subscribe({ ...dev(ctx), ...input })),
  changePlan: developerProcedure.input(z.object({ subscriptionId: Id, planId: Id })).mutation(({ ctx, input }) => changePlan({ ...dev(ctx), ...input })),
  cancel: developerProcedure.input(z.object({ subscriptionId: Id })).mutation(({ ctx, input }) => cancelSubscription({ ...dev(ctx), ...input })),
  createKey: developerProcedure.input(z.object({ subscriptionId: Id })).mutation(({ ctx, input }) => createKey({ ...dev(ctx), ...input })),
  rotateKey: developerProcedure.input(z.object({ keyId: Id })).mutation(({ ctx, input }) => rotateKey({ ...dev(ctx), ...input })),
  revokeKey: developerProcedure.input(z.object({ keyId: Id })).mutation(({ ctx, input }) => revokeKey({ ...dev(ctx), ...input })),
  usage: developerProcedure
    .input(z.object({ days: z.number().int().min(1).max(90).default(30) }).default({ days: 30 }))
    .query(({ ctx, input }) => developerUsage({ db: ctx.db, developerId: ctx.developer.id, days: input.days })),
  statement: developerProcedure
    .input(z.object({ appId: Id, month: Month }))
    .query(({ ctx, input }) => appStatement({ db: ctx.db, appId: input.appId, month: input.month, developerId: ctx.developer.id })),
  statementCsv: developerProcedure
    .input(z.object({ appId: Id, month: Month }))
    .query(async ({ ctx, input }) => ({ csv: appStatementCsv(await appStatement({ db: ctx.db, appId: input.appId, month: input.month, developerId: ctx.developer.id })) })),
});

function dev(ctx: { db: import("@switchyard/db").Db; bus: import("../../bus.ts").Bus; developer: { id: string; email: string }; ip: string }) {
  return { db: ctx.db, bus: ctx.bus, developerId: ctx.developer.id, email: ctx.developer.email, ip: ctx.ip };
}
