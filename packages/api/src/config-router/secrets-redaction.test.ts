import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDACTED_SECRET, type GatewayConfig } from "@switchyard/config";
import { hashApiKey, hashPassword } from "@switchyard/config/credential-hashing";
import { configToYaml, parseConfigText } from "@switchyard/config/yaml";
import { appRouter } from "../router.ts";
import { refusal, startDemoApi, type ApiCaller, type DemoApi } from "../testing/demo-api.ts";

const JWT_SECRET = "hs256-shared-secret-7f3a9c";
const API_KEY = "sy_imported-key-5d21e8b4";
const BASIC_PASSWORD = "basic-password-0c4e";
const OTLP_TOKEN = "otlp-collector-token-91ab";
const REDIS_URL_PASSWORD = "redis-url-password-44d0";
const REDIS_PASSWORD = "redis-password-e6f2";
const UPSTREAM_TOKEN = "upstream-token-b8c7";
const ROUTE_AUTH = "Bearer route-upstream-3e5d";

/**
 * Inputs for every query procedure: a viewer's answers to all of them are searched for secrets.
 * A new query procedure fails the test until it is listed here, so it can't be forgotten.
 */
const QUERY_INPUTS: Record<string, unknown> = {
  "auth.me": undefined,
  "config.current": undefined,
  "config.versions": undefined,
  "config.get": "latest",
  "config.diff": "first-to-latest",
  "services.list": undefined,
  "services.get": { name: "user-service" },
  "routes.list": undefined,
  "routes.get": { name: "users" },
  "dataPlanes.list": undefined,
  "users.list": undefined,
  "audit.list": {},
  "metrics.history": { range: "1h" },
  "portal.auth.me": undefined,
  "portal.catalog.list": undefined,
  "portal.catalog.get": { slug: "none" },
  "portal.apps.list": undefined,
  "portal.apps.usage": { appId: "none" },
  "portal.apps.statement": { appId: "none", month: "2026-01" },
  "portal.apps.statementCsv": { appId: "none", month: "2026-01" },
  "portal.admin.products": undefined,
  "portal.admin.product": { slug: "none" },
  "portal.admin.validateOpenapi": { text: "openapi: 3.0.0" },
  "portal.admin.starterOpenapi": { name: "x", routes: ["users", "orders"] },
  "portal.admin.developers": undefined,
  "portal.admin.subscriptions": {},
  "portal.admin.revenue": { month: "2026-01" },
  "consumers.list": undefined,
  "consumers.get": { username: "mobile-app" },
  "policies.list": undefined,
  "policies.get": { name: "upstream-auth" },
  "policies.forRoute": { name: "users" },
  "certificates.list": undefined,
  "settings.get": undefined,
  "simulator.simulate": { method: "GET", path: "/api/users/1" },
};

/** Calls a procedure by its dotted path on a caller (the caller is a proxy over the router). */
function call(caller: ApiCaller, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input: unknown) => Promise<unknown>;
  return fn(input);
}

const queryPaths = () =>
  Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
    .filter(([, p]) => p._def.type === "query")
    .map(([path]) => path);

