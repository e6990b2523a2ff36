import http from "node:http";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "@switchyard/api";
import { databaseTargets, type DatabaseSetup } from "@switchyard/db/testing";
import { startControlPlane, type ControlPlane } from "./start-control-plane.ts";
import { httpClient, login, type ApiClient } from "./testing/test-clients.ts";

const ADMIN_PASSWORD = "admin-password-1";

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCClientError);
    return (error as TRPCClientError<AppRouter>).data?.code;
  }
  return "OK";
}

describe.each(databaseTargets())("users and audit log on $kind", (target) => {
  let setup: DatabaseSetup;
  let cp: ControlPlane;
  let admin: ApiClient;

  beforeAll(async () => {
    setup = await target.setup();
    // 127.0.0.2 plays the console's server (a trusted proxy); 127.0.0.1 is a client talking directly.
    cp = await startControlPlane({ port: 0, databaseUrl: setup.databaseUrl, dataDir: setup.dataDir, adminPassword: ADMIN_PASSWORD, dpToken: "t", seed: "demo", trustedProxies: ["127.0.0.2/32"], log: () => {} });
    admin = httpClient(cp.url, { cookie: await login(cp.url, "admin", ADMIN_PASSWORD) });
  });

  afterAll(async () => {
    await cp?.stop();
    await setup?.cleanup();
  });

  it("lets an admin create, re-role and delete users; the new user signs in with the given role", async () => {
    expect(await admin.users.create.mutate({ username: "erin", password: "editor-password", role: "editor" })).toMatchObject({ username: "erin", role: "editor" });
    expect(await codeOf(admin.users.create.mutate({ username: "erin", password: "another-password", role: "viewer" }))).toBe("CONFLICT");
    expect(await codeOf(admin.users.create.mutate({ username: "short", password: "1234567", role: "viewer" }))).toBe("BAD_REQUEST");
    const erin = httpClient(cp.url, { cookie: await login(cp.url, "erin", "editor-password") });
    expect(await erin.auth.me.query()).toEqual({ username: "erin", role: "editor" });
    // Editors change config but not people, and can't read the audit log.
    expect(await codeOf(erin.users.list.query())).toBe("FORBIDDEN");
    expect(await codeOf(erin.users.create.mutate({ username: "x", password: "xxxxxxxx", role: "admin" }))).toBe("FORBIDDEN");
    expect(await codeOf(erin.audit.list.query({}))).toBe("FORBIDDEN");

    await admin.users.update.mutate({ username: "erin", role: "viewer" });
    // The same session now has the new role.
    expect(await erin.auth.me.query()).toEqual({ username: "erin", role: "viewer" });
    expect(await codeOf(erin.routes.delete.mutate({ name: "users" }))).toBe("FORBIDDEN");

    expect((await admin.users.list.query()).map((u) => [u.username, u.role])).toEqual([
      ["admin", "admin"],
      ["erin", "viewer"],
    ]);
    await admin.users.delete.mutate({ username: "erin" });
    expect(await codeOf(erin.auth.me.query())).toBe("UNAUTHORIZED");
    expect(await codeOf(admin.users.delete.mutate({ username: "erin" }))).toBe("NOT_FOUND");
  });

  it("never removes the last admin, by deletion or by demotion", async () => {
    expect(await codeOf(admin.users.update.mutate({ username: "admin", role: "editor" }))).toBe("CONFLICT");
    expect(await codeOf(admin.users.delete.mutate({ username: "admin" }))).toBe("CONFLICT");
    await admin.users.create.mutate({ username: "ada", password: "second-admin", role: "admin" });
    const ada = httpClient(cp.url, { cookie: await login(cp.url, "ada", "second-admin") });
    // With two admins one may go; then the other is the last again.
    await ada.users.update.mutate({ username: "admin", role: "editor" });
    expect(await codeOf(ada.users.update.mutate({ username: "ada", role: "viewer" }))).toBe("CONFLICT");
    expect(await codeOf(ada.users.delete.mutate({ username: "ada" }))).toBe("CONFLICT");
    await ada.users.update.mutate({ username: "admin", role: "admin" });
    expect((await admin.users.list.query()).filter((u) => u.role === "admin").map((u) => u.username)).toEqual(["ada", "admin"]);
    const failed = await admin.audit.list.query({ action: "users.update" });
    // Only the changes that happened are in the log.
    expect(failed.items.map((e) => e.detail)).toEqual([
      { from: "editor", role: "admin" },
      { from: "admin", role: "editor" },
      { from: "editor", role: "viewer" },
    ]);
  });

  it("records who did what, when and from where, searchable and paged", async () => {
    await codeOf(httpClient(cp.url).auth.login.mutate({ username: "mallory", password: "guess" }));
    await admin.auth.createToken.mutate({ name: "deploy-bot" });
    await admin.routes.upsert.mutate({
      route: { name: "audited", path: { type: "prefix", value: "/audited" }, rules: [{ destinations: [{ service: "order-service" }] }] },
      message: "audit me",
    });

    const all = await admin.audit.list.query({ limit: 100 });
    const actions = all.items.map((e) => e.action);
    for (const action of ["auth.login-failed", "auth.token-created", "routes.upsert", "users.create", "users.update", "users.delete", "auth.login", "config.seed"]) {
      expect(actions, action).toContain(action);
    }
    const failed = all.items.find((e) => e.action === "auth.login-failed")!;
    expect(failed).toMatchObject({ actor: "mallory", target: "user:mallory" });
    expect(failed.ip).toContain("127.0.0.1");
    expect(Date.parse(failed.at)).toBeGreaterThan(Date.now() - 60_000);
    const publish = all.items.find((e) => e.action === "routes.upsert")!;
    expect(publish).toMatchObject({ actor: "admin", target: "route:audited", detail: expect.objectContaining({ message: "audit me" }) });

    expect((await admin.audit.list.query({ search: "MALLORY" })).items.map((e) => e.action)).toEqual(["auth.login-failed"]);
    expect((await admin.audit.list.query({ search: "deploy-bot" })).items.map((e) => e.target)).toEqual(["token:deploy-bot"]);
    expect(new Set((await admin.audit.list.query({ action: "users." })).items.map((e) => e.action.split(".")[0]))).toEqual(new Set(["users"]));

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.audit.list.query({ limit: 3, ...(cursor ? { cursor } : {}) });
      pages.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(all.items.map((e) => e.id));
  });

  it("records the client a trusted proxy names in X-Forwarded-For, and ignores the header from anyone else", async () => {
    const failLogin = (username: string, forwardedFor: string, localAddress: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ username, password: "wrong-password" });
        const req = http.request(`${cp.url}/trpc/auth.login`, {
          method: "POST",
          localAddress,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-forwarded-for": forwardedFor },
        }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode ?? 0)); });
        req.on("error", reject);
        req.end(body);
      });
    expect(await failLogin("via-console", "198.51.100.1, 203.0.113.7", "127.0.0.2")).toBe(401);
    expect(await failLogin("via-console-chain", "203.0.113.9, 127.0.0.2", "127.0.0.2")).toBe(401);
    expect(await failLogin("forger", "203.0.113.66", "127.0.0.1")).toBe(401);
    const events = (await admin.audit.list.query({ action: "auth.login-failed", limit: 100 })).items;
    const ipOf = (actor: string) => events.find((e) => e.actor === actor)?.ip;
    // Right to left past trusted hops: the first untrusted address is the client.
    expect(ipOf("via-console")).toBe("203.0.113.7");
    expect(ipOf("via-console-chain")).toBe("203.0.113.9");
    expect(ipOf("forger")).toBe("127.0.0.1");
  });
});
