import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, REDACTED_SECRET, type GatewayConfig } from "@switchyard/config";
import { readRunningConfig } from "./running-config.ts";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("readRunningConfig", () => {
  const raw = { services: [{ name: "s", targets: [{ host: "127.0.0.1", port: 9001 }] }], routes: [], certificates: [{ name: "api", hosts: ["api.example.com"], cert: CERT, key: REDACTED_SECRET }] } as unknown as GatewayConfig;

  it("reads a viewer's copy with redacted keys, naming them, where the schema alone refuses it", () => {
    expect(GatewayConfigSchema.safeParse(raw).success).toBe(false);
    const { config, redactedKeys } = readRunningConfig(raw);
    expect(redactedKeys).toEqual(["api"]);
    expect(config.services[0]!.targets[0]!.weight).toBe(100);
    expect(config.certificates![0]!.key).toBe(REDACTED_SECRET);
  });

  it("parses a full copy as is and an empty one as the empty config", () => {
    expect(readRunningConfig(null)).toEqual({ config: { services: [], routes: [] }, redactedKeys: [] });
    expect(readRunningConfig({ services: [], routes: [] }).redactedKeys).toEqual([]);
  });
});