describe("secrets in the config: redacted for viewers, refused when redacted (PGlite)", () => {
  let api: DemoApi;
  let editor: ApiCaller;
  let viewer: ApiCaller;
  let createdKey: string;
  let basicHash: string;
  let secrets: string[];

  beforeAll(async () => {
    api = await startDemoApi();
    editor = api.editor;
    viewer = api.as("viewer");
    const base = (await editor.config.current())!.config;
    basicHash = hashPassword(BASIC_PASSWORD);
    const config: GatewayConfig = {
      ...base,
      routes: base.routes.map((r) =>
        r.name !== "users" ? r : { ...r, rules: r.rules.map((rule, i) => (i === 0 ? { ...rule, headers: { request: { set: { authorization: ROUTE_AUTH, "x-plain": "visible-value" } } } } : rule)) },
      ),
      consumers: [{
        username: "mobile-app",
        groups: ["apps"],
        credentials: {
          key_auth: [{ id: "imported", key_hash: hashApiKey(API_KEY) }],
          basic_auth: [{ id: "basic-1", username: "alice", password_hash: basicHash }],
          jwt: [{ id: "jwt-1", key: "issuer-a", algorithms: ["HS256"], secret: JWT_SECRET, secret_base64_encoded: false }],
        },
      }],
      policies: [
        { type: "rate-limit", name: "shared-limit", enabled: true, scope: { kind: "route", name: "orders" }, config: { minute: 100, policy: "redis", redis: { url: `redis://:${REDIS_URL_PASSWORD}@127.0.0.1:12799/0`, password: REDIS_PASSWORD, timeout: 200 } } as never },
        { type: "request-transformer", name: "upstream-auth", enabled: true, scope: { kind: "route", name: "users" }, config: { headers: { set: { "x-upstream-token": UPSTREAM_TOKEN, "x-plain": "shown-value" } } } as never },
      ],
      settings: { trustedProxies: [], tracing: { sampleRatio: 1, otlp: { endpoint: "http://127.0.0.1:12798/v1/traces", headers: { authorization: `Bearer ${OTLP_TOKEN}` }, serviceName: "edge", batchDelay: 5000, timeout: 10000 } } },
    };
    await editor.config.replace({ config, message: "secrets" });
    createdKey = (await editor.consumers.createKey({ username: "mobile-app" })).key;
    const hashes = [hashApiKey(API_KEY), hashApiKey(createdKey)];
    secrets = [
      JWT_SECRET, API_KEY, createdKey, ...hashes, ...hashes.map((h) => h.slice("sha256:".length)),
      basicHash, basicHash.split("$")[5]!, BASIC_PASSWORD, OTLP_TOKEN, REDIS_URL_PASSWORD, REDIS_PASSWORD, UPSTREAM_TOKEN, ROUTE_AUTH.slice("Bearer ".length),
    ];
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it("a viewer never reads a secret through any query procedure; the same answers show what is not secret", async () => {
    expect(Object.keys(QUERY_INPUTS).sort()).toEqual(queryPaths().sort());
    const versions = await editor.config.versions();
    const latest = versions[0]!.version;
    const answers: string[] = [];
    const outcomes: Record<string, string> = {};
    for (const path of queryPaths()) {
      let input = QUERY_INPUTS[path];
      if (input === "latest") input = { version: latest };
      if (input === "first-to-latest") input = { from: 1, to: latest };
      try {
        answers.push(JSON.stringify(await call(viewer, path, input)));
        outcomes[path] = "ok";
      } catch (error) {
        const e = error as { code?: string; message: string; cause?: unknown };
        answers.push(`${e.message} ${JSON.stringify(e.cause ?? null)}`);
        outcomes[path] = e.code ?? "error";
      }
    }
    // The config-bearing procedures answered (so their answers were searched), the admin ones refused.
    for (const path of ["config.current", "config.get", "config.diff", "routes.list", "routes.get", "policies.list", "policies.get", "settings.get", "consumers.list", "consumers.get", "simulator.simulate"]) {
      expect(outcomes[path], path).toBe("ok");
    }
    expect(outcomes["users.list"]).toBe("FORBIDDEN");
    const all = answers.join("\n");
    for (const secret of secrets) expect(all, `viewer saw ${secret}`).not.toContain(secret);
    for (const visible of ["visible-value", "shown-value", "issuer-a", "alice", "127.0.0.1:12799", "127.0.0.1:12798", REDACTED_SECRET]) expect(all).toContain(visible);
  });

  it("shows each secret as <redacted> to a viewer and as it is to editors and admins", async () => {
    const latest = (await editor.config.versions())[0]!.version;
    const seen = (caller: ApiCaller) => Promise.all([caller.config.current().then((c) => c!.config), caller.config.get({ version: latest }).then((v) => v.config)]);
    for (const config of await seen(viewer)) {
      const consumer = config.consumers![0]!;
      expect(consumer.credentials.jwt[0]).toMatchObject({ key: "issuer-a", secret: REDACTED_SECRET });
      expect(consumer.credentials.basic_auth[0]).toEqual({ id: "basic-1", username: "alice", password_hash: REDACTED_SECRET });
      expect(consumer.credentials.key_auth.map((k) => k.key_hash)).toEqual([REDACTED_SECRET, REDACTED_SECRET]);
      expect(config.settings!.tracing!.otlp!.headers).toEqual({ authorization: REDACTED_SECRET });
      const [limit, transformer] = config.policies!;
      expect((limit!.config as { redis: unknown }).redis).toMatchObject({ url: `redis://${REDACTED_SECRET}@127.0.0.1:12799/0`, password: REDACTED_SECRET });
      expect((transformer!.config as { headers: { set: unknown } }).headers.set).toEqual({ "x-upstream-token": REDACTED_SECRET, "x-plain": "shown-value" });
      expect(config.routes.find((r) => r.name === "users")!.rules[0]!.headers!.request!.set).toEqual({ authorization: REDACTED_SECRET, "x-plain": "visible-value" });
    }
    const diff = await viewer.config.diff({ from: 1, to: latest });
    expect(diff.to.yaml).toContain(`secret: ${REDACTED_SECRET}`);
    expect((await viewer.settings.get()).tracing!.otlp!.headers).toEqual({ authorization: REDACTED_SECRET });
    expect((await viewer.policies.get({ name: "shared-limit" })).config).toMatchObject({ redis: { password: REDACTED_SECRET } });
    expect((await viewer.routes.get({ name: "users" })).rules[0]!.headers!.request!.set!.authorization).toBe(REDACTED_SECRET);

    for (const caller of [editor, api.as("admin")]) {
      for (const config of await seen(caller)) {
        const consumer = config.consumers![0]!;
        expect(consumer.credentials.jwt[0]!.secret).toBe(JWT_SECRET);
        expect(consumer.credentials.basic_auth[0]!.password_hash).toBe(basicHash);
        expect(consumer.credentials.key_auth.map((k) => k.key_hash)).toEqual([hashApiKey(API_KEY), hashApiKey(createdKey)]);
        expect(config.settings!.tracing!.otlp!.headers).toEqual({ authorization: `Bearer ${OTLP_TOKEN}` });
        expect(JSON.stringify(config)).not.toContain(REDACTED_SECRET);
      }
      expect((await caller.config.diff({ from: 1, to: latest })).to.yaml).toContain(JWT_SECRET);
      expect((await caller.settings.get()).tracing!.otlp!.headers).toEqual({ authorization: `Bearer ${OTLP_TOKEN}` });
      expect((await caller.policies.get({ name: "shared-limit" })).config).toMatchObject({ redis: { url: `redis://:${REDIS_URL_PASSWORD}@127.0.0.1:12799/0`, password: REDIS_PASSWORD } });
      expect((await caller.routes.get({ name: "users" })).rules[0]!.headers!.request!.set!.authorization).toBe(ROUTE_AUTH);
    }
  });

  it("an editor's export applies again as a no-op, also through YAML", async () => {
    const current = (await editor.config.current())!;
    const parsed = parseConfigText(configToYaml(current.config));
    expect(parsed.ok).toBe(true);
    const again = await editor.config.replace({ config: parsed.ok ? parsed.config : null, message: "re-apply" });
    expect(again).toEqual({ version: current.version, hash: current.hash, changed: false });
  });

  it("refuses a viewer's export with a field error on every redacted secret, storing nothing", async () => {
    const versions = await editor.config.versions();
    const exported = (await viewer.config.current())!.config;
    const refused = await refusal(editor.config.replace({ config: exported, message: "re-apply" }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.fieldErrors!.map((e) => e.path).sort()).toEqual([
      "consumers.0.credentials.basic_auth.0.password_hash",
      "consumers.0.credentials.jwt.0.secret",
      "consumers.0.credentials.key_auth.0.key_hash",
      "consumers.0.credentials.key_auth.1.key_hash",
      "policies.0.config.redis.password",
      "policies.0.config.redis.url",
      "policies.1.config.headers.set.x-upstream-token",
      "routes.0.rules.0.headers.request.set.authorization",
      "settings.tracing.otlp.headers.authorization",
    ]);
    for (const e of refused.fieldErrors!) expect(e.message).toMatch(/^This value was redacted when the config was read/);
    expect(refused.message).toContain("consumers.0.credentials.jwt.0.secret: This value was redacted");
    // The same file through the CLI's parser (`switchyard validate` / `apply -f`).
    const local = parseConfigText(configToYaml(exported));
    expect(local.ok ? [] : local.errors.map((e) => e.path)).toContain("consumers.0.credentials.jwt.0.secret");
    expect(await editor.config.versions()).toEqual(versions);
  });

  it("refuses a literal <redacted> in each entity edit, with the path relative to the entity", async () => {
    const versions = await editor.config.versions();
    const jwt = await refusal(editor.consumers.addJwt({ username: "mobile-app", credential: { key: "issuer-b", secret: REDACTED_SECRET } }));
    expect(jwt.fieldErrors).toEqual([{ path: "credentials.jwt.1.secret", message: expect.stringContaining("give the HMAC secret") }]);
    const settings = await refusal(editor.settings.update({ settings: { tracing: { otlp: { endpoint: "http://127.0.0.1:12798/v1/traces", headers: { authorization: REDACTED_SECRET } } } } }));
    expect(settings.fieldErrors).toEqual([{ path: "tracing.otlp.headers.authorization", message: expect.stringContaining("redacted") }]);
    const policy = await refusal(editor.policies.upsert({ policy: { type: "rate-limit", name: "shared-limit", scope: { kind: "route", name: "orders" }, config: { minute: 5, policy: "redis", redis: { password: ` ${REDACTED_SECRET}\n` } } }, originalName: "shared-limit" }));
    expect(policy.fieldErrors).toEqual([{ path: "config.redis.password", message: expect.stringContaining("give the Redis password") }]);
    const route = (await editor.routes.get({ name: "users" }));
    const routeRefused = await refusal(editor.routes.upsert({ route: { ...route, rules: [{ ...route.rules[0]!, headers: { request: { set: { authorization: REDACTED_SECRET } } } }, ...route.rules.slice(1)] }, originalName: "users" }));
    expect(routeRefused.fieldErrors).toEqual([{ path: "rules.0.headers.request.set.authorization", message: expect.stringContaining("redacted") }]);
    expect(await editor.config.versions()).toEqual(versions);
    // A header whose name does not carry credentials is not secret: "<redacted>" there is just text.
    const plain = await editor.routes.upsert({ route: { ...route, rules: [{ ...route.rules[0]!, headers: { request: { set: { ...route.rules[0]!.headers!.request!.set, "x-plain": REDACTED_SECRET } } } }, ...route.rules.slice(1)] }, originalName: "users" });
    expect(plain.changed).toBe(true);
  });
});
