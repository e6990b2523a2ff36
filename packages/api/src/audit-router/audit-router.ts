import { z } from "zod";
import { adminProcedure, router } from "../trpc.ts";
import { listAuditEvents } from "./list-audit-events.ts";

export const auditRouter = router({
  // Admins only: the log names users and their addresses.
  list: adminProcedure
    .input(
      z.object({
        search: z.string().max(200).optional(),
        action: z.string().max(100).optional(),
        limit: z.number().int().min(1).max(500).default(50),
        cursor: z.string().regex(/^\d{1,19}$/).optional(),
      }),
    )
    .query(({ ctx, input }) => listAuditEvents({ db: ctx.db, search: input.search, action: input.action, limit: input.limit, cursor: input.cursor })),
});
