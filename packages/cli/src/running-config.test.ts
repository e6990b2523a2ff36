import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, REDACTED_SECRET, type GatewayConfig } from "@switchyard/config";
import { readRunningConfig } from "./running-config.ts";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("readRunningConfig", () => {
  const raw = {
    services: [{ name: "s", targets: [{ host: "127.0.0.1", port: 9001 }] }],
    routes: [],
    certificates: [{ name: "api", hosts: ["api.example.com"], cert: CERT, key: REDACTED_SECRET }],
    consumers: [{ username: "c", credentials: { key_auth: [{ key_hash: REDACTED_SECRET }], jwt: [{ key: "iss", secret: REDACTED_SECRET }] } }],
    settings: { tracing: { otlp: { endpoint: "http://127.0.0.1:4318/v1/traces", headers: { "x-api-key": REDACTED_SECRET } } } },
  } as unknown as GatewayConfig;

  it("reads a viewer's copy with redacted secrets, naming where they are, where the schema alone refuses it", () => {
    expect(GatewayConfigSchema.safeParse(raw).success).toBe(false);
    const { config, redacted } = readRunningConfig(raw);
    expect(redacted.sort()).toEqual([
      "certificates.0.key",
      "consumers.0.credentials.jwt.0.secret",
      "consumers.0.credentials.key_auth.0.key_hash",
      "settings.tracing.otlp.headers.x-api-key",
    ]);
    expect(config.services[0]!.targets[0]!.weight).toBe(100);
    expect(config.certificates![0]!.key).toBe(REDACTED_SECRET);
    expect(config.consumers![0]!.credentials.basic_auth).toEqual([]);
  });

  it("parses a full copy as is and an empty one as the empty config", () => {
    expect(readRunningConfig(null)).toEqual({ config: { services: [], routes: [] }, redacted: [] });
    expect(readRunningConfig({ services: [], routes: [] }).redacted).toEqual([]);
  });
});
