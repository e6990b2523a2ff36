// Measures what edge policies cost on the proxy's hot path: the same gateway config with and
// without JWT (HS256) + a local rate limit on the measured route, CPU µs per request of the
// gateway process (main + worker threads), alternating runs to even out machine noise.
// Run: npx node apps/gateway/src/policies/testing/bench-policies.ts
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { SignJWT } from "jose";
import type { GatewayConfigInput } from "@switchyard/config";
import { benchConfig } from "../../../../../scripts/bench/bench-config.ts";
import { treeCpuSeconds } from "../../../../../scripts/bench/cpu.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const root = path.resolve(import.meta.dirname, "../../../../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "sy-bench-policies-"));
const SECRET = "bench-secret-for-hs256-tokens-0123456789";

const upstream = createServer((_req, res) => { res.setHeader("content-type", "text/plain"); res.end("ok"); });
await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
const upstreamPort = (upstream.address() as AddressInfo).port;

function withPolicies(config: GatewayConfigInput): GatewayConfigInput {
  return {
    ...config,
    consumers: [{ username: "bench", credentials: { jwt: [{ key: "bench-issuer", algorithms: ["HS256"], secret: SECRET }] } }],
    policies: [
      { type: "jwt", name: "jwt", scope: { kind: "route", name: "measured" }, config: { claims_to_verify: ["exp"] } },
      { type: "rate-limit", name: "rl", scope: { kind: "route", name: "measured" }, config: { minute: 100_000_000, limit_by: "consumer" } },
    ],
  };
}

async function startGateway(config: GatewayConfigInput, port: number, admin: number): Promise<ChildProcess> {
  const file = path.join(dir, `c-${port}.json`);
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, [path.join(root, "packages/cli/bin/switchyard.js"), "gateway", "--config", file,
    "--port", String(port), "--admin-port", String(admin), "--workers", "1"], { stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`http://127.0.0.1:${admin}/ready`)).status === 200) return child; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("gateway did not start");
}

async function measure(pid: number, url: string, headers: Record<string, string>): Promise<{ rps: number; cpuUs: number }> {
  await autocannon({ url, connections: 32, duration: 1, headers });
  const before = treeCpuSeconds(pid);
  const result = await autocannon({ url, connections: 32, duration: SECONDS, headers });
  const requests = result.requests.total;
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx responses`);
  return { rps: result.requests.average, cpuUs: ((treeCpuSeconds(pid) - before) * 1e6) / requests };
}

const token = await new SignJWT({ iss: "bench-issuer", exp: Math.floor(Date.now() / 1000) + 3600 }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(SECRET));
const plain = await startGateway(benchConfig(upstreamPort), 18184, 18185);
const policed = await startGateway(withPolicies(benchConfig(upstreamPort)), 18186, 18187);
try {
  const rows: string[] = [];
  for (let round = 1; round <= Number(process.env.BENCH_ROUNDS ?? 3); round++) {
    const a = await measure(plain.pid!, "http://127.0.0.1:18184/bench/measured", {});
    const b = await measure(policed.pid!, "http://127.0.0.1:18186/bench/measured", { authorization: `Bearer ${token}` });
    rows.push(`round ${round}: no policies ${a.cpuUs.toFixed(1)} µs/req (${Math.round(a.rps)} req/s) | jwt + rate limit ${b.cpuUs.toFixed(1)} µs/req (${Math.round(b.rps)} req/s) | added ${(b.cpuUs - a.cpuUs).toFixed(1)} µs`);
  }
  console.log(rows.join("\n"));
} finally {
  plain.kill("SIGTERM");
  policed.kill("SIGTERM");
  upstream.close();
  rmSync(dir, { recursive: true, force: true });
}
