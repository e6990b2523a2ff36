import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { getService, listServices } from "./list-services.ts";

export const serviceRouter = router({
  list: authedProcedure.query(({ ctx }) => listServices({ db: ctx.db })),
  get: authedProcedure.input(z.object({ name: z.string() })).query(({ ctx, input }) => getService({ db: ctx.db, name: input.name })),
});
