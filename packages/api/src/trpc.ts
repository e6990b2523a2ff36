import { initTRPC, TRPCError } from "@trpc/server";
import type { FieldError } from "@switchyard/config";
import { APP_ERROR_CODES, AppError, isAppError } from "./app-error.ts";
import type { Context } from "./context.ts";
import type { Role } from "./auth-router/roles.ts";

const t = initTRPC.context<Context>().create({
  // No stack traces in responses, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        appCode: isAppError(cause) ? cause.code : null,
        fieldErrors: isAppError(cause) ? cause.fieldErrors : inputFieldErrors(error),
      },
    };
  },
});

/** Input that failed a procedure's own schema: report it in the same field-error form. */
function inputFieldErrors(error: TRPCError): FieldError[] | null {
  if (error.code !== "BAD_REQUEST") return null;
  const issues = (error.cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return null;
  return issues.map((issue: { path?: readonly unknown[]; message?: string }) => ({
    path: (issue.path ?? []).map((p) => String(typeof p === "object" && p !== null && "key" in p ? (p as { key: unknown }).key : p)).join("."),
    message: issue.message ?? "Invalid value",
  }));
}

/** Maps AppError to its tRPC code once, for every procedure. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: APP_ERROR_CODES[cause.code], message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapAppErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new AppError("UNAUTHENTICATED", "Sign in or send an API token");
  return next({ ctx: { ...ctx, session: ctx.session } });
});

function requireRole(...roles: Role[]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.session.role)) {
      throw new AppError("FORBIDDEN", `This needs role ${roles.join(" or ")}; you are ${ctx.session.role}`);
    }
    return next();
  });
}

/** Changes to config: editors and admins. */
export const editorProcedure = requireRole("editor", "admin");
export const adminProcedure = requireRole("admin");
