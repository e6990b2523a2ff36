import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pool } from "undici";
import type { GatewayConfigInput } from "@switchyard/config";
import { startEchoServer, type EchoServer } from "@switchyard/demo-services";
import { closedPort, waitUntil } from "../../testing/fixtures.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const LIMIT = 600;

interface GatewayProcess { child: ChildProcess; port: number; admin: number; stderr: string[] }

async function startProcess(configFile: string, cacheDir: string): Promise<GatewayProcess> {
  const [port, admin] = [await closedPort(), await closedPort()];
  const stderr: string[] = [];
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      SWITCHYARD_CONFIG_FILE: configFile, SWITCHYARD_PROXY_PORT: String(port), SWITCHYARD_PROXY_HOST: "127.0.0.1",
      SWITCHYARD_ADMIN_PORT: String(admin), SWITCHYARD_WORKERS: "2", SWITCHYARD_CACHE_DIR: cacheDir, SWITCHYARD_REDIS_URL: REDIS_URL,
      SWITCHYARD_DP_TOKEN: "",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (c: Buffer) => stderr.push(c.toString()));
  try {
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${admin}/ready`).catch(() => null))?.status === 200, 30_000, `gateway on ${port}`);
  } catch (e) {
    child.kill("SIGKILL");
    throw new Error(`${(e as Error).message}: ${stderr.join("")}`);
  }
  return { child, port, admin, stderr };
}

/** Two gateway processes share one Redis: the limit holds across both within ±1%. */
describe("redis rate limit accuracy across two gateway processes", () => {
  let upstream: EchoServer;
  let dir: string;
  const procs: GatewayProcess[] = [];
  const name = `acc-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    upstream = await startEchoServer({ service: "echo", version: "v1", port: 0 });
    dir = await mkdtemp(join(tmpdir(), "sy-rl-"));
    const config: GatewayConfigInput = {
      services: [{ name: "echo", targets: [{ host: "127.0.0.1", port: upstream.port }] }],
      routes: [{ name: "api", path: { type: "prefix", value: "/api" }, rules: [{ destinations: [{ service: "echo" }] }] }],
      policies: [{ type: "rate-limit", name, config: { minute: LIMIT, policy: "redis", limit_by: "ip" } }],
    };
    await writeFile(join(dir, "config.json"), JSON.stringify(config));
    procs.push(...await Promise.all([startProcess(join(dir, "config.json"), join(dir, "a")), startProcess(join(dir, "config.json"), join(dir, "b"))]));
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => new Promise((r) => p.child.exitCode !== null ? r(null) : p.child.once("exit", r))));
    await upstream?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`allows ${LIMIT} ±1% of 1,800 requests spread over both processes`, async () => {
    // Keep the burst inside one minute window (the sliding estimate is exact there).
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 15_000) await new Promise((r) => setTimeout(r, left + 100));
    const pools = procs.map((p) => new Pool(`http://127.0.0.1:${p.port}`, { connections: 16 }));
    let allowed = 0, limited = 0, other = 0;
    await Promise.all(Array.from({ length: 1_800 }, async (_, i) => {
      const res = await pools[i % 2]!.request({ path: "/api/x", method: "GET" });
      await res.body.dump();
      if (res.statusCode === 200) allowed++;
      else if (res.statusCode === 429) limited++;
      else other++;
    }));
    await Promise.all(pools.map((p) => p.close()));
    expect(other).toBe(0);
    expect(allowed + limited).toBe(1_800);
    expect(Math.abs(allowed - LIMIT)).toBeLessThanOrEqual(LIMIT * 0.01);
  });
});
