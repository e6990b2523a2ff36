// Plan changes, route renames and deletes under API products, and the portal's re-sync into the
// gateway config (rollback, control-plane start), through the tRPC API on an embedded database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import type { GatewayConfig } from "@switchyard/config";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { createDb, migrate, type Db } from "@switchyard/db";
import { databaseTargets, type DatabaseSetup } from "@switchyard/db/testing";
import { createBus } from "../bus.ts";
import { demoConfig } from "../config-router/demo-config.ts";
import { getCurrentConfig } from "../config-router/get-current-config.ts";
import { publishConfig } from "../config-router/publish-config.ts";
import type { Context } from "../context.ts";
import { emptyHistogram } from "../metrics-router/histogram.ts";
import { recordMetricMinutes } from "../metrics-router/record-metric-minutes.ts";
import { appRouter } from "../router.ts";
import { createCallerFactory } from "../trpc.ts";
import { configurePortalMail } from "./auth/mail-sender.ts";
import { PORTAL_CUSTOM_ID_PREFIX, PORTAL_POLICY_PREFIX } from "./gateway-sync/build-portal-config.ts";
import { resyncPortalConfig } from "./gateway-sync/resync-portal-config.ts";

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as TRPCError).code, message: (error as TRPCError).message };
  }
  return { code: "OK", message: "" };
}

const HOUR = 3_600_000;
const portalPolicies = (c: GatewayConfig) => (c.policies ?? []).filter((p) => p.name.startsWith(PORTAL_POLICY_PREFIX)).map((p) => `${p.name}@${p.scope.kind}:${"name" in p.scope ? p.scope.name : ""}`).sort();
const current = async (db: Db) => (await getCurrentConfig({ db }))!;

