// The control plane re-applies the developer portal's projection at start when the stored config
// lacks it (here: portal rows written, then a crash before their publish).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "@switchyard/config/credential-hashing";
import { createDb } from "@switchyard/db";
import { databaseTargets, type DatabaseSetup } from "@switchyard/db/testing";
import { startControlPlane, type ControlPlane } from "./start-control-plane.ts";
import { httpClient, login } from "./testing/test-clients.ts";

const ADMIN_PASSWORD = "admin-password-1";
const KEY = "sy_test-key-for-the-resync-check";

describe("portal re-sync at control-plane start (PGlite)", () => {
  let setup: DatabaseSetup;
  let cp: ControlPlane | undefined;
  const start = () => startControlPlane({ port: 0, databaseUrl: setup.databaseUrl, dataDir: setup.dataDir, adminPassword: ADMIN_PASSWORD, dpToken: "t", seed: "demo", log: () => {} });

  beforeAll(async () => {
    setup = await databaseTargets()[0]!.setup();
  });
  afterAll(async () => {
    await cp?.stop();
    await setup?.cleanup();
  });

  it("publishes the missing consumers and policies once, and nothing when the config is intact", async () => {
    cp = await start();
    const admin = httpClient(cp.url, { cookie: await login(cp.url, "admin", ADMIN_PASSWORD) });
    const product = await admin.portal.admin.saveProduct.mutate({ product: { name: "Users API", slug: "users-api", routes: ["users"] } });
    const plan = await admin.portal.admin.savePlan.mutate({ plan: { productId: product.id, name: "Starter", perMinute: 5 } });
    const before = await admin.config.versions.query();
    await cp.stop();
    cp = undefined;

    // An active subscription with a key, stored without the publish that should have followed.
    const db = await createDb({ databaseUrl: setup.databaseUrl, dataDir: setup.dataDir });
    await db.prisma.developer.create({ data: { id: "d1", email: "dev@example.com", passwordHash: "x", emailVerifiedAt: new Date() } });
    await db.prisma.portalApp.create({ data: { id: "a1", developerId: "d1", name: "App" } });
    await db.prisma.subscription.create({ data: { id: "s1", appId: "a1", productId: product.id, planId: plan.id, status: "active" } });
    await db.prisma.subscriptionPlanPeriod.create({ data: { id: "p1", subscriptionId: "s1", planId: plan.id, startsAt: new Date() } });
    await db.prisma.portalApiKey.create({ data: { id: "k1", subscriptionId: "s1", prefix: "sy_test", keyHash: hashApiKey(KEY) } });
    await db.close();

    cp = await start();
    const api = httpClient(cp.url, { cookie: await login(cp.url, "admin", ADMIN_PASSWORD) });
    const after = await api.config.versions.query();
    expect(after[0]!.version).toBe(before[0]!.version + 1);
    expect(after[0]!.author).toBe("system");
    const config = (await api.config.current.query())!.config;
    expect(config.consumers!.find((c) => c.username === "app-s1")!.credentials.key_auth.map((k) => k.key_hash)).toEqual([hashApiKey(KEY)]);
    expect(config.policies!.find((p) => p.name === "portal-plan-s1")!.config).toMatchObject({ minute: 5 });
    await cp.stop();

    cp = await start();
    const again = await httpClient(cp.url, { cookie: await login(cp.url, "admin", ADMIN_PASSWORD) }).config.versions.query();
    expect(again[0]!.version).toBe(after[0]!.version);
  }, 60_000);
});
