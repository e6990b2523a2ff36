import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { exportKong } from "../exporters/kong-exporter.ts";
import { parseOrThrow } from "../testing/parse-or-throw.ts";

function kong(healthchecks: unknown, url = "http://orders-upstream") {
  return stringify({
    _format_version: "3.0",
    upstreams: [{ name: "orders-upstream", targets: [{ target: "10.0.0.1:8080" }, { target: "10.0.0.2:8080" }], healthchecks }],
    services: [{ name: "orders", url }],
  });
}

const imported = parseOrThrow;

describe("Kong upstream healthchecks", () => {
  it("active checks become the service's health check; passive ones, other intervals and status lists are named in warnings", () => {
    const { config, warnings } = imported(kong({
      active: {
        type: "http", http_path: "/healthz", timeout: 2,
        healthy: { interval: 5, successes: 3, http_statuses: [200] },
        unhealthy: { interval: 1, http_failures: 4, timeouts: 2 },
      },
      passive: { unhealthy: { http_failures: 5 } },
    }));
    expect(config.services[0]!.healthCheck).toEqual({ path: "/healthz", intervalMs: 5_000, timeoutMs: 2_000, healthyThreshold: 3, unhealthyThreshold: 2 });
    expect(warnings).toEqual([
      expect.stringMatching(/passive healthchecks are not imported/),
      expect.stringMatching(/probes unhealthy targets every 1s in Kong; here every target is probed every 5s/),
      expect.stringMatching(/http_statuses are not imported/),
    ]);
  });

  it("Kong's defaults (interval 0) mean no active checks; grpc type is the gRPC health check; tcp is refused with a warning", () => {
    expect(imported(kong({ active: { healthy: { interval: 0 } } })).config.services[0]!.healthCheck).toBeUndefined();
    const grpc = imported(kong({ active: { type: "grpc", healthy: { interval: 10 } } }, "grpc://orders-upstream"));
    expect(grpc.config.services[0]!.healthCheck).toEqual({ grpc: { service: "" }, path: "/", intervalMs: 10_000, timeoutMs: 1_000, healthyThreshold: 2, unhealthyThreshold: 3 });
    const tcp = imported(kong({ active: { type: "tcp", healthy: { interval: 10 } } }));
    expect(tcp.config.services[0]!.healthCheck).toBeUndefined();
    expect(tcp.warnings).toEqual([expect.stringMatching(/tcp healthchecks are not supported/)]);
  });

  it("export writes them back to the upstream (a one-target service gets one) and re-imports the same", () => {
    const first = imported(kong({ active: { http_path: "/ready", timeout: 0.5, healthy: { interval: 3, successes: 1 }, unhealthy: { interval: 3, http_failures: 2 } } })).config;
    const exported = exportKong(first);
    const upstream = (exported.document.upstreams as Record<string, unknown>[])[0]!;
    expect(upstream.healthchecks).toEqual({
      active: { type: "http", http_path: "/ready", timeout: 0.5, healthy: { interval: 3, successes: 1 }, unhealthy: { interval: 3, http_failures: 2, tcp_failures: 2, timeouts: 2 } },
    });
    expect(imported(stringify(exported.document)).config.services[0]!.healthCheck).toEqual(first.services[0]!.healthCheck);
  });
});
