import type { GatewayConfigInput } from "@switchyard/config";

/** What a fresh install serves: the demo services of apps/demo-services behind two routes. */
export function demoConfig(basePort = 9001): GatewayConfigInput {
  return {
    services: [
      {
        name: "user-service",
        targets: [
          { host: "127.0.0.1", port: basePort, labels: { version: "v1" } },
          { host: "127.0.0.1", port: basePort + 1, labels: { version: "v2" } },
        ],
        subsets: [
          { name: "v1", labels: { version: "v1" } },
          { name: "v2", labels: { version: "v2" } },
        ],
      },
      {
        name: "order-service",
        targets: [{ host: "127.0.0.1", port: basePort + 2, labels: { version: "v1" } }],
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
      {
        name: "orders",
        path: { type: "prefix", value: "/api/orders" },
        rules: [{ destinations: [{ service: "order-service", weight: 100 }] }],
      },
    ],
  };
}
