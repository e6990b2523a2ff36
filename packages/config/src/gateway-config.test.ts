import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, toFieldErrors, type GatewayConfigInput } from "./index.ts";
import { hashConfig } from "./hash.ts";
import { parseConfigText } from "./yaml.ts";

const base = (): GatewayConfigInput => ({
  services: [
    {
      name: "user-service",
      targets: [
        { host: "127.0.0.1", port: 9001, labels: { version: "v1" } },
        { host: "127.0.0.1", port: 9002, labels: { version: "v2" } },
      ],
      subsets: [
        { name: "v1", labels: { version: "v1" } },
        { name: "v2", labels: { version: "v2" } },
      ],
    },
  ],
  routes: [
    {
      name: "users",
      path: { type: "prefix", value: "/api/users" },
      rules: [
        {
          destinations: [
            { service: "user-service", subset: "v1", weight: 90 },
            { service: "user-service", subset: "v2", weight: 10 },
          ],
        },
      ],
    },
  ],
});

function errorsOf(input: unknown) {
  const result = GatewayConfigSchema.safeParse(input);
  return result.success ? [] : toFieldErrors(result.error);
}

describe("GatewayConfigSchema", () => {
  it("accepts the demo config and fills defaults", () => {
    const config = GatewayConfigSchema.parse(base());
    expect(config.routes[0]!.hosts).toEqual([]);
    expect(config.routes[0]!.stripPath).toBe(false);
    expect(config.services[0]!.targets[0]!.weight).toBe(100);
  });

  it("is idempotent: a parsed config parses to itself (stored snapshots stay valid)", () => {
    const once = GatewayConfigSchema.parse({ ...base(), routes: [{ ...base().routes![0]!, rules: [{ timeoutMs: "1.5s", destinations: [{ service: "user-service" }] }] }] });
    expect(once.routes[0]!.rules[0]!.timeoutMs).toBe(1500);
    expect(GatewayConfigSchema.parse(once)).toEqual(once);
  });

  it("refuses unknown keys with their path instead of dropping them (a typo must not publish an empty or weaker config)", () => {
    expect(errorsOf({ ...base(), servics: [] })).toEqual([{ path: "", message: 'Unrecognized key: "servics"' }]);
    const consumer = { username: "alice", credentials: { "key-auth": [{ key_hash: `sha256:${"a".repeat(64)}` }] } };
    expect(errorsOf({ ...base(), consumers: [consumer] })).toEqual([{ path: "consumers.0.credentials", message: 'Unrecognized key: "key-auth"' }]);
    const route = { ...base().routes![0]!, retries: { attempts: 2 }, rules: [{ ...base().routes![0]!.rules[0]!, timout: "1s" }] };
    expect(errorsOf({ ...base(), routes: [route] }).map((e) => e.path).sort()).toEqual(["routes.0", "routes.0.rules.0"]);
  });

  it("rejects negative weights with the field path", () => {
    const input = base();
    input.routes![0]!.rules[0]!.destinations[1]!.weight = -5;
    expect(errorsOf(input)).toContainEqual({ path: "routes.0.rules.0.destinations.1.weight", message: "Weight cannot be negative" });
  });

  it("rejects a rule whose weights are all zero", () => {
    const input = base();
    for (const d of input.routes![0]!.rules[0]!.destinations) d.weight = 0;
    expect(errorsOf(input).map((e) => e.path)).toContain("routes.0.rules.0.destinations");
  });

  it("rejects unknown services and subsets", () => {
    const input = base();
    input.routes![0]!.rules[0]!.destinations[0]!.service = "nope";
    input.routes![0]!.rules[0]!.destinations[1]!.subset = "v9";
    const errors = errorsOf(input);
    expect(errors).toContainEqual({ path: "routes.0.rules.0.destinations.0.service", message: 'Unknown service "nope"' });
    expect(errors).toContainEqual({ path: "routes.0.rules.0.destinations.1.subset", message: 'Service "user-service" has no subset "v9"' });
  });

  it("rejects malformed paths, invalid regexes and ReDoS-prone regexes", () => {
    for (const [path, expected] of [
      [{ type: "prefix", value: "api" }, "Path must start with /"],
      [{ type: "prefix", value: "/a/../b" }, "canonical"],
      [{ type: "regex", value: "^/(a" }, "Invalid regular expression"],
      [{ type: "regex", value: "^/(a+)+$" }, "nested quantifier"],
    ] as const) {
      const input = base();
      input.routes![0]!.path = path;
      const errors = errorsOf(input);
      expect(errors.find((e) => e.path === "routes.0.path.value")?.message).toContain(expected);
    }
  });

  it("accepts safe regexes", () => {
    const input = base();
    input.routes![0]!.path = { type: "regex", value: "^/api/users/[0-9]+(/orders)?$" };
    expect(errorsOf(input)).toEqual([]);
  });

  it("rejects duplicate names", () => {
    const input = base();
    input.routes!.push({ ...input.routes![0]! });
    expect(errorsOf(input)).toContainEqual({ path: "routes.1.name", message: 'Duplicate route name "users"' });
  });
});

