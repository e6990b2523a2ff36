import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, type GatewayConfigInput } from "../gateway-config.ts";
import { toFieldErrors } from "../issues.ts";
import { cidrContains, parseCidr, parseIp } from "./ip-address.ts";
import { PolicySchema } from "./policy.ts";
import { hashApiKey, hashPassword, verifyPassword } from "./credential-hashing.ts";

const base: GatewayConfigInput = {
  services: [{ name: "users", targets: [{ host: "127.0.0.1", port: 9001 }] }],
  routes: [{ name: "users", path: { type: "prefix", value: "/users" }, rules: [{ destinations: [{ service: "users" }] }] }],
};
const errors = (input: GatewayConfigInput) => {
  const r = GatewayConfigSchema.safeParse(input);
  return r.success ? [] : toFieldErrors(r.error);
};

describe("policy model", () => {
  it("Kong plugin configs map over as written (rate-limiting and jwt)", () => {
    const rl = PolicySchema.parse({ type: "rate-limit", name: "rl", config: { minute: 100, policy: "redis" } });
    expect(rl).toMatchObject({ enabled: true, scope: { kind: "global" }, config: { minute: 100, policy: "redis", limit_by: "consumer", fault_tolerant: true, window_type: "sliding" } });
    const jwt = PolicySchema.parse({ type: "jwt", name: "jwt", config: { uri_param_names: ["jwt"], cookie_names: ["session"], header_names: ["Authorization"], claims_to_verify: ["exp"] } });
    expect(jwt).toMatchObject({ config: { header_names: ["authorization"], key_claim_name: "iss", claims_to_verify: ["exp"] } });
  });

  it("a parsed config parses to itself, and a config without policies keeps its shape (and hash)", () => {
    const withPolicies = GatewayConfigSchema.parse({
      ...base,
      consumers: [{ username: "alice", credentials: { key_auth: [{ key_hash: hashApiKey("k") }] } }],
      policies: [{ type: "key-auth", name: "keys" }, { type: "cors", name: "cors", scope: { kind: "route", name: "users" } }],
    });
    expect(GatewayConfigSchema.parse(withPolicies)).toEqual(withPolicies);
    const plain = GatewayConfigSchema.parse(base);
    expect("policies" in plain).toBe(false);
    expect("consumers" in plain).toBe(false);
  });

  it("checks references with field paths: scopes, anonymous, duplicates", () => {
    expect(errors({ ...base, policies: [{ type: "cors", name: "c", scope: { kind: "route", name: "nope" } }] }))
      .toEqual([{ path: "policies.0.scope.name", message: 'Unknown route "nope"' }]);
    expect(errors({ ...base, policies: [{ type: "cors", name: "c", scope: { kind: "service", name: "nope" } }] })[0]!.path).toBe("policies.0.scope.name");
    expect(errors({ ...base, policies: [{ type: "key-auth", name: "k", config: { anonymous: "ghost" } }] })[0]!.path).toBe("policies.0.config.anonymous");
    expect(errors({ ...base, policies: [{ type: "cors", name: "a" }, { type: "cors", name: "b" }] })[0]!.path).toBe("policies.1.scope");
    expect(errors({ ...base, policies: [{ type: "cors", name: "a" }, { type: "acl", name: "a", config: { allow: ["x"] } }] })[0]!.path).toBe("policies.1.name");
    expect(errors({ ...base, consumers: [{ username: "a" }, { username: "a" }] })[0]!.path).toBe("consumers.1.username");
    expect(errors({ ...base, consumers: [{ username: "a" }], policies: [{ type: "jwt", name: "j", scope: { kind: "consumer", name: "a" } }] })[0]!.path).toBe("policies.0.scope.kind");
    const h = hashApiKey("same");
    expect(errors({ ...base, consumers: [{ username: "a", credentials: { key_auth: [{ key_hash: h }] } }, { username: "b", credentials: { key_auth: [{ key_hash: h }] } }] })[0]!.path)
      .toBe("consumers.1.credentials.key_auth.0.key_hash");
  });

  it("validates policy configs: rate-limit needs a period, acl a list, CIDRs parse", () => {
    expect(errors({ ...base, policies: [{ type: "rate-limit", name: "r", config: { limit_by: "ip" } }] })[0]!.path).toBe("policies.0.config.minute");
    expect(errors({ ...base, policies: [{ type: "rate-limit", name: "r", config: { minute: 1, limit_by: "header" } }] })[0]!.path).toBe("policies.0.config.header_name");
    expect(errors({ ...base, policies: [{ type: "acl", name: "a" }] })[0]!.path).toBe("policies.0.config.allow");
    expect(errors({ ...base, policies: [{ type: "ip-restriction", name: "i", config: { allow: ["10.0.0.0/33"] } }] })[0]!.path).toBe("policies.0.config.allow.0");
    expect(errors({ ...base, policies: [{ type: "nope", name: "x" } as never] })[0]!.path).toBe("policies.0.type");
  });

  it("consumers keep only hashes; jwt credentials need exactly one key source and no HS* with a public key", () => {
    expect(errors({ ...base, consumers: [{ username: "a", credentials: { key_auth: [{ key_hash: "plain-key" } as never] } }] })[0]!.path).toBe("consumers.0.credentials.key_auth.0.key_hash");
    expect(errors({ ...base, consumers: [{ username: "a", credentials: { jwt: [{ key: "iss", algorithms: ["HS256"] }] } }] })[0]!.path).toBe("consumers.0.credentials.jwt.0.secret");
    const pem = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";
    expect(errors({ ...base, consumers: [{ username: "a", credentials: { jwt: [{ key: "iss", algorithms: ["HS256", "RS256"], public_key: pem }] } }] })[0]!.path)
      .toBe("consumers.0.credentials.jwt.0.algorithms");
    expect(errors({ ...base, consumers: [{ username: "a", credentials: { jwt: [{ key: "iss", algorithms: ["none" as never], secret: "s" }] } }] })[0]!.path)
      .toBe("consumers.0.credentials.jwt.0.algorithms.0");
  });

  it("proxy-cache takes Kong's fields and defaults, parses to itself, and refuses what it can't do", () => {
    const cache = PolicySchema.parse({ type: "proxy-cache", name: "cache", config: { vary_headers: ["Accept-Language"], memory: { dictionary_name: "kong_db_cache" } } });
    expect(cache.config).toEqual({
      response_code: [200, 301, 404], request_method: ["GET", "HEAD"], content_type: ["text/plain", "application/json"], cache_ttl: 300, strategy: "memory",
      cache_control: false, ignore_uri_case: false, vary_query_params: [], vary_headers: ["accept-language"], max_body_bytes: 1_048_576,
      memory: { dictionary_name: "kong_db_cache", max_entries: 10_000, max_bytes: 67_108_864 },
    });
    expect(PolicySchema.parse(cache)).toEqual(cache);
    expect(errors({ ...base, policies: [{ type: "proxy-cache", name: "c", config: { request_method: ["POST" as never] } }] })[0]!.path).toBe("policies.0.config.request_method.0");
    expect(errors({ ...base, policies: [{ type: "proxy-cache", name: "c", config: { content_type: ["json"] } }] })[0]!.path).toBe("policies.0.config.content_type.0");
    expect(errors({ ...base, policies: [{ type: "proxy-cache", name: "c", config: { strategy: "redis" as never } }] })[0]!.path).toBe("policies.0.config.strategy");
  });

  it("password hashes are scrypt and verify only the right password", () => {
    const h = hashPassword("pw");
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(verifyPassword("pw", h)).toBe(true);
    expect(verifyPassword("pw2", h)).toBe(false);
  });

  it("parses IPv4/IPv6 CIDRs and matches addresses", () => {
    const v4 = parseCidr("10.1.0.0/16")!;
    expect(cidrContains(v4, parseIp("10.1.200.3")!)).toBe(true);
    expect(cidrContains(v4, parseIp("10.2.0.1")!)).toBe(false);
    const v6 = parseCidr("2001:db8::/32")!;
    expect(cidrContains(v6, parseIp("2001:db8:ffff::1")!)).toBe(true);
    expect(cidrContains(v6, parseIp("2001:db9::1")!)).toBe(false);
    expect(cidrContains(parseCidr("::1")!, parseIp("::1")!)).toBe(true);
    expect(cidrContains(parseCidr("127.0.0.1")!, parseIp("::ffff:127.0.0.1")!)).toBe(true);
    expect(parseIp("1.2.3")).toBeNull();
    expect(parseIp("1::2::3")).toBeNull();
    expect(parseCidr("::/129")).toBeNull();
  });
});

describe("cors origin regexes", () => {
  it("get the route regexes' ReDoS check, with the origin's path", () => {
    const config = (origins: string[]) => GatewayConfigSchema.safeParse({
      services: [], routes: [], policies: [{ name: "web", type: "cors", config: { origins } }],
    });
    expect(config(["https://app.example.com", "~^https://[a-z]+\\.example\\.com$"]).success).toBe(true);
    const bad = config(["https://app.example.com", "~^(a+)+$"]);
    expect(bad.success).toBe(false);
    expect(toFieldErrors(bad.error!)).toEqual([expect.objectContaining({ path: "policies.0.config.origins.1", message: expect.stringContaining("nested quantifier") })]);
    expect(config(["~(unclosed"]).success).toBe(false);
  });
});
