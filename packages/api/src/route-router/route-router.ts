import { z } from "zod";
import { RolloutSchema } from "@switchyard/config";
import { authedProcedure, editorProcedure, router } from "../trpc.ts";
import { deleteRoute } from "./delete-route.ts";
import { getRoute, listRoutes } from "./list-routes.ts";
import { upsertRoute } from "./upsert-route.ts";

export const routeRouter = router({
  list: authedProcedure.query(({ ctx }) => listRoutes({ db: ctx.db, role: ctx.session.role })),

  get: authedProcedure.input(z.object({ name: z.string() })).query(({ ctx, input }) => getRoute({ db: ctx.db, role: ctx.session.role, name: input.name })),

  // `route` is validated by the service so error paths are relative to the route.
  upsert: editorProcedure
    .input(z.object({ route: z.unknown(), originalName: z.string().optional(), message: z.string().max(500).optional(), rollout: RolloutSchema.optional() }))
    .mutation(({ ctx, input }) =>
      upsertRoute({
        db: ctx.db,
        bus: ctx.bus,
        actor: ctx.session.username,
        ip: ctx.ip,
        route: input.route,
        originalName: input.originalName,
        message: input.message,
        rollout: input.rollout,
      }),
    ),

  delete: editorProcedure
    .input(z.object({ name: z.string(), message: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => deleteRoute({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, name: input.name, message: input.message })),
});