describe("developer portal lifecycle through tRPC (PGlite)", () => {
  let setup: DatabaseSetup;
  let db: Db;
  const bus = createBus();
  const caller = createCallerFactory(appRouter);
  const mails: string[] = [];
  let cookies: string[] = [];
  const base = (over: Partial<Context>): Context => ({ db, bus, ip: "127.0.0.1", setCookie: (c) => cookies.push(c), sessionToken: null, session: null, ...over });
  const admin = () => caller(base({ session: { userId: "a", username: "admin", role: "admin", via: "cookie" } }));
  const anon = () => caller(base({}));
  let dev: ReturnType<typeof caller>;
  let productId = "";
  let starter = "";
  let pro = "";
  let subscriptionId = "";
  let appId = "";
  let key = "";

  beforeAll(async () => {
    setup = await databaseTargets()[0]!.setup();
    db = await createDb({ databaseUrl: setup.databaseUrl, dataDir: setup.dataDir });
    await migrate(db);
    await publishConfig({ db, bus, actor: "test", action: "seed", target: "config", build: () => demoConfig(19001) });
    configurePortalMail({ portalUrl: "http://portal.test", sender: { send: async (m) => void mails.push(m.link) } });
    const product = await admin().portal.admin.saveProduct({ product: { name: "Users API", slug: "users-api", routes: ["users", "orders"] } });
    productId = product.id;
    starter = (await admin().portal.admin.savePlan({ plan: { productId, name: "Starter", perMinute: 5, price: { kind: "per-request", unitMicros: 1000 } } })).id;
    pro = (await admin().portal.admin.savePlan({ plan: { productId, name: "Pro", perMinute: 100, monthlyQuota: 50_000, price: { kind: "per-request", unitMicros: 400 } } })).id;
    await anon().portal.auth.signUp({ email: "dev@example.com", password: "long-enough-password" });
    await anon().portal.auth.verifyEmail({ token: new URL(mails.at(-1)!).searchParams.get("token")! });
    cookies = [];
    await anon().portal.auth.signIn({ email: "dev@example.com", password: "long-enough-password" });
    dev = caller(base({ devSessionToken: decodeURIComponent(/sy_dev_session=([^;]+)/.exec(cookies[0]!)![1]!) }));
    appId = (await dev.portal.apps.create({ name: "Station" })).id;
    const sub = await dev.portal.apps.subscribe({ appId, productSlug: "users-api", planId: starter });
    subscriptionId = sub.subscriptionId;
    key = sub.key;
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await setup?.cleanup();
  });

  it("moves a subscription to another plan (developer, then admin): new limits at the gateway, the statement itemizes the change", async () => {
    const apps = await dev.portal.apps.list();
    expect(apps[0]!.subscriptions[0]!.plans.map((p) => p.name)).toEqual(["Starter", "Pro"]);
    const moved = await dev.portal.apps.changePlan({ subscriptionId, planId: pro });
    expect(moved).toMatchObject({ changed: true, plan: "Pro" });
    const limits = (await current(db)).config.policies!.find((p) => p.name === `portal-plan-${subscriptionId}`)!.config;
    expect(limits).toMatchObject({ minute: 100, month: 50_000 });
    expect((await dev.portal.apps.changePlan({ subscriptionId, planId: pro })).changed).toBe(false);

    // Put the change mid-day on the 2nd of this month, with a call on each side of it.
    const month = new Date().toISOString().slice(0, 7);
    const day2 = Date.parse(`${month}-02T00:00:00Z`);
    const periods = await db.prisma.subscriptionPlanPeriod.findMany({ where: { subscriptionId }, orderBy: { startsAt: "asc" } });
    expect(periods.map((p) => [p.planId, p.endsAt === null])).toEqual([[starter, false], [pro, true]]);
    await db.prisma.subscriptionPlanPeriod.update({ where: { id: periods[0]!.id }, data: { startsAt: new Date(day2 - 24 * HOUR), endsAt: new Date(day2 + 12 * HOUR) } });
    await db.prisma.subscriptionPlanPeriod.update({ where: { id: periods[1]!.id }, data: { startsAt: new Date(day2 + 12 * HOUR) } });
    const cell = (minute: number, count: number) => ({
      minute,
      cells: [{ route: "users", service: "user-service", subset: "v1", code: 200, flag: "", consumer: `app-${subscriptionId}`, count, latencySumMs: count, latency: emptyHistogram(), requestBytes: 0, responseBytes: 0 }],
    });
    await recordMetricMinutes({ db, ...cell(day2 + 6 * HOUR, 10) });
    await recordMetricMinutes({ db, ...cell(day2 + 18 * HOUR, 10) });
    const statement = await dev.portal.apps.statement({ appId, month });
    expect(statement.products[0]!.lines).toEqual([
      { date: `${month}-02`, planName: "Starter", requests: 10, amountMicros: 10_000 },
      { date: `${month}-02`, planName: "Pro", requests: 10, amountMicros: 4_000 },
    ]);
    expect(statement.products[0]!.planPeriods.map((p) => [p.planName, p.from, p.to])).toEqual([
      ["Starter", `${month}-01T00:00:00.000Z`, `${month}-02T12:00:00.000Z`],
      ["Pro", `${month}-02T12:00:00.000Z`, null],
    ]);
    expect(statement.totalMicros).toBe(14_000);

    // The admin moves it back from the subscriptions page; the audit says who.
    const subs = await admin().portal.admin.subscriptions({});
    expect(subs[0]).toMatchObject({ planId: pro, plans: [{ id: starter, name: "Starter" }, { id: pro, name: "Pro" }] });
    expect(await admin().portal.admin.changeSubscriptionPlan({ id: subscriptionId, planId: starter })).toMatchObject({ changed: true, plan: "Starter" });
    expect((await current(db)).config.policies!.find((p) => p.name === `portal-plan-${subscriptionId}`)!.config).toMatchObject({ minute: 5 });
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "portal.plan-changed" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actor, a.detail])).toEqual([["developer:dev@example.com", { from: "Starter", to: "Pro" }], ["admin", { from: "Pro", to: "Starter" }]]);

    // A plan of another product, someone else's subscription, a cancelled subscription: refused.
    const other = await admin().portal.admin.saveProduct({ product: { name: "Orders", slug: "orders-api", routes: ["orders"] } });
    const otherPlan = await admin().portal.admin.savePlan({ plan: { productId: other.id, name: "Free", perSecond: 2 } });
    expect((await errorOf(dev.portal.apps.changePlan({ subscriptionId, planId: otherPlan.id }))).code).toBe("NOT_FOUND");
    expect((await errorOf(admin().portal.admin.changeSubscriptionPlan({ id: "nope", planId: pro }))).code).toBe("NOT_FOUND");
    await admin().portal.admin.deleteProduct({ id: other.id });
  }, 60_000);

  it("renaming a route carries the products and the portal's policies along in one version", async () => {
    // An admin's own policy on the route, too.
    await publishConfig({ db, bus, actor: "test", action: "test", target: "config", build: (c) => ({ ...c, policies: [...(c.policies ?? []), { type: "cors", name: "site-cors", scope: { kind: "route", name: "users" } }] }) });
    const before = await current(db);
    expect(portalPolicies(before.config)).toContain("portal-key-auth-users@route:users");
    const users = before.config.routes.find((r) => r.name === "users")!;
    const renamed = await admin().routes.upsert({ route: { ...users, name: "people" }, originalName: "users" });
    expect(renamed.version).toBe(before.version + 1);
    const after = await current(db);
    expect(after.config.routes.map((r) => r.name)).toContain("people");
    expect(after.config.routes.map((r) => r.name)).not.toContain("users");
    expect(portalPolicies(after.config)).toEqual([
      "portal-acl-orders@route:orders", "portal-acl-people@route:people",
      "portal-key-auth-orders@route:orders", "portal-key-auth-people@route:people",
      `portal-plan-${subscriptionId}@consumer:app-${subscriptionId}`,
    ]);
    expect(after.config.policies!.find((p) => p.name === "site-cors")!.scope).toEqual({ kind: "route", name: "people" });
    // The key still opens the renamed route.
    expect(after.config.consumers!.find((c) => c.username === `app-${subscriptionId}`)!.credentials.key_auth.map((k) => k.key_hash)).toEqual([hashApiKey(key)]);
    const product = await db.prisma.apiProduct.findUniqueOrThrow({ where: { id: productId } });
    expect(product.routes).toEqual(["people", "orders"]);
    expect((await admin().portal.admin.product({ slug: "users-api" })).routes).toEqual(["people", "orders"]);
    // A later portal change builds on the renamed state: nothing changes.
    expect((await resyncPortalConfig({ db, bus, reason: "check" }))!.changed).toBe(false);
  }, 30_000);

  it("refuses to delete a route a product uses (409 naming the products), deletes an unused one", async () => {
    const before = await current(db);
    const refused = await errorOf(admin().routes.delete({ name: "people" }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toContain('"Users API" (users-api)');
    expect((await current(db)).version).toBe(before.version);
    const orders = before.config.routes.find((r) => r.name === "orders")!;
    await admin().routes.upsert({ route: { ...orders, name: "spare", path: { type: "prefix", value: "/spare" } } });
    const deleted = await admin().routes.delete({ name: "spare" });
    expect(deleted.version).toBe(before.version + 2);
    expect((await current(db)).config.routes.map((r) => r.name).sort()).toEqual(["orders", "people"]);
  }, 30_000);

  it("re-applies the portal after a rollback to a version without it, and at start when the config lost it", async () => {
    const withPortal = await current(db);
    // Version 1 is the demo config from before the portal existed.
    const back = await admin().config.rollback({ version: 1 });
    const rolled = await current(db);
    expect(rolled.version).toBe(back.version);
    expect(portalPolicies(rolled.config)).toContain(`portal-plan-${subscriptionId}@consumer:app-${subscriptionId}`);
    expect(rolled.config.consumers!.find((c) => c.username === `app-${subscriptionId}`)!.credentials.key_auth.map((k) => k.key_hash)).toEqual([hashApiKey(key)]);
    // Version 1 still has "users", not "people": the product's route that exists is protected, the other is skipped.
    expect(portalPolicies(rolled.config).filter((p) => p.includes("@route:"))).toEqual(["portal-acl-orders@route:orders", "portal-key-auth-orders@route:orders"]);
    expect(withPortal.version).toBeLessThan(rolled.version);

    // A crash between a portal change and its publish: the stored config lacks the projection.
    await publishConfig({
      db, bus, actor: "test", action: "test", target: "config",
      build: (c) => ({ ...c, policies: (c.policies ?? []).filter((p) => !p.name.startsWith(PORTAL_POLICY_PREFIX)), consumers: (c.consumers ?? []).filter((x) => !x.custom_id?.startsWith(PORTAL_CUSTOM_ID_PREFIX)) }),
    });
    const lost = await current(db);
    expect(portalPolicies(lost.config)).toEqual([]);
    const resynced = await resyncPortalConfig({ db, bus, reason: "re-sync at control-plane start" });
    expect(resynced).toMatchObject({ changed: true, version: lost.version + 1 });
    expect((await current(db)).hash).toBe(rolled.hash);
    // Intact: no new version at the next start.
    expect((await resyncPortalConfig({ db, bus, reason: "again" }))!.changed).toBe(false);
  }, 30_000);
});
