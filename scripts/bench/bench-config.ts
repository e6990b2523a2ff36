import type { GatewayConfigInput } from "@switchyard/config";

/**
 * A realistic table: `routeCount` routes over several hosts and path shapes (prefix, exact,
 * regex, header-matched canaries); the measured route `/bench/measured` splits 90/10 between two
 * subsets, both served by the benchmark upstream so every response is the same.
 */
export function benchConfig(upstreamPort: number, routeCount = 1000): GatewayConfigInput {
  const routes: NonNullable<GatewayConfigInput["routes"]> = [];
  for (let i = 0; i < routeCount - 1; i++) {
    const shape = i % 4;
    routes.push({
      name: `r${i}`,
      hosts: i % 3 === 0 ? [`svc${i % 50}.example.com`] : [],
      path: shape === 2 ? { type: "regex", value: `^/v${i}/items/[0-9]+$` } : { type: shape === 1 ? "exact" : "prefix", value: `/api/v${i}/resource${i % 7}` },
      methods: shape === 3 ? ["GET", "POST"] : [],
      rules: [
        ...(shape === 0 ? [{ match: [{ headers: { "x-canary": { exact: "true" } } }], destinations: [{ service: "bench", subset: "v2" }] }] : []),
        { destinations: [{ service: "bench", subset: "v1", weight: 90 }, { service: "bench", subset: "v2", weight: 10 }] },
      ],
    });
  }
  routes.push({
    name: "measured",
    path: { type: "prefix", value: "/bench/measured" },
    rules: [{ destinations: [{ service: "bench", subset: "v1", weight: 90 }, { service: "bench", subset: "v2", weight: 10 }] }],
  });
  return {
    services: [{
      name: "bench",
      targets: [
        { host: "127.0.0.1", port: upstreamPort, labels: { version: "v1" } },
        { host: "127.0.0.1", port: upstreamPort, labels: { version: "v2" } },
      ],
      subsets: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }],
    }],
    routes,
  };
}
