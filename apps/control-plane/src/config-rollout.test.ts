import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "@switchyard/api";
import { databaseTargets, type DatabaseSetup } from "@switchyard/db/testing";
import { startControlPlane, type ControlPlane } from "./start-control-plane.ts";
import { connectFakeDataPlane, type FakeDataPlane } from "./testing/fake-data-plane.ts";
import { httpClient, login, type ApiClient } from "./testing/test-clients.ts";

const DP_TOKEN = "rollout-dp-token";
const ADMIN_PASSWORD = "admin-password-1";

async function errorOf(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCClientError);
    return error as TRPCClientError<AppRouter>;
  }
  throw new Error("expected the call to fail");
}

function route(name: string, weightV2 = 50) {
  return {
    name,
    path: { type: "prefix", value: `/${name}` },
    rules: [{ destinations: [{ service: "user-service", subset: "v1", weight: 100 - weightV2 }, { service: "user-service", subset: "v2", weight: weightV2 }] }],
  };
}

describe.each(databaseTargets())("history, rollback and staged rollout on $kind", (target) => {
  let setup: DatabaseSetup;
  let cp: ControlPlane;
  let admin: ApiClient;
  const planes: FakeDataPlane[] = [];

  async function plane(nodeId: string, labels: Record<string, string>, accept?: string[]) {
    const dp = await connectFakeDataPlane({ baseUrl: cp.url, token: DP_TOKEN, nodeId, labels, ...(accept ? { accept } : {}) });
    planes.push(dp);
    return dp;
  }

  beforeAll(async () => {
    setup = await target.setup();
    cp = await startControlPlane({ port: 0, databaseUrl: setup.databaseUrl, dataDir: setup.dataDir, adminPassword: ADMIN_PASSWORD, dpToken: DP_TOKEN, seed: "demo", log: () => {} });
    admin = httpClient(cp.url, { cookie: await login(cp.url, "admin", ADMIN_PASSWORD) });
  });

  afterAll(async () => {
    await Promise.all(planes.map((p) => p.close()));
    await cp?.stop();
    await setup?.cleanup();
  });

  it("lists versions with author and message, diffs any two as YAML lines, and rolls back as a new version", async () => {
    const v2 = await admin.routes.upsert.mutate({ route: route("shop", 20), message: "add shop" });
    const v3 = await admin.routes.upsert.mutate({ route: route("shop", 70), message: "shop 70% v2" });
    const versions = await admin.config.versions.query();
    expect(versions.slice(0, 3).map((v) => [v.version, v.author, v.message, v.rolloutState])).toEqual([
      [v3.version, "admin", "shop 70% v2", "full"],
      [v2.version, "admin", "add shop", "full"],
      [1, "system", "Demo config", "full"],
    ]);

    const diff = await admin.config.diff.query({ from: v2.version, to: v3.version });
    expect(diff.lines.filter((l) => l.kind === "remove").map((l) => l.text.trim())).toEqual(expect.arrayContaining(["weight: 80", "weight: 20"]));
    expect(diff.lines.filter((l) => l.kind === "add").map((l) => l.text.trim())).toEqual(expect.arrayContaining(["weight: 30", "weight: 70"]));
    expect(diff.from.yaml).toContain("name: shop");
    // Keys come out in the schema's order (name first), not the database's.
    expect(diff.to.yaml.startsWith("services:\n  - name: user-service\n")).toBe(true);
    const fromDemo = await admin.config.diff.query({ from: 1, to: v3.version });
    expect(fromDemo.removed).toBe(0);
    expect(fromDemo.lines.some((l) => l.kind === "add" && l.text.includes("name: shop"))).toBe(true);

    const back = await admin.config.rollback.mutate({ version: v2.version });
    expect(back).toMatchObject({ version: v3.version + 1, changed: true });
    const current = (await admin.config.current.query())!;
    expect(current.message).toBe(`Roll back to version ${v2.version}`);
    expect(current.hash).toBe(v2.hash);
    expect((await admin.routes.get.query({ name: "shop" })).rules[0]!.destinations.map((d) => d.weight)).toEqual([80, 20]);
    // Rolling back to what already runs publishes nothing.
    expect(await admin.config.rollback.mutate({ version: v2.version })).toEqual({ version: back.version, hash: v2.hash, changed: false });
    expect((await errorOf(admin.config.rollback.mutate({ version: 999 }))).data?.code).toBe("NOT_FOUND");
    const audit = await admin.audit.list.query({ action: "config.rollback" });
    expect(audit.items[0]).toMatchObject({ actor: "admin", action: "config.rollback", target: `version:${v2.version}`, ip: expect.stringContaining("127.0.0.1") });
  });

  it("refuses to roll back to a config the current code can't compile, storing nothing", async () => {
    const before = (await admin.config.current.query())!.version;
    // An old row written before a validation rule existed: only reachable by writing it directly.
    await cp.db.prisma.configVersion.create({
      data: { version: before + 1, hash: "f".repeat(64), author: "legacy", config: { services: [], routes: [{ name: "x", path: { type: "regex", value: "^/(a+)+$" }, rules: [{ destinations: [{ service: "ghost" }] }] }] } },
    });
    const error = await errorOf(admin.config.rollback.mutate({ version: before + 1 }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    expect(error.data?.fieldErrors?.length).toBeGreaterThan(0);
    expect((await admin.config.current.query())!.version).toBe(before + 1);
    await cp.db.prisma.configVersion.delete({ where: { version: before + 1 } });
  });

  it("sends a staged version only to matching data planes, promotes it to all, and reports lag", async () => {
    const canary = await plane(`canary-${target.kind}`, { canary: "true" }, ["gzip"]);
    const stable = await plane(`stable-${target.kind}`, { canary: "false" });
    const start = (await admin.config.current.query())!;
    for (const dp of [canary, stable]) {
      const first = await dp.nextSnapshot();
      expect(first.version).toBe(start.version);
      dp.ack(first);
    }
    await expect.poll(async () => (await admin.dataPlanes.list.query()).filter((d) => d.connected && d.lag === 0).length).toBe(2);

    const staged = await admin.routes.upsert.mutate({ route: route("beta", 10), message: "canary first", rollout: { selector: { canary: "true" } } });
    const got = await canary.nextSnapshot();
    expect(got.version).toBe(staged.version);
    expect(canary.frames.binary).toBeGreaterThanOrEqual(2);
    expect(canary.frames.text).toBe(0);
    expect(stable.frames.binary).toBe(0);
    canary.ack(got);
    await new Promise((r) => setTimeout(r, 300));
    expect(stable.snapshots.map((s) => s.version)).toEqual([start.version]);

    const listed = (await admin.config.versions.query()).find((v) => v.version === staged.version)!;
    expect(listed).toMatchObject({ rolloutState: "staged", rolloutSelector: { canary: "true" } });
    await expect.poll(async () => (await admin.config.versions.query()).find((v) => v.version === staged.version)?.runningCount).toBe(1);
    const nodes = await admin.dataPlanes.list.query();
    expect(nodes.find((d) => d.id === `canary-${target.kind}`)).toMatchObject({ appliedVersion: staged.version, targetVersion: staged.version, lag: 0 });
    expect(nodes.find((d) => d.id === `stable-${target.kind}`)).toMatchObject({ appliedVersion: start.version, targetVersion: start.version, lag: 0 });

    await admin.config.promote.mutate({ version: staged.version });
    const promoted = await stable.nextSnapshot();
    expect(promoted.version).toBe(staged.version);
    expect((await admin.dataPlanes.list.query()).find((d) => d.id === `stable-${target.kind}`)).toMatchObject({ targetVersion: staged.version, lag: staged.version - start.version });
    stable.ack(promoted);
    await expect.poll(async () => (await admin.dataPlanes.list.query()).find((d) => d.id === `stable-${target.kind}`)?.lag).toBe(0);
    expect((await admin.config.versions.query()).find((v) => v.version === staged.version)?.rolloutState).toBe("full");
    // The canary already had it: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 200));
    expect(canary.snapshots.map((s) => s.version)).toEqual([start.version, staged.version]);
    expect((await errorOf(admin.config.promote.mutate({ version: staged.version }))).data?.code).toBe("CONFLICT");

    // A staged version overtaken by a full publish can no longer be promoted, and says so.
    const overtaken = await admin.routes.upsert.mutate({ route: route("beta", 20), rollout: { selector: { canary: "true" } } });
    const full = await admin.routes.upsert.mutate({ route: route("beta", 30) });
    for (const dp of [canary, stable]) dp.ack(await dp.nextSnapshot().then((s) => (s.version === overtaken.version ? dp.nextSnapshot() : s)));
    const listedAgain = await admin.config.versions.query();
    expect(listedAgain.find((v) => v.version === overtaken.version)).toMatchObject({ rolloutState: "staged", superseded: true });
    expect(listedAgain.find((v) => v.version === full.version)).toMatchObject({ rolloutState: "full", superseded: false });
    expect((await errorOf(admin.config.promote.mutate({ version: overtaken.version }))).data?.code).toBe("CONFLICT");
    expect((await admin.audit.list.query({ action: "config.promote" })).items[0]).toMatchObject({ actor: "admin", target: `version:${staged.version}` });
  });

  it("halts a staged rollout when a data plane nacks it: no further pushes, promote refused, visible in the API", async () => {
    const canary = planes.find((p) => p.snapshots.length && p.frames.binary > 0)!;
    const stable = planes.find((p) => p !== canary)!;
    const before = (await admin.config.current.query())!;
    const staged = await admin.routes.upsert.mutate({ route: route("gamma", 5), rollout: { selector: { canary: "true" } } });
    const got = await canary.nextSnapshot();
    expect(got.version).toBe(staged.version);
    canary.nack(got, "worker failed to compile");
    await expect.poll(async () => (await admin.config.versions.query()).find((v) => v.version === staged.version)?.rolloutState).toBe("halted");
    const halted = (await admin.config.versions.query()).find((v) => v.version === staged.version)!;
    expect(halted.haltedReason).toContain("worker failed to compile");
    const promote = await errorOf(admin.config.promote.mutate({ version: staged.version }));
    expect(promote.data?.code).toBe("CONFLICT");
    expect(promote.message).toContain("halted");

    // A late canary gets the stable version, never the halted one.
    const late = await plane(`late-canary-${target.kind}`, { canary: "true" });
    expect((await late.nextSnapshot()).version).toBe(before.version);
    await new Promise((r) => setTimeout(r, 200));
    expect(stable.snapshots.map((s) => s.version)).not.toContain(staged.version);
    expect(late.snapshots.map((s) => s.version)).toEqual([before.version]);
    const audit = await admin.audit.list.query({ action: "config.halt" });
    expect(audit.items[0]).toMatchObject({ actor: "system", target: `version:${staged.version}` });
    expect((await admin.audit.list.query({ search: `canary-${target.kind}` })).items.some((e) => e.action === "config.nack")).toBe(true);

    // The next full publish goes to everyone again.
    const fix = await admin.routes.delete.mutate({ name: "gamma" });
    await expect.poll(() => stable.snapshots.at(-1)?.version).toBe(fix.version);
    await expect.poll(() => late.snapshots.at(-1)?.version).toBe(fix.version);
  });

  it("delivers a burst in order ending with the newest version, all as gzip frames", async () => {
    const dp = await plane(`burst-${target.kind}`, { zone: "b" }, ["gzip"]);
    await dp.nextSnapshot();
    const results = await Promise.all(["q-1", "q-2", "q-3", "q-4", "q-5", "q-6"].map((name) => admin.routes.upsert.mutate({ route: route(name) })));
    const newest = Math.max(...results.map((r) => r.version));
    await expect.poll(() => dp.snapshots.at(-1)?.version).toBe(newest);
    const versions = dp.snapshots.map((s) => s.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(dp.frames.text).toBe(0);
  });

  it("rejects an empty selector", async () => {
    const error = await errorOf(admin.routes.upsert.mutate({ route: route("delta"), rollout: { selector: {} } }));
    expect(error.data?.code).toBe("BAD_REQUEST");
  });
});
