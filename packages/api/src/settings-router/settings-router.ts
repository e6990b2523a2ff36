import { z } from "zod";
import { authedProcedure, editorProcedure, router } from "../trpc.ts";
import { getSettings, updateSettings } from "./update-settings.ts";

export const settingsRouter = router({
  get: authedProcedure.query(({ ctx }) => getSettings({ db: ctx.db, role: ctx.session.role })),

  // `settings` is validated by the service function so error paths are relative to the settings.
  update: editorProcedure
    .input(z.object({ settings: z.unknown() }))
    .mutation(({ ctx, input }) => updateSettings({ db: ctx.db, bus: ctx.bus, actor: ctx.session.username, ip: ctx.ip, settings: input.settings })),
});
