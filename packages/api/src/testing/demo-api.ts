import type { TRPCError } from "@trpc/server";
import { createDb, migrate, type Db } from "@switchyard/db";
import { databaseTargets, type DatabaseSetup } from "@switchyard/db/testing";
import { createBus, type Bus } from "../bus.ts";
import { demoConfig } from "../config-router/demo-config.ts";
import { publishConfig } from "../config-router/publish-config.ts";
import { appRouter } from "../router.ts";
import { createCallerFactory } from "../trpc.ts";

const callerFor = createCallerFactory(appRouter);
export type ApiCaller = ReturnType<typeof callerFor>;

export interface DemoApi {
  db: Db;
  bus: Bus;
  /** The API as an editor sees it, called in-process (no HTTP). */
  editor: ApiCaller;
  /** The API as a user of `role` sees it. */
  as(role: "admin" | "editor" | "viewer"): ApiCaller;
  close(): Promise<void>;
}

/** A migrated embedded database holding the demo config, and an editor's caller on it. */
export async function startDemoApi(): Promise<DemoApi> {
  const setup: DatabaseSetup = await databaseTargets()[0]!.setup();
  const db = await createDb({ databaseUrl: setup.databaseUrl, dataDir: setup.dataDir });
  const bus = createBus();
  try {
    await migrate(db);
    await publishConfig({ db, bus, actor: "test", action: "seed", target: "config", build: () => demoConfig(19001) });
  } catch (e) {
    await db.close();
    await setup.cleanup();
    throw e;
  }
  const as = (role: "admin" | "editor" | "viewer") =>
    callerFor({ db, bus, ip: "127.0.0.1", setCookie: () => {}, sessionToken: null, session: { userId: role, username: role === "editor" ? "ed" : role, role, via: "cookie" } });
  return {
    db, bus, editor: as("editor"), as,
    async close() {
      await db.close();
      await setup.cleanup();
    },
  };
}

/** The tRPC code and field errors of a call expected to be refused. */
export async function refusal(promise: Promise<unknown>): Promise<TRPCError & { fieldErrors: { path: string; message: string }[] | null }> {
  try {
    await promise;
  } catch (error) {
    const e = error as TRPCError;
    const cause = e.cause as { fieldErrors?: { path: string; message: string }[] } | undefined;
    return Object.assign(e, { fieldErrors: cause?.fieldErrors ?? null });
  }
  throw new Error("expected the call to be refused");
}
