import { z } from "zod";
import { authedProcedure, editorProcedure, router } from "../trpc.ts";
import { applyConfig } from "./apply-config.ts";
import { getCurrentConfig } from "./get-current-config.ts";
import { listConfigVersions } from "./list-config-versions.ts";

export const configRouter = router({
  current: authedProcedure.query(({ ctx }) => getCurrentConfig({ db: ctx.db })),

  // The contract's `config.apply`: tRPC reserves `apply` (and `call`, `then`) as procedure names,
  // because its client is a proxy of functions. The config itself is validated by the publish
  // path, so its errors carry config-relative paths.
  replace: editorProcedure
    .input(z.object({ config: z.unknown(), message: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) =>
      applyConfig({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, config: input.config ?? {}, message: input.message }),
    ),

  versions: authedProcedure.query(({ ctx }) => listConfigVersions({ db: ctx.db })),
});
