import { describe, expect, it } from "vitest";
import { GatewayConfigSchema } from "./gateway-config.ts";
import { isCredentialHeader, REDACTED_SECRET, redactedSecretIssues, redactSecrets } from "./secret-fields.ts";

const limit = (redis: Record<string, unknown>) => ({
  services: [], routes: [],
  policies: [{ type: "rate-limit", name: "rl", config: { minute: 1, policy: "redis", redis } }],
});

describe("secret fields", () => {
  it("tells credential headers from others", () => {
    for (const name of ["authorization", "Proxy-Authorization", "cookie", "x-api-key", "apikey", "x-auth-token", "x-client-secret", "x-password", "x-session-id", "x-consumer-key", "x-signature"]) expect(isCredentialHeader(name), name).toBe(true);
    for (const name of ["x-version", "keep-alive", "accept", "x-request-id", "content-type", "x-forwarded-for"]) expect(isCredentialHeader(name), name).toBe(false);
  });

  it("redacts a Redis URL's userinfo and password parameter, keeping host and database; leaves one without credentials alone", () => {
    const url = (u: string) => (redactSecrets(GatewayConfigSchema.parse(limit({ url: u }))).policies![0]!.config as { redis: { url: string } }).redis.url;
    expect(url("redis://:pw@10.0.0.5:6379/2")).toBe(`redis://${REDACTED_SECRET}@10.0.0.5:6379/2`);
    expect(url("rediss://app:pw@cache.internal:6380")).toBe(`rediss://${REDACTED_SECRET}@cache.internal:6380`);
    expect(url("redis://cache.internal:6379/0?password=pw&db=1")).toBe(`redis://cache.internal:6379/0?password=${REDACTED_SECRET}&db=1`);
    expect(url("redis://cache.internal:6379/0")).toBe("redis://cache.internal:6379/0");
  });

  it("leaves the input unchanged and shares what it does not redact", () => {
    const config = GatewayConfigSchema.parse({ ...limit({ password: "pw" }), services: [{ name: "s", targets: [{ host: "127.0.0.1", port: 1 }] }] });
    const redacted = redactSecrets(config);
    expect((config.policies![0]!.config as { redis: { password: string } }).redis.password).toBe("pw");
    expect(redacted.services).toBe(config.services);
    expect(redactedSecretIssues(redacted).map((i) => i.path)).toEqual(["policies.0.config.redis.password"]);
  });

  it("keeps a header named __proto__ as data", () => {
    const raw = { services: [], routes: [], settings: { tracing: { otlp: { endpoint: "http://127.0.0.1:4318/v1/traces", headers: JSON.parse('{"__proto__":"tok"}') } } } };
    const headers = redactSecrets(raw).settings.tracing.otlp.headers as Record<string, unknown>;
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.entries(headers)).toEqual([["__proto__", REDACTED_SECRET]]);
  });

  it("skips shapes that don't match instead of throwing (the schema reports those)", () => {
    expect(redactedSecretIssues({ consumers: "nope", certificates: [null, 3], settings: { tracing: { otlp: { headers: { a: 1 } } } } })).toEqual([]);
    expect(redactedSecretIssues(null)).toEqual([]);
  });
});