describe("hashConfig", () => {
  it("does not depend on key order", () => {
    const a = GatewayConfigSchema.parse(base());
    const reversed = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reversed)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]))
      : v;
    const b = reversed(a) as typeof a;
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    expect(hashConfig(b)).toBe(hashConfig(a));
  });
  it("changes when a weight changes", () => {
    const a = GatewayConfigSchema.parse(base());
    const input = base();
    input.routes![0]!.rules[0]!.destinations[0]!.weight = 50;
    expect(hashConfig(GatewayConfigSchema.parse(input))).not.toBe(hashConfig(a));
  });
});

describe("parseConfigText", () => {
  it("reads YAML and reports errors with paths", () => {
    const bad = parseConfigText("services: []\nroutes:\n  - name: r\n    rules:\n      - destinations: [{ service: ghost }]\n");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toEqual({ path: "routes.0.rules.0.destinations.0.service", message: 'Unknown service "ghost"' });
    expect(parseConfigText("services: [").ok).toBe(false);
  });
});

describe("service traffic policy (resilience)", () => {
  const withPolicy = (trafficPolicy: unknown, extra: Record<string, unknown> = {}) => {
    const c = base() as { services: Record<string, unknown>[] };
    c.services[0] = { ...c.services[0], trafficPolicy, ...extra };
    return c;
  };

  it("parses Istio-style resilience settings with defaults and stays idempotent", () => {
    const parsed = GatewayConfigSchema.parse(withPolicy({
      loadBalancer: { type: "consistent-hash", consistentHash: { httpHeaderName: "X-User" } },
      connectionPool: { tcp: { maxConnections: 10, connectTimeoutMs: "2s" }, http: { http1MaxPendingRequests: 5, http2MaxRequests: 100 } },
      outlierDetection: { consecutiveGatewayErrors: 3 },
      retries: { attempts: 3, retryOn: ["5xx", "reset", "503"] },
      retryBudget: {},
    }, { healthCheck: { path: "/healthz" } }));
    const policy = parsed.services[0]!.trafficPolicy!;
    expect(policy.outlierDetection).toEqual({ consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 10, minHealthPercent: 0 });
    expect(policy.connectionPool?.tcp?.connectTimeoutMs).toBe(2_000);
    expect(policy.loadBalancer?.consistentHash).toEqual({ httpHeaderName: "x-user", algorithm: "ring" });
    expect(policy.retryBudget).toEqual({ budgetPercent: 20, minRetryConcurrency: 3 });
    expect(parsed.services[0]!.healthCheck).toMatchObject({ path: "/healthz", intervalMs: 10_000, healthyThreshold: 2, unhealthyThreshold: 3 });
    expect(GatewayConfigSchema.parse(parsed)).toEqual(parsed);
  });

  it("rejects a consistent hash without exactly one key, and unknown retry conditions", () => {
    expect(errorsOf(withPolicy({ loadBalancer: { type: "consistent-hash" } })).map((e) => e.path)).toContain("services.0.trafficPolicy.loadBalancer.consistentHash");
    expect(errorsOf(withPolicy({ loadBalancer: { type: "consistent-hash", consistentHash: { httpHeaderName: "a", useSourceIp: true } } }))).not.toEqual([]);
    expect(errorsOf(withPolicy({ retries: { retryOn: ["sometimes"] } })).map((e) => e.path)).toContain("services.0.trafficPolicy.retries.retryOn.0");
  });
});
