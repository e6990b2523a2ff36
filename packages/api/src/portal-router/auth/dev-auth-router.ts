import { z } from "zod";
import { publicProcedure, router } from "../../trpc.ts";
import { developerProcedure } from "../portal-procedures.ts";
import { clearedDevSessionCookie, devSessionCookie } from "./dev-session-cookie.ts";
import { requestPasswordReset, resetDeveloperPassword, signInDeveloper, signOutDeveloper, signUpDeveloper, verifyDeveloperEmail } from "./developer-auth.ts";
import { resolveDeveloper } from "./resolve-developer.ts";

const Email = z.email().max(254);
const Password = z.string().min(10, "At least 10 characters").max(1000);
const Token = z.string().min(10).max(200);

export const devAuthRouter = router({
  signUp: publicProcedure.input(z.object({ email: Email, password: Password })).mutation(({ ctx, input }) => signUpDeveloper({ db: ctx.db, ...input })),
  verifyEmail: publicProcedure.input(z.object({ token: Token })).mutation(({ ctx, input }) => verifyDeveloperEmail({ db: ctx.db, token: input.token })),
  signIn: publicProcedure
    .input(z.object({ email: Email, password: z.string().min(1).max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const { token, email } = await signInDeveloper({ db: ctx.db, ...input, ip: ctx.ip });
      ctx.setCookie(devSessionCookie(token));
      return { email };
    }),
  requestPasswordReset: publicProcedure.input(z.object({ email: Email })).mutation(({ ctx, input }) => requestPasswordReset({ db: ctx.db, email: input.email })),
  resetPassword: publicProcedure.input(z.object({ token: Token, password: Password })).mutation(({ ctx, input }) => resetDeveloperPassword({ db: ctx.db, ...input })),
  /** The signed-in developer, or null: portal pages render for visitors too. */
  me: publicProcedure.query(({ ctx }) => resolveDeveloper({ db: ctx.db, token: ctx.devSessionToken ?? null })),
  signOut: developerProcedure.mutation(async ({ ctx }) => {
    await signOutDeveloper({ db: ctx.db, token: ctx.devSessionToken ?? null });
    ctx.setCookie(clearedDevSessionCookie());
    return { ok: true };
  }),
});
