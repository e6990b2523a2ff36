import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createBus } from "./bus.ts";
import type { Context } from "./context.ts";
import { appRouter } from "./router.ts";
import { createCallerFactory } from "./trpc.ts";

// Only the middleware runs in these cases: the database is never reached.
function context(session: Context["session"]): Context {
  return { db: undefined as never, session, ip: "127.0.0.1", setCookie: () => {}, bus: createBus(), sessionToken: null };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return (error as TRPCError).code;
  }
  return "OK";
}

describe("procedure guards", () => {
  const caller = createCallerFactory(appRouter);

  it("maps UNAUTHENTICATED to UNAUTHORIZED and FORBIDDEN to FORBIDDEN", async () => {
    expect(await codeOf(caller(context(null)).config.current())).toBe("UNAUTHORIZED");
    const viewer = caller(context({ userId: "u", username: "v", role: "viewer", via: "cookie" }));
    expect(await codeOf(viewer.routes.delete({ name: "x" }))).toBe("FORBIDDEN");
    const editor = caller(context({ userId: "u", username: "e", role: "editor", via: "cookie" }));
    expect(await codeOf(editor.auth.createToken({ name: "x" }))).toBe("FORBIDDEN");
    expect(await editor.auth.me()).toEqual({ username: "e", role: "editor" });
  });
});
