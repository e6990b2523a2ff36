import { describe, expect, it } from "vitest";
import { compileConfig } from "./compile-config.ts";
import { parseTestConfig } from "./test-config.ts";

describe("HTTP/2 to upstreams in the compiled pool limits", () => {
  it("follows h2UpgradePolicy: UPGRADE for the service, a subset may turn it off (or on)", () => {
    const table = compileConfig(parseTestConfig({
      services: [{
        name: "grpc",
        targets: [{ host: "10.0.0.1", port: 50051, labels: { v: "1" } }, { host: "10.0.0.2", port: 50051, labels: { v: "2" } }],
        trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: "UPGRADE", maxConcurrentStreams: 50 } } },
        subsets: [
          { name: "v1", labels: { v: "1" }, trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: "DO_NOT_UPGRADE" } } } },
          { name: "v2", labels: { v: "2" } },
        ],
      }, { name: "plain", targets: [{ host: "10.0.0.3", port: 80 }] }],
      routes: [{
        name: "r",
        rules: [
          { match: [{ headers: { "x-old": { present: true } } }], destinations: [{ service: "grpc", subset: "v1" }] },
          { match: [{ headers: { "x-plain": { present: true } } }], destinations: [{ service: "plain" }] },
          { destinations: [{ service: "grpc", subset: "v2" }] },
        ],
      }],
    }));
    const pools = table.destinations.map((d) => [d.cluster, d.pool.http2, d.pool.maxConcurrentStreams]);
    expect(pools).toEqual([["grpc/v1", false, 50], ["plain", false, Infinity], ["grpc/v2", true, 50]]);
  });
});
