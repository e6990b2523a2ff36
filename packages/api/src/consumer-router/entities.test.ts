import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, startDemoApi, type ApiCaller, type DemoApi } from "../testing/demo-api.ts";
import { TRPCError } from "@trpc/server";
import { ConsumerSchema } from "@switchyard/config";
import { hashApiKey, verifyPassword } from "@switchyard/config/credential-hashing";
import { demoConfig } from "../config-router/demo-config.ts";
import { getCurrentConfig } from "../config-router/get-current-config.ts";
import { publishConfig } from "../config-router/publish-config.ts";

describe("services, consumers and policies through tRPC (PGlite)", () => {
  let api: DemoApi;
  let editor: ApiCaller;

  beforeAll(async () => {
    api = await startDemoApi();
    editor = api.editor;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it("creates, edits and deletes a service; field errors are relative to the service", async () => {
    const created = await editor.services.upsert({ service: { name: "billing", targets: [{ host: "127.0.0.1", port: 9100, labels: { version: "v1" } }], subsets: [{ name: "v1", labels: { version: "v1" } }] } });
    expect(created.changed).toBe(true);
    expect((await editor.services.get({ name: "billing" })).targets[0]).toMatchObject({ port: 9100, weight: 100 });

    const bad = await refusal(editor.services.upsert({ service: { name: "billing", targets: [{ host: "127.0.0.1", port: 70000 }] }, originalName: "billing" }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.fieldErrors).toEqual([{ path: "targets.0.port", message: "Port must be 1-65535" }]);

    const dup = await refusal(editor.services.upsert({ service: { name: "billing", targets: [{ host: "h", port: 1 }] }, create: true }));
    expect(dup.code).toBe("CONFLICT");

    const edited = await editor.services.upsert({ service: { name: "billing", targets: [{ host: "127.0.0.1", port: 9101 }], trafficPolicy: { loadBalancer: { type: "least-request" }, timeouts: { requestMs: "2s" } } }, originalName: "billing" });
    expect(edited.version).toBe(created.version + 1);
    expect((await editor.services.get({ name: "billing" })).trafficPolicy?.timeouts?.requestMs).toBe(2000);

    await editor.services.delete({ name: "billing" });
    expect((await refusal(editor.services.get({ name: "billing" }))).code).toBe("NOT_FOUND");
  });

  it("refuses to delete a service a route uses, naming the route", async () => {
    const e = await refusal(editor.services.delete({ name: "user-service" }));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toContain('"users"');
  });

  it("keeps only the hash of a generated key, hashes basic-auth passwords, validates JWT issuers", async () => {
    await editor.consumers.upsert({ consumer: { username: "acme", groups: ["partners"] }, create: true });
    const taken = await refusal(editor.consumers.upsert({ consumer: { username: "acme" }, create: true }));
    expect(taken.code).toBe("CONFLICT");

    const { key, id } = await editor.consumers.createKey({ username: "acme" });
    expect(key).toMatch(/^sy_/);
    const stored = (await getCurrentConfig({ db: api.db }))!.config.consumers!.find((c) => c.username === "acme")!;
    expect(stored.credentials.key_auth).toEqual([{ id, key_hash: hashApiKey(key) }]);
    expect(JSON.stringify(await getCurrentConfig({ db: api.db }))).not.toContain(key);

    await editor.consumers.addBasicAuth({ username: "acme", basicUsername: "acme-bot", password: "correct horse" });
    const after = (await getCurrentConfig({ db: api.db }))!.config.consumers!.find((c) => c.username === "acme")!;
    expect(verifyPassword("correct horse", after.credentials.basic_auth[0]!.password_hash)).toBe(true);
    expect(ConsumerSchema.parse(after)).toEqual(after);

    const jwtBad = await refusal(editor.consumers.addJwt({ username: "acme", credential: { key: "issuer-a", algorithms: ["RS256"], secret: "s3cret" } }));
    expect(jwtBad.fieldErrors?.map((f) => f.path)).toContain("algorithms");
    await editor.consumers.addJwt({ username: "acme", credential: { key: "issuer-a", algorithms: ["HS256"], secret: "s3cret" } });

    const view = await editor.consumers.get({ username: "acme" });
    expect(view.keys).toHaveLength(1);
    expect(view.basicAuth).toEqual([{ id: "basic-1", username: "acme-bot" }]);
    expect(view.jwt[0]).toMatchObject({ key: "issuer-a", source: "secret" });
    expect(JSON.stringify(view)).not.toContain("s3cret");
    expect((await editor.consumers.list({ search: "partn" })).map((c) => c.username)).toEqual(["acme"]);

    await editor.consumers.revokeKey({ username: "acme", id });
    expect((await editor.consumers.get({ username: "acme" })).keys).toEqual([]);
  });

  it("creates policies with field errors relative to the policy and lists what applies to a route in run order", async () => {
    const bad = await refusal(editor.policies.upsert({ policy: { name: "rl", type: "rate-limit", scope: { kind: "route", name: "users" }, config: {} } }));
    expect(bad.fieldErrors?.[0]?.path).toBe("config.minute");
    await editor.policies.upsert({ policy: { name: "rl", type: "rate-limit", scope: { kind: "route", name: "users" }, config: { minute: 100 } } });
    await editor.policies.upsert({ policy: { name: "keys", type: "key-auth", scope: { kind: "global" } } });
    await editor.policies.upsert({ policy: { name: "svc-keys", type: "key-auth", scope: { kind: "service", name: "user-service" } } });
    await editor.policies.upsert({ policy: { name: "cors", type: "cors", scope: { kind: "service", name: "user-service" } } });
    const unknown = await refusal(editor.policies.upsert({ policy: { name: "x", type: "cors", scope: { kind: "route", name: "nope" } } }));
    expect(unknown.fieldErrors).toEqual([{ path: "scope.name", message: 'Unknown route "nope"' }]);

    const [rule] = await editor.policies.forRoute({ name: "users" });
    expect(rule!.policies.map((p) => [p.name, p.scope.kind])).toEqual([["cors", "service"], ["svc-keys", "service"], ["rl", "route"]]);
    expect(rule!.policies[1]!.overrides).toEqual(["keys"]);
    expect((await editor.policies.list({ scope: "service" })).map((p) => p.name).sort()).toEqual(["cors", "svc-keys"]);

    const del = await refusal(editor.consumers.delete({ username: "nobody" }));
    expect(del.code).toBe("NOT_FOUND");
    for (const name of ["rl", "keys", "svc-keys", "cors"]) await editor.policies.delete({ name });
    await editor.consumers.delete({ username: "acme" });
    expect(await editor.consumers.list()).toEqual([]);
  });

  it("forbids a viewer every change", async () => {
    const viewer = api.as("viewer");
    expect((await refusal(viewer.consumers.createKey({ username: "acme" }))).code).toBe("FORBIDDEN");
    expect((await refusal(viewer.services.delete({ name: "order-service" }))).code).toBe("FORBIDDEN");
    expect((await refusal(viewer.policies.upsert({ policy: {} }))).code).toBe("FORBIDDEN");
    expect((await viewer.simulator.simulate({ method: "GET", path: "/api/orders/1" })).match?.route).toBe("orders");
  });
});
