import { z } from "zod";
import { POLICY_TYPES, type PolicyType } from "@switchyard/config";
import { authedProcedure, editorProcedure, router } from "../trpc.ts";
import { getPolicy, listPolicies, policiesForRoute } from "./list-policies.ts";
import { deletePolicy, upsertPolicy } from "./upsert-policy.ts";

const PolicyTypeInput = z.enum(POLICY_TYPES as [PolicyType, ...PolicyType[]]);

export const policyRouter = router({
  list: authedProcedure
    .input(z.object({ type: PolicyTypeInput.optional(), scope: z.enum(["global", "service", "route", "consumer"]).optional(), search: z.string().max(200).optional() }).optional())
    .query(({ ctx, input }) => listPolicies({ db: ctx.db, role: ctx.session.role, type: input?.type, scope: input?.scope, search: input?.search })),

  get: authedProcedure.input(z.object({ name: z.string() })).query(({ ctx, input }) => getPolicy({ db: ctx.db, role: ctx.session.role, name: input.name })),

  /** Policies that run for each rule of a route, in run order. */
  forRoute: authedProcedure.input(z.object({ name: z.string() })).query(({ ctx, input }) => policiesForRoute({ db: ctx.db, name: input.name })),

  // `policy` is validated by the service function so error paths are relative to the policy.
  upsert: editorProcedure
    .input(z.object({ policy: z.unknown(), originalName: z.string().optional() }))
    .mutation(({ ctx, input }) => upsertPolicy({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, policy: input.policy, originalName: input.originalName })),

  delete: editorProcedure
    .input(z.object({ name: z.string() }))
    .mutation(({ ctx, input }) => deletePolicy({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, name: input.name })),
});
