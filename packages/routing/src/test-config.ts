import { GatewayConfigSchema, type GatewayConfig, type GatewayConfigInput } from "@switchyard/config";

/** Parses a test config through the real schema, so tests see exactly what the gateway sees. */
export function parseTestConfig(input: GatewayConfigInput): GatewayConfig {
  return GatewayConfigSchema.parse(input);
}

export const twoServices = [
  {
    name: "users",
    targets: [
      { host: "127.0.0.1", port: 9001, labels: { version: "v1" } },
      { host: "127.0.0.1", port: 9002, labels: { version: "v2" } },
    ],
    subsets: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }],
  },
  { name: "orders", targets: [{ host: "127.0.0.1", port: 9003 }] },
];
