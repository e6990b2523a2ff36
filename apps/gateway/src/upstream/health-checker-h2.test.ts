import { createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { GatewayConfigSchema } from "@switchyard/config";
import { silentLogger } from "../log.ts";
import { HealthChecker } from "./health-checker.ts";
import { waitUntil } from "../testing/fixtures.ts";

describe("active health checks of an HTTP/2 service", () => {
  it("probes over h2c, and takes the target out when the check fails", async () => {
    let status = 200;
    let probes = 0;
    const server = createServer((req, res) => { probes++; expect(req.httpVersion).toBe("2.0"); res.writeHead(req.url === "/healthz" ? status : 404); res.end(); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const changes: [string, boolean][] = [];
    const checker = new HealthChecker({ log: silentLogger, onChange: (origin, healthy) => changes.push([origin, healthy]) });
    try {
      checker.update(GatewayConfigSchema.parse({
        services: [{
          name: "grpc", targets: [{ host: "127.0.0.1", port }],
          trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: "UPGRADE" } } },
          healthCheck: { path: "/healthz", intervalMs: 20, timeoutMs: 500, unhealthyThreshold: 2, healthyThreshold: 1 },
        }],
      }));
      await waitUntil(() => probes >= 3, 5_000, "three probes");
      expect(changes).toEqual([]);
      status = 503;
      await waitUntil(() => changes.length === 1, 5_000, "the target taken out");
      expect(changes).toEqual([[`http://127.0.0.1:${port}`, false]]);
    } finally {
      checker.stop();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
