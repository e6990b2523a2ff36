import { TRPCClientError } from "@trpc/client";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter, createUser, PORTAL_PUBLIC_PROCEDURES, type AppRouter } from "@switchyard/api";
import { databaseTargets, type DatabaseSetup } from "@switchyard/db/testing";
import { startControlPlane, type ControlPlane } from "./start-control-plane.ts";
import { connectFakeDataPlane } from "./testing/fake-data-plane.ts";
import { httpClient, login, wsClient, type ApiClient } from "./testing/test-clients.ts";

const DP_TOKEN = "test-dp-token";
const ADMIN_PASSWORD = "admin-password-1";

function trpcError(error: unknown) {
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

async function expectError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return trpcError(error);
  }
  throw new Error("expected the call to fail");
}

/** Every procedure of the router by dotted path (tRPC keeps a flat record of them). */
function listProcedures(): [string, { _def: { type: string } }][] {
  return Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);
}

const validRoute = {
  name: "canary",
  path: { type: "prefix", value: "/api/canary" },
  rules: [{ destinations: [{ service: "user-service", subset: "v1", weight: 50 }, { service: "user-service", subset: "v2", weight: 50 }] }],
};

describe.each(databaseTargets())("control plane on $kind", (target) => {
  let setup: DatabaseSetup;
  let cp: ControlPlane;
  let admin: ApiClient;
  let adminCookie: string;
  let viewer: ApiClient;

  beforeAll(async () => {
    setup = await target.setup();
    cp = await startControlPlane({
      port: 0,
      databaseUrl: setup.databaseUrl,
      dataDir: setup.dataDir,
      adminPassword: ADMIN_PASSWORD,
      dpToken: DP_TOKEN,
      seed: "demo",
      demoBasePort: 19001,
      log: (l) => { if (l.includes('failed')) console.error(l); },
    });
    adminCookie = await login(cp.url, "admin", ADMIN_PASSWORD);
    admin = httpClient(cp.url, { cookie: adminCookie });
    await createUser({ db: cp.db, username: "vera", password: "viewer-password", role: "viewer" });
    viewer = httpClient(cp.url, { cookie: await login(cp.url, "vera", "viewer-password") });
  });

  afterAll(async () => {
    await cp?.stop();
    await setup?.cleanup();
  });

  it("answers /healthz", async () => {
    const res = await fetch(`${cp.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("seeds the demo config as version 1 with the given base port", async () => {
    const current = await admin.config.current.query();
    expect(current?.version).toBe(1);
    expect(current?.author).toBe("system");
    expect(current?.config.services.map((s) => [s.name, s.targets.map((t) => t.port)])).toEqual([
      ["user-service", [19001, 19002]],
      ["order-service", [19003]],
    ]);
    expect((await admin.routes.get.query({ name: "users" })).rules[0]!.destinations.map((d) => d.weight)).toEqual([90, 10]);
  });

  it("logs in with a cookie that is HttpOnly, SameSite=Lax, Path=/ and lasts 7 days, and logs out", async () => {
    const res = await fetch(`${cp.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
    });
    expect(await res.json()).toEqual({ result: { data: { username: "admin", role: "admin" } } });
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^sy_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain("Max-Age=604800");
    const client = httpClient(cp.url, { cookie: cookie.split(";")[0]! });
    expect(await client.auth.me.query()).toEqual({ username: "admin", role: "admin" });
    await client.auth.logout.mutate();
    expect((await expectError(client.auth.me.query())).data?.code).toBe("UNAUTHORIZED");
  });

  it("rejects a wrong password, and rate-limits repeated failures per ip and username", async () => {
    await createUser({ db: cp.db, username: `target-${target.kind}`, password: "right-password", role: "viewer" });
    const anon = httpClient(cp.url);
    const first = await expectError(anon.auth.login.mutate({ username: `target-${target.kind}`, password: "wrong" }));
    expect(first.data?.code).toBe("UNAUTHORIZED");
    for (let i = 0; i < 9; i++) await expectError(anon.auth.login.mutate({ username: `target-${target.kind}`, password: "wrong" }));
    const limited = await expectError(anon.auth.login.mutate({ username: `target-${target.kind}`, password: "right-password" }));
    expect(limited.data?.code).toBe("TOO_MANY_REQUESTS");
    // Other usernames are not affected.
    expect(await anon.auth.login.mutate({ username: "admin", password: ADMIN_PASSWORD })).toEqual({ username: "admin", role: "admin" });
  });

  // The developer portal's sign-up, sign-in and catalog are public by design.
  const PUBLIC = new Set<string>(["auth.login", ...PORTAL_PUBLIC_PROCEDURES]);

  it("rejects every procedure but the public ones (auth.login, the portal's sign-up and catalog) without a session", async () => {
    const procedures = listProcedures();
    expect(procedures.length).toBeGreaterThanOrEqual(15);
    for (const [path, procedure] of procedures) {
      if (PUBLIC.has(path)) continue;
      const type = procedure._def.type;
      if (type === "subscription") {
        const ws = wsClient(cp.url);
        const code = await new Promise<string | undefined>((resolve) => {
          ws.api.dataPlanes.onChange.subscribe(undefined, { onError: (e) => resolve(e.data?.code), onData: () => resolve("DATA") });
        });
        ws.close();
        expect(code, path).toBe("UNAUTHORIZED");
        continue;
      }
      const res =
        type === "query"
          ? await fetch(`${cp.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ name: "users" }))}`)
          : await fetch(`${cp.url}/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "x" }) });
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { data: { appCode: string } } }).error.data.appCode, path).toBe("UNAUTHENTICATED");
    }
  });

  it("rejects every mutation for a viewer (but lets a viewer read and log out)", async () => {
    const procedures = listProcedures();
    const viewerCookie = await login(cp.url, "vera", "viewer-password");
    for (const [path, procedure] of procedures) {
      if (procedure._def.type !== "mutation" || PUBLIC.has(path) || path === "auth.logout") continue;
      const res = await fetch(`${cp.url}/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: viewerCookie },
        body: JSON.stringify({ name: "x", route: validRoute, config: {} }),
      });
      expect(res.status, path).toBe(403);
    }
    expect((await viewer.config.current.query())?.version).toBeGreaterThanOrEqual(1);
    expect(await viewer.auth.me.query()).toEqual({ username: "vera", role: "viewer" });
  });

  it("accepts an API token as Bearer; only admins create tokens", async () => {
    const created = await admin.auth.createToken.mutate({ name: "ci" });
    expect(created.token).toMatch(/^syt_/);
    const byToken = httpClient(cp.url, { token: created.token });
    expect(await byToken.auth.me.query()).toEqual({ username: "admin", role: "admin" });
    const bad = httpClient(cp.url, { token: "syt_nope" });
    expect((await expectError(bad.auth.me.query())).data?.code).toBe("UNAUTHORIZED");
    expect((await expectError(viewer.auth.createToken.mutate({ name: "x" }))).data?.code).toBe("FORBIDDEN");
  });

  it("stores an upserted route as a new version, pushes it to a data plane, records the ack", async () => {
    const dp = await connectFakeDataPlane({ baseUrl: cp.url, token: DP_TOKEN, nodeId: `node-${target.kind}` });
    const initial = await dp.nextSnapshot();
    const before = await admin.config.current.query();
    expect(initial.version).toBe(before!.version);
    dp.ack(initial);

    const events = wsClient(cp.url, adminCookie);
    const changes: string[] = [];
    const sub = events.api.dataPlanes.onChange.subscribe(undefined, { onData: (e) => changes.push(e.at) });
    await new Promise((r) => setTimeout(r, 300));

    const result = await admin.routes.upsert.mutate({ route: validRoute, message: "add canary" });
    expect(result).toMatchObject({ version: before!.version + 1, changed: true });
    const pushed = await dp.nextSnapshot();
    expect(pushed.version).toBe(result.version);
    expect(pushed.hash).toBe(result.hash);
    expect(pushed.config.routes.map((r) => r.name)).toContain("canary");
    dp.ack(pushed);

    await expect.poll(async () => (await admin.dataPlanes.list.query()).find((d) => d.id === `node-${target.kind}`)?.appliedVersion).toBe(result.version);
    const node = (await admin.dataPlanes.list.query()).find((d) => d.id === `node-${target.kind}`)!;
    expect(node).toMatchObject({ hostname: "test-host", labels: { zone: "test" }, connected: true, appliedHash: result.hash, lastError: null });
    await expect.poll(() => changes.length).toBeGreaterThan(0);

    // Same route again: same hash, no new version, nothing pushed.
    expect(await admin.routes.upsert.mutate({ route: validRoute })).toEqual({ version: result.version, hash: result.hash, changed: false });
    const versions = await admin.config.versions.query();
    expect(versions[0]).toMatchObject({ version: result.version, author: "admin", message: "add canary" });

    // A rejected version is recorded as lastError, the applied one stays.
    const deleted = await admin.routes.delete.mutate({ name: "canary" });
    const third = await dp.nextSnapshot();
    expect(third.version).toBe(deleted.version);
    dp.nack(third, "boom");
    await expect.poll(async () => (await admin.dataPlanes.list.query()).find((d) => d.id === `node-${target.kind}`)?.lastError).toContain("boom");

    sub.unsubscribe();
    events.close();
    await dp.close();
    await expect.poll(async () => (await admin.dataPlanes.list.query()).find((d) => d.id === `node-${target.kind}`)?.connected).toBe(false);
  });

  it("pushes a burst of versions in order, ending with the newest", async () => {
    const dp = await connectFakeDataPlane({ baseUrl: cp.url, token: DP_TOKEN, nodeId: "node-burst" });
    const first = await dp.nextSnapshot();
    const names = ["b-1", "b-2", "b-3", "b-4", "b-5"];
    const results = await Promise.all(names.map((name) => admin.routes.upsert.mutate({ route: { ...validRoute, name, path: { type: "prefix", value: `/${name}` } } })));
    const newest = Math.max(...results.map((r) => r.version));
    await expect.poll(() => dp.snapshots.at(-1)?.version).toBe(newest);
    const versions = dp.snapshots.map((s) => s.version);
    expect(versions[0]).toBe(first.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    await dp.close();
  });

  it("does not resend the current snapshot to a node that already runs it", async () => {
    const current = (await admin.config.current.query())!;
    const dp = await connectFakeDataPlane({ baseUrl: cp.url, token: DP_TOKEN, nodeId: "node-uptodate", applied: { version: current.version, hash: current.hash } });
    await expect.poll(async () => (await admin.dataPlanes.list.query()).find((d) => d.id === "node-uptodate")?.connected).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(dp.snapshots).toEqual([]);
    await dp.close();
  });

  it.each([
    ["a negative weight", { ...validRoute, rules: [{ destinations: [{ service: "user-service", weight: -5 }] }] }, "rules.0.destinations.0.weight"],
    [
      "all-zero weights",
      { ...validRoute, rules: [{ destinations: [{ service: "user-service", weight: 0 }, { service: "order-service", weight: 0 }] }] },
      "rules.0.destinations",
    ],
    ["an unknown service", { ...validRoute, rules: [{ destinations: [{ service: "nope" }] }] }, "rules.0.destinations.0.service"],
    ["an unknown subset", { ...validRoute, rules: [{ destinations: [{ service: "user-service", subset: "v9" }] }] }, "rules.0.destinations.0.subset"],
    ["a malformed path", { ...validRoute, path: { type: "prefix", value: "api/../x" } }, "path.value"],
    ["a ReDoS regex", { ...validRoute, path: { type: "regex", value: "^/(a+)+$" } }, "path.value"],
    ["an invalid regex", { ...validRoute, path: { type: "regex", value: "^/(" } }, "path.value"],
  ])("rejects %s with BAD_REQUEST and field errors, storing nothing", async (_label, route, path) => {
    const before = await admin.config.current.query();
    const error = await expectError(admin.routes.upsert.mutate({ route }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    expect(error.data?.httpStatus).toBe(400);
    expect(error.data?.fieldErrors?.map((e) => e.path)).toContain(path);
    expect((await admin.config.current.query())?.version).toBe(before?.version);
  });

  it("replaces the whole config, reporting config-relative field errors", async () => {
    const current = (await admin.config.current.query())!;
    expect(await admin.config.replace.mutate({ config: current.config })).toEqual({ version: current.version, hash: current.hash, changed: false });
    const bad = { ...current.config, routes: [{ ...validRoute, rules: [{ destinations: [{ service: "ghost" }] }] }] };
    const error = await expectError(admin.config.replace.mutate({ config: bad }));
    expect(error.data?.fieldErrors).toEqual([{ path: "routes.0.rules.0.destinations.0.service", message: 'Unknown service "ghost"' }]);
    const next = await admin.config.replace.mutate({ config: { services: current.config.services, routes: [] }, message: "no routes" });
    expect(next).toMatchObject({ version: current.version + 1, changed: true });
    expect(await admin.routes.list.query()).toEqual([]);
    expect((await expectError(admin.routes.get.query({ name: "users" }))).data?.code).toBe("NOT_FOUND");
    expect((await admin.services.get.query({ name: "order-service" })).targets[0]!.port).toBe(19003);
  });

  it("gives concurrent writers distinct versions and keeps both changes", async () => {
    const before = (await admin.config.current.query())!.version;
    const names = ["c-1", "c-2", "c-3", "c-4"];
    const results = await Promise.all(names.map((name) => admin.routes.upsert.mutate({ route: { ...validRoute, name, path: { type: "prefix", value: `/${name}` } } })));
    expect(new Set(results.map((r) => r.version)).size).toBe(names.length);
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(names.map((_, i) => before + i + 1));
    expect((await admin.routes.list.query()).map((r) => r.name).sort()).toEqual(expect.arrayContaining(names));
  });

  it("requires the data-plane token on /dp", async () => {
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: `Basic ${DP_TOKEN}` }]) {
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${cp.url.replace("http", "ws")}/dp`, { headers });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("open", () => reject(new Error("connected without the token")));
        ws.on("error", () => {});
      });
      expect(status).toBe(401);
    }
  });
});

describe("control plane on PGlite", () => {
  it("keeps users and versions across a restart on the same data dir, and creates the admin once", async () => {
    const [target] = databaseTargets(undefined);
    const setup = await target!.setup();
    try {
      const lines: string[] = [];
      const first = await startControlPlane({ port: 0, dataDir: setup.dataDir, dpToken: DP_TOKEN, log: (l) => lines.push(l) });
      const password = first.generatedAdminPassword!;
      expect(lines.filter((l) => l.includes(`Admin login: admin / ${password} (shown once`))).toHaveLength(1);
      const client = httpClient(first.url, { cookie: await login(first.url, "admin", password) });
      const published = await client.routes.upsert.mutate({ route: validRoute });
      await first.stop();

      const again: string[] = [];
      const second = await startControlPlane({ port: 0, dataDir: setup.dataDir, dpToken: DP_TOKEN, log: (l) => again.push(l) });
      try {
        expect(second.generatedAdminPassword).toBeNull();
        expect(again.some((l) => l.includes("Admin login"))).toBe(false);
        const client2 = httpClient(second.url, { cookie: await login(second.url, "admin", password) });
        expect((await client2.config.current.query())?.version).toBe(published.version);
        expect((await client2.routes.get.query({ name: "canary" })).name).toBe("canary");
      } finally {
        await second.stop();
      }

      // Lost the generated password: a start with SWITCHYARD_ADMIN_PASSWORD makes it admin's again.
      const third = await startControlPlane({ port: 0, dataDir: setup.dataDir, dpToken: DP_TOKEN, adminPassword: "recovered-password", log: () => {} });
      try {
        await expect(login(third.url, "admin", password)).rejects.toThrow();
        const client3 = httpClient(third.url, { cookie: await login(third.url, "admin", "recovered-password") });
        expect((await client3.auth.me.query()).username).toBe("admin");
      } finally {
        await third.stop();
      }
    } finally {
      await setup.cleanup();
    }
  });
});
