import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GatewayConfigSchema } from "../gateway-config.ts";
import { parseConfigText } from "../yaml.ts";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("Istio import", () => {
  const result = parseConfigText(fixture("istio-canary.yaml"));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const { config } = result;

  it("keeps the VirtualService's first-match order as route priorities", () => {
    expect(result.format).toBe("istio");
    const [testers, split] = config.routes;
    expect(testers!.name).toBe("user-service-testers");
    expect(testers!.priority).toBeGreaterThan(split!.priority);
    expect(testers!.hosts).toEqual(["user-service"]);
    expect(testers!.rules[0]!.match).toEqual([{ headers: { "x-canary": { exact: "true" } } }]);
  });

  it("carries relative weights, a single destination, timeout and retries", () => {
    const [testers, split] = config.routes;
    expect(testers!.rules[0]!.destinations).toEqual([{ service: "user-service", subset: "v2", weight: 100 }]);
    expect(split!.rules[0]!.destinations.map((d) => [d.subset, d.weight])).toEqual([["v1", 90], ["v2", 10]]);
    expect(split!.rules[0]!.timeoutMs).toBe(5000);
    expect(split!.rules[0]!.retries).toMatchObject({ attempts: 3, perTryTimeoutMs: 2000 });
  });

  it("builds the service from the DestinationRule subsets and ServiceEntry endpoints", () => {
    const service = config.services[0]!;
    expect(service.name).toBe("user-service");
    expect(service.targets.map((t) => [t.port, t.labels.version])).toEqual([[9001, "v1"], [9002, "v2"]]);
    expect(service.subsets.map((s) => s.name)).toEqual(["v1", "v2"]);
    expect(service.trafficPolicy?.loadBalancer?.type).toBe("least-request");
  });

  it("without endpoints, takes the running config's targets, or explains what is missing", () => {
    const withoutEntry = fixture("istio-canary.yaml").split("---").slice(0, 2).join("---");
    const alone = parseConfigText(withoutEntry);
    expect(alone.ok).toBe(false);
    if (!alone.ok) expect(alone.errors[0]!.message).toContain('names service "user-service" but gives no endpoints');
    const base = GatewayConfigSchema.parse({ services: [{ name: "user-service", targets: [{ host: "10.0.0.1", port: 80, labels: { version: "v1" } }, { host: "10.0.0.2", port: 80, labels: { version: "v2" } }] }], routes: [] });
    const merged = parseConfigText(withoutEntry, { base });
    expect(merged.ok).toBe(true);
    if (merged.ok) expect(merged.config.services[0]!.targets.map((t) => t.host)).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("warns about what it does not carry over", () => {
    const text = fixture("istio-canary.yaml").replace("    - name: testers\n", "    - name: testers\n      mirror:\n        host: shadow\n");
    const r = parseConfigText(text);
    expect(r.warnings).toContain('VirtualService user-service http[0]: "mirror" is not supported and was not imported');
  });
});

describe("Kong declarative import", () => {
  const result = parseConfigText(fixture("kong.yaml"));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const { config } = result;

  it("maps services, upstream targets with weights and the balancing algorithm", () => {
    expect(result.format).toBe("kong");
    const users = config.services.find((s) => s.name === "user-service")!;
    expect(users.targets.map((t) => [t.host, t.port, t.weight])).toEqual([["127.0.0.1", 9001, 70], ["127.0.0.1", 9002, 30]]);
    expect(users.trafficPolicy?.loadBalancer?.type).toBe("round-robin");
    expect(users.trafficPolicy?.timeouts).toEqual({ connectMs: 2000, requestMs: 15000 });
    expect(config.services.find((s) => s.name === "order-service")!.targets[0]).toMatchObject({ host: "127.0.0.1", port: 9003 });
  });

  it("maps routes: paths as alternatives, ~ as regex, strip_path defaulting to true, headers", () => {
    const byName = Object.fromEntries(config.routes.map((r) => [r.name, r]));
    expect(byName.users).toMatchObject({ path: { type: "prefix", value: "/api/users" }, methods: ["GET", "POST"], stripPath: false });
    expect(byName["legacy-0"]).toMatchObject({ path: { type: "prefix", value: "/v0/users" }, stripPath: true });
    expect(byName["legacy-1"]).toMatchObject({ path: { type: "regex", value: "/v0/people/\\d+$" }, stripPath: false });
    expect(byName.orders!.rules[0]!.match).toEqual([{ headers: { "x-region": { regex: "eu|us" } } }]);
  });
});

describe("Kubernetes Ingress import", () => {
  it("maps hosts, paths, strip-path, backends and the KongPlugins the Ingress names", () => {
    const result = parseConfigText(fixture("ingress.yaml"));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.format).toBe("kubernetes");
    expect(result.config.routes[0]).toMatchObject({ hosts: ["shop.example.com"], path: { type: "prefix", value: "/cart" }, stripPath: true });
    expect(result.config.services[0]!.targets[0]).toMatchObject({ host: "cart.prod.svc", port: 8080 });
    expect(result.config.policies).toEqual([expect.objectContaining({ type: "rate-limit", scope: { kind: "route", name: "shop-0" }, config: expect.objectContaining({ minute: 100, policy: "redis" }) })]);
  });
});

describe("format detection", () => {
  it("reads our own format unchanged and rejects unknown multi-document input", () => {
    const own = parseConfigText("services: []\nroutes: []\n");
    expect(own.ok && own.format).toBe("switchyard");
    const unknown = parseConfigText("a: 1\n---\nb: 2\n");
    expect(unknown.ok).toBe(false);
  });
});

describe("Kong plugins and consumers", () => {
  const result = parseConfigText(fixture("kong-plugins.yaml"));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const { config } = result;

  it("maps rate-limiting as written (minute: 100, policy: redis), incl. Kong's flat redis fields", () => {
    const rl = config.policies!.find((p) => p.type === "rate-limit")!;
    expect(rl.scope).toEqual({ kind: "route", name: "users" });
    expect(rl.config).toMatchObject({ minute: 100, policy: "redis", redis: { host: "127.0.0.1", port: 6379 } });
    expect(result.warnings).toContain('plugin rate-limiting (route users): "sync_rate" is not supported and was not imported');
  });

  it("maps the jwt plugin's token sources and claims", () => {
    const jwt = config.policies!.find((p) => p.type === "jwt")!;
    expect(jwt.scope).toEqual({ kind: "service", name: "order-service" });
    expect(jwt.config).toMatchObject({ uri_param_names: ["jwt"], cookie_names: ["token"], header_names: ["authorization"], claims_to_verify: ["exp"] });
  });

  it("imports consumers with hashed keys, jwt secrets and acl groups; warns about unsupported plugins", () => {
    const consumer = config.consumers!.find((c) => c.username === "mobile-app")!;
    expect(consumer.groups).toEqual(["partners"]);
    expect(consumer.credentials.key_auth[0]!.key_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(config)).not.toContain("mobile-secret-key");
    expect(consumer.credentials.jwt[0]).toMatchObject({ key: "mobile-issuer", algorithms: ["HS256"] });
    expect(result.warnings).toContain("plugin proxy-cache (global): plugin is not supported; not imported");
  });
});
