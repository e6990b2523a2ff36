import { z } from "zod";
import { adminProcedure, authedProcedure, publicProcedure, router } from "../trpc.ts";
import { createApiToken } from "./create-api-token.ts";
import { loginUser } from "./login-user.ts";
import { logoutSession } from "./logout-session.ts";
import { clearedSessionCookie, sessionCookie } from "./session-cookie.ts";

export const authRouter = router({
  login: publicProcedure
    .input(z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const { token, username, role } = await loginUser({ db: ctx.db, username: input.username, password: input.password, ip: ctx.ip });
      ctx.setCookie(sessionCookie(token));
      return { username, role };
    }),

  // Any signed-in role may end its own session.
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await logoutSession({ db: ctx.db, sessionToken: ctx.sessionToken });
    ctx.setCookie(clearedSessionCookie());
    return { ok: true };
  }),

  me: authedProcedure.query(({ ctx }) => ({ username: ctx.session.username, role: ctx.session.role })),

  createToken: adminProcedure
    .input(z.object({ name: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => createApiToken({ db: ctx.db, userId: ctx.session.userId, name: input.name, actor: ctx.session.username, ip: ctx.ip })),
});
