import { z } from "zod";
import { authedProcedure, editorProcedure, router } from "../trpc.ts";
import { deleteService } from "./delete-service.ts";
import { getService, listServices } from "./list-services.ts";
import { upsertService } from "./upsert-service.ts";

export const serviceRouter = router({
  list: authedProcedure.query(({ ctx }) => listServices({ db: ctx.db, role: ctx.session.role })),
  get: authedProcedure.input(z.object({ name: z.string() })).query(({ ctx, input }) => getService({ db: ctx.db, role: ctx.session.role, name: input.name })),

  // `service` is validated by the service function so error paths are relative to the service.
  upsert: editorProcedure
    .input(z.object({ service: z.unknown(), originalName: z.string().optional(), create: z.boolean().optional(), message: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) =>
      upsertService({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, service: input.service, originalName: input.originalName, create: input.create, message: input.message }),
    ),

  delete: editorProcedure
    .input(z.object({ name: z.string(), message: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => deleteService({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, name: input.name, message: input.message })),
});
