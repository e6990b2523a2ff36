import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { GatewayConfigSchema } from "@switchyard/config";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { createDb, migrate, type Db } from "@switchyard/db";
import { databaseTargets, type DatabaseSetup } from "@switchyard/db/testing";
import { createBus } from "../bus.ts";
import { demoConfig } from "../config-router/demo-config.ts";
import { getCurrentConfig } from "../config-router/get-current-config.ts";
import { publishConfig } from "../config-router/publish-config.ts";
import type { Context } from "../context.ts";
import { appRouter } from "../router.ts";
import { createCallerFactory } from "../trpc.ts";
import { recordMetricMinutes } from "../metrics-router/record-metric-minutes.ts";
import { emptyHistogram } from "../metrics-router/histogram.ts";
import { configurePortalMail } from "./auth/mail-sender.ts";
import { syncPortalConfig } from "./gateway-sync/sync-portal-config.ts";

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as TRPCError).code;
  }
  return "OK";
}

describe("developer portal through tRPC (PGlite)", () => {
  let setup: DatabaseSetup;
  let db: Db;
  const bus = createBus();
  const caller = createCallerFactory(appRouter);
  const mails: { to: string; link: string }[] = [];
  let cookies: string[] = [];
  const base = (over: Partial<Context>): Context => ({ db, bus, ip: "127.0.0.1", setCookie: (c) => cookies.push(c), sessionToken: null, session: null, ...over });
  const admin = () => caller(base({ session: { userId: "a", username: "admin", role: "admin", via: "cookie" } }));
  const anon = () => caller(base({}));
  const devCaller = (token: string) => caller(base({ devSessionToken: token }));

  beforeAll(async () => {
    setup = await databaseTargets()[0]!.setup();
    db = await createDb({ databaseUrl: setup.databaseUrl, dataDir: setup.dataDir });
    await migrate(db);
    await publishConfig({ db, bus, actor: "test", action: "seed", target: "config", build: () => demoConfig(19001) });
    configurePortalMail({ portalUrl: "http://portal.test", sender: { send: async (m) => void mails.push({ to: m.to, link: m.link }) } });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await setup?.cleanup();
  });

  it("runs sign-up → verify → sign-in → app → subscribe → key at the gateway config → suspend → resume", async () => {
    const product = await admin().portal.admin.saveProduct({ product: { name: "Users API", slug: "users-api", description: "People", routes: ["users"] } });
    const { id: planId } = await admin().portal.admin.savePlan({ plan: { productId: product.id, name: "Starter", perMinute: 5, price: { kind: "per-request", unitMicros: 1000 } } });

    await anon().portal.auth.signUp({ email: "Dev@Example.com", password: "long-enough-password" });
    const link = mails.at(-1)!;
    expect(link.to).toBe("dev@example.com");
    expect(link.link).toMatch(/^http:\/\/portal\.test\/portal\/verify\?token=/);
    // Unverified: no session.
    expect(await codeOf(anon().portal.auth.signIn({ email: "dev@example.com", password: "long-enough-password" }))).toBe("FORBIDDEN");
    const token = new URL(link.link).searchParams.get("token")!;
    await anon().portal.auth.verifyEmail({ token });
    expect(await codeOf(anon().portal.auth.verifyEmail({ token }))).toBe("UNAUTHORIZED");
    cookies = [];
    await anon().portal.auth.signIn({ email: "dev@example.com", password: "long-enough-password" });
    const devToken = decodeURIComponent(/sy_dev_session=([^;]+)/.exec(cookies[0]!)![1]!);
    const dev = devCaller(devToken);
    expect(await dev.portal.auth.me()).toMatchObject({ email: "dev@example.com" });
    // The console session is not a developer session, and the reverse.
    expect(await codeOf(admin().portal.apps.list())).toBe("FORBIDDEN");
    expect(await codeOf(dev.portal.admin.products())).toBe("UNAUTHORIZED");

    const { id: appId } = await dev.portal.apps.create({ name: "My app" });
    const sub = await dev.portal.apps.subscribe({ appId, productSlug: "users-api", planId });
    expect(sub.status).toBe("active");
    expect(sub.key).toMatch(/^sy_/);

    let config = (await getCurrentConfig({ db }))!.config;
    expect(GatewayConfigSchema.parse(config)).toEqual(config);
    const consumer = config.consumers!.find((c) => c.username === `app-${sub.subscriptionId}`)!;
    expect(consumer.groups).toEqual(["users-api"]);
    expect(consumer.credentials.key_auth.map((k) => k.key_hash)).toEqual([hashApiKey(sub.key)]);
    expect(config.policies!.map((p) => `${p.type}:${p.name}:${p.scope.kind}`).sort()).toEqual([
      "acl:portal-acl-users:route",
      "key-auth:portal-key-auth-users:route",
      `rate-limit:portal-plan-${sub.subscriptionId}:consumer`,
    ]);
    expect(config.policies!.find((p) => p.type === "rate-limit")!.config).toMatchObject({ minute: 5, limit_by: "consumer" });
    // The key is stored hashed only.
    const stored = await db.prisma.portalApiKey.findMany();
    expect(stored.map((k) => k.keyHash)).toEqual([hashApiKey(sub.key)]);

    // Same state → same hash → no new version.
    const again = await syncPortalConfig({ db, bus, actor: "test", reason: "again" });
    expect(again.changed).toBe(false);

    const suspended = await admin().portal.admin.setSubscriptionStatus({ id: sub.subscriptionId, action: "suspend" });
    expect(suspended.status).toBe("suspended");
    config = (await getCurrentConfig({ db }))!.config;
    expect(config.consumers!.some((c) => c.username === `app-${sub.subscriptionId}`)).toBe(false);
    expect(await codeOf(admin().portal.admin.setSubscriptionStatus({ id: sub.subscriptionId, action: "suspend" }))).toBe("CONFLICT");
    await admin().portal.admin.setSubscriptionStatus({ id: sub.subscriptionId, action: "resume" });

    const rotated = await dev.portal.apps.rotateKey({ keyId: sub.keyId });
    config = (await getCurrentConfig({ db }))!.config;
    expect(config.consumers!.find((c) => c.username === `app-${sub.subscriptionId}`)!.credentials.key_auth.map((k) => k.key_hash)).toEqual([hashApiKey(rotated.key)]);
    await dev.portal.apps.revokeKey({ keyId: rotated.keyId });
    config = (await getCurrentConfig({ db }))!.config;
    expect(config.consumers!.find((c) => c.username === `app-${sub.subscriptionId}`)!.credentials.key_auth).toEqual([]);

    // Usage and the statement come from the gateway's per-consumer minute rollups.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const cell = (code: number, flag: string, count: number, consumer = `app-${sub.subscriptionId}`) => ({
      route: "users", service: "user-service", subset: "v1", code, flag, consumer, count, latencySumMs: count, latency: emptyHistogram(), requestBytes: 0, responseBytes: 0,
    });
    await recordMetricMinutes({ db, minute, cells: [cell(200, "", 5), cell(429, "RL", 3), cell(502, "", 1), cell(200, "", 7, "someone-else")] });
    const usage = await dev.portal.apps.usage({ days: 7 });
    expect(usage.series).toHaveLength(1);
    expect(usage.series[0]!.total).toBe(9);
    const today = usage.series[0]!.days.at(-1)!;
    expect(today).toMatchObject({ requests: 9, billable: 6, errors: 4, rateLimited: 3 });
    const month = new Date(minute).toISOString().slice(0, 7);
    const statement = await dev.portal.apps.statement({ appId, month });
    // Forwarded requests (incl. the upstream's 502) are billed; the gateway's 429s are not.
    expect(statement.totalRequests).toBe(6);
    expect(statement.totalMicros).toBe(6_000);
    const { csv } = await dev.portal.apps.statementCsv({ appId, month });
    expect(csv.trim().split("\n").at(-1)).toBe("My app,,total,,6,0.006000");
    const revenue = await admin().portal.admin.revenue({ month });
    expect(revenue.products).toEqual([{ product: "users-api", requests: 6, micros: 6_000 }]);

    // Another developer can't touch this app.
    await anon().portal.auth.signUp({ email: "other@example.com", password: "long-enough-password" });
    await anon().portal.auth.verifyEmail({ token: new URL(mails.at(-1)!.link).searchParams.get("token")! });
    cookies = [];
    await anon().portal.auth.signIn({ email: "other@example.com", password: "long-enough-password" });
    const other = devCaller(decodeURIComponent(/sy_dev_session=([^;]+)/.exec(cookies[0]!)![1]!));
    expect(await other.portal.apps.list()).toEqual([]);
    expect(await codeOf(other.portal.apps.createKey({ subscriptionId: sub.subscriptionId }))).toBe("NOT_FOUND");
  }, 30_000);

  it("holds subscriptions that need approval until an admin approves them", async () => {
    const product = await admin().portal.admin.saveProduct({ product: { name: "Orders", slug: "orders-api", routes: ["orders"], requiresApproval: true } });
    const { id: planId } = await admin().portal.admin.savePlan({ plan: { productId: product.id, name: "Free", perSecond: 2 } });
    await anon().portal.auth.signUp({ email: "third@example.com", password: "long-enough-password" });
    await anon().portal.auth.verifyEmail({ token: new URL(mails.at(-1)!.link).searchParams.get("token")! });
    cookies = [];
    await anon().portal.auth.signIn({ email: "third@example.com", password: "long-enough-password" });
    const dev = devCaller(decodeURIComponent(/sy_dev_session=([^;]+)/.exec(cookies[0]!)![1]!));
    const { id: appId } = await dev.portal.apps.create({ name: "Shop" });
    const sub = await dev.portal.apps.subscribe({ appId, productSlug: "orders-api", planId });
    expect(sub.status).toBe("pending");
    let config = (await getCurrentConfig({ db }))!.config;
    expect(config.consumers!.some((c) => c.username === `app-${sub.subscriptionId}`)).toBe(false);
    await admin().portal.admin.setSubscriptionStatus({ id: sub.subscriptionId, action: "approve" });
    config = (await getCurrentConfig({ db }))!.config;
    expect(config.consumers!.find((c) => c.username === `app-${sub.subscriptionId}`)!.credentials.key_auth).toHaveLength(1);
    expect((config.policies ?? []).find((p) => p.name === "portal-acl-orders")!.config).toMatchObject({ allow: ["orders-api"] });
  }, 30_000);

  it("resets a password through the mailed link and ends old sessions", async () => {
    await anon().portal.auth.requestPasswordReset({ email: "dev@example.com" });
    const token = new URL(mails.at(-1)!.link).searchParams.get("token")!;
    expect(mails.at(-1)!.link).toContain("/portal/reset-password?token=");
    await anon().portal.auth.resetPassword({ token, password: "a-new-long-password" });
    expect(await codeOf(anon().portal.auth.signIn({ email: "dev@example.com", password: "long-enough-password" }))).toBe("UNAUTHORIZED");
    cookies = [];
    await anon().portal.auth.signIn({ email: "dev@example.com", password: "a-new-long-password" });
    expect(cookies[0]).toMatch(/^sy_dev_session=/);
  }, 30_000);

  it("rejects an invalid OpenAPI document with the parser's errors, and accepts the starter document", async () => {
    const bad = await admin().portal.admin.validateOpenapi({ text: "openapi: 3.0.3\ninfo:\n  title: x\npaths:\n  /a:\n    get:\n      responses: {}\n" });
    expect(bad.ok).toBe(false);
    expect(bad.problems.length).toBeGreaterThan(0);
    expect(JSON.stringify(bad.problems)).toMatch(/version/);
    const notYaml = await admin().portal.admin.validateOpenapi({ text: "a: [" });
    expect(notYaml.problems[0]!.message).toMatch(/Not valid YAML or JSON/);

    const starter = await admin().portal.admin.starterOpenapi({ name: "Users", routes: ["users", "orders"] });
    const ok = await admin().portal.admin.validateOpenapi({ text: starter.text });
    expect(ok).toMatchObject({ ok: true, title: "Users", operations: 2 });

    const products = await admin().portal.admin.products();
    const users = products.find((p) => p.slug === "users-api")!;
    const saveBad = admin().portal.admin.saveProduct({ product: { id: users.id, name: users.name, slug: users.slug, routes: users.routes, openapi: "openapi: 3.0.3\n" } });
    expect(await codeOf(saveBad)).toBe("BAD_REQUEST");
    await admin().portal.admin.saveProduct({ product: { id: users.id, name: users.name, slug: users.slug, description: users.description, routes: users.routes, openapi: starter.text } });
    const page = await anon().portal.catalog.get({ slug: "users-api" });
    expect(Object.keys((page.reference as { paths: object }).paths)).toEqual(["/api/users", "/api/orders"]);
    expect((await anon().portal.catalog.list({ search: "peop" })).map((p) => p.slug)).toEqual(["users-api"]);
  }, 30_000);
});
