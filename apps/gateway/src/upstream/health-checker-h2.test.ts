import * as grpc from "@grpc/grpc-js";
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

  it("gRPC health check: grpc.health.v1.Health/Check against a grpc-js server; NOT_SERVING or an unknown service takes the target out", async () => {
    // The health service as grpc-js serves any method: raw bytes in and out (the probe's protobuf is checked here).
    let serving = 1; // SERVING
    const asked: string[] = [];
    const raw = (b: Buffer) => b;
    const server = new grpc.Server();
    server.addService({
      Check: { path: "/grpc.health.v1.Health/Check", requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
    }, {
      Check(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) {
        const service = call.request.length > 2 ? call.request.subarray(2).toString() : "";
        asked.push(service);
        if (service !== "" && service !== "users") return cb({ code: grpc.status.NOT_FOUND, details: "unknown service" });
        cb(null, Buffer.from([0x08, serving]));
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => e ? reject(e) : resolve(p)));
    const changes: [string, boolean][] = [];
    const checker = new HealthChecker({ log: silentLogger, onChange: (origin, healthy) => changes.push([origin, healthy]) });
    const config = (service: string) => GatewayConfigSchema.parse({
      services: [{
        name: "users", targets: [{ host: "127.0.0.1", port }],
        trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: "UPGRADE" } } },
        healthCheck: { grpc: { service }, intervalMs: 20, timeoutMs: 500, unhealthyThreshold: 2, healthyThreshold: 1 },
      }],
    });
    const origin = `http://127.0.0.1:${port}`;
    try {
      checker.update(config("users"));
      await waitUntil(() => asked.length >= 3, 5_000, "three probes");
      expect(new Set(asked)).toEqual(new Set(["users"]));
      expect(changes).toEqual([]);
      serving = 2; // NOT_SERVING
      await waitUntil(() => changes.length === 1, 5_000, "the target taken out");
      expect(changes).toEqual([[origin, false]]);
      serving = 1;
      await waitUntil(() => changes.length === 2, 5_000, "the target back");
      expect(changes[1]).toEqual([origin, true]);
      checker.update(config("orders")); // the server does not know it: NOT_FOUND
      await waitUntil(() => changes.length === 3, 5_000, "the target taken out again");
      expect(changes[2]).toEqual([origin, false]);
    } finally {
      checker.stop();
      server.forceShutdown();
    }
  });
});
