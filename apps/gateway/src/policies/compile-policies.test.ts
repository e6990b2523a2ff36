import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compileConfig } from "@switchyard/routing";
import type { GatewayConfigInput } from "@switchyard/config";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { validateSnapshot } from "../supervisor/validate-snapshot.ts";
import { compilePolicies } from "./compile-policies.ts";
import { dryRunPolicyRuntime } from "./policy-runtime.ts";

const base = (extra: Partial<GatewayConfigInput>): GatewayConfigInput => ({
  services: [{ name: "a", targets: [{ host: "127.0.0.1", port: 1 }] }, { name: "b", targets: [{ host: "127.0.0.1", port: 2 }] }],
  routes: [
    { name: "ra", path: { type: "prefix", value: "/a" }, rules: [{ destinations: [{ service: "a" }] }] },
    { name: "rb", path: { type: "prefix", value: "/b" }, rules: [{ destinations: [{ service: "b" }] }] },
  ],
  ...extra,
});

function compile(input: GatewayConfigInput) {
  const snapshot = makeSnapshot(1, input);
  const table = compileConfig(snapshot.config);
  return { table, policies: compilePolicies(snapshot.config, table, dryRunPolicyRuntime) };
}

describe("compilePolicies", () => {
  it("is null without policies, so the proxy path is unchanged", () => {
    expect(compile(base({})).policies).toBeNull();
  });

  it("resolves per rule: route over service over global, phases in fixed order, rules without policies absent", () => {
    const { table, policies } = compile(base({
      policies: [
        { type: "rate-limit", name: "global-rl", config: { minute: 10 } },
        { type: "rate-limit", name: "svc-rl", scope: { kind: "service", name: "a" }, config: { minute: 20 } },
        { type: "rate-limit", name: "route-rl", scope: { kind: "route", name: "ra" }, config: { minute: 30 } },
        { type: "key-auth", name: "keys", scope: { kind: "route", name: "ra" } },
        { type: "ip-restriction", name: "ips", scope: { kind: "route", name: "ra" }, config: { deny: ["10.0.0.0/8"] } },
      ],
    }));
    const ra = policies!.byRule.get(table.routes.find((r) => r.name === "ra")!.rules[0]!)!;
    expect(ra.access.map((s) => s.constructor.name)).toEqual(["IpRestrictionStep", "AuthStep", "RateLimitStep"]);
    expect(ra.afterAuth).toBe(2);
    expect((ra.access[2] as unknown as { name: string }).name).toBe("route-rl");
    const rb = policies!.byRule.get(table.routes.find((r) => r.name === "rb")!.rules[0]!)!;
    expect(rb.access.map((s) => (s as unknown as { name?: string }).name)).toEqual(["global-rl"]);
    expect(rb.requestTransform).toBeNull();
  });

  it("a JWT public key that doesn't parse makes the snapshot rejected (nack), with the credential's path", () => {
    const pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEnotakey\n-----END PUBLIC KEY-----\n";
    const snapshot = makeSnapshot(1, base({ consumers: [{ username: "c", credentials: { jwt: [{ key: "iss", algorithms: ["ES256"], public_key: pem }] } }] }));
    expect(validateSnapshot(snapshot)).toMatch(/^consumers\.0\.credentials\.jwt\.0\.public_key: .*SY_COMPILE_INVALID_CREDENTIAL/);
  });

  it("a key that doesn't fit the algorithm (RSA key for ES256, short RSA key) is rejected", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }) as string;
    expect(validateSnapshot(makeSnapshot(1, base({ consumers: [{ username: "c", credentials: { jwt: [{ key: "i", algorithms: ["ES256"], public_key: rsa }] } }] }))))
      .toMatch(/ES256 needs an EC key/);
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }) as string;
    expect(validateSnapshot(makeSnapshot(1, base({ consumers: [{ username: "c", credentials: { jwt: [{ key: "i", algorithms: ["RS256"], public_key: small }] } }] }))))
      .toMatch(/at least 2048 bits/);
  });
});
