import { AppError } from "../app-error.ts";
import { publicProcedure } from "../trpc.ts";
import { resolveDeveloper } from "./auth/resolve-developer.ts";

/**
 * Procedures of a signed-in portal developer (cookie sy_dev_session). A console session is not
 * a developer session: with one and no developer session the answer is FORBIDDEN.
 */
export const developerProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const developer = await resolveDeveloper({ db: ctx.db, token: ctx.devSessionToken ?? null });
  if (!developer) {
    if (ctx.session) throw new AppError("FORBIDDEN", "This needs a developer portal session, not a console session");
    throw new AppError("UNAUTHENTICATED", "Sign in to the developer portal");
  }
  return next({ ctx: { ...ctx, developer } });
});

/** Paths of the portal's procedures that need no session at all. */
export const PORTAL_PUBLIC_PROCEDURES = [
  "portal.auth.signUp",
  "portal.auth.verifyEmail",
  "portal.auth.signIn",
  "portal.auth.requestPasswordReset",
  "portal.auth.resetPassword",
  "portal.auth.me",
  "portal.catalog.list",
  "portal.catalog.get",
] as const;
