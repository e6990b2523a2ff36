import { createHmac } from "node:crypto";
import type { GatewayConfigInput } from "@switchyard/config";

/**
 * A realistic table: `routeCount` routes over several hosts and path shapes (prefix, exact,
 * regex, header-matched canaries); the measured route `/bench/measured` splits 90/10 between two
 * subsets, both served by the benchmark upstream so every response is the same, behind JWT
 * auth and a rate limit (the full pipeline a real API route runs).
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
    description: "JWT (HS256) and a local rate limit run on every request here",
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
    consumers: [{ username: "bench-client", credentials: { jwt: [{ key: BENCH_JWT_ISSUER, algorithms: ["HS256"], secret: BENCH_JWT_SECRET }] } }],
    policies: [
      { type: "jwt", name: "measured-jwt", scope: { kind: "route", name: "measured" }, config: { claims_to_verify: ["exp"] } },
      // High enough never to trip during a run: what is measured is the counting, not 429s.
      { type: "rate-limit", name: "measured-rate-limit", scope: { kind: "route", name: "measured" }, config: { minute: 1_000_000_000, limit_by: "consumer", policy: "local" } },
    ],
  };
}

export const BENCH_JWT_ISSUER = "bench-issuer";
const BENCH_JWT_SECRET = "bench-secret-with-enough-length-for-hs256";

/** An HS256 token the measured route's JWT policy accepts (valid for a day). */
export function benchToken(): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: BENCH_JWT_ISSUER, sub: "bench", exp: Math.floor(Date.now() / 1000) + 86_400 })}`;
  return `${body}.${createHmac("sha256", BENCH_JWT_SECRET).update(body).digest("base64url")}`;
}
