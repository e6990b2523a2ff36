// Kong's hybrid-mode promise, tested on real processes: the control plane is killed with SIGKILL
// for 60 s under steady load and not one request fails; when it returns, the gateway is back in
// sync within 10 s. A gateway restarted while the control plane is down serves its disk cache; a
// corrupt or missing cache leaves it not ready, never crashed.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlPlaneApi } from "./support/api.ts";
import { createTestDatabase } from "./support/system.ts";

const root = path.resolve(import.meta.dirname, "..");
const ports = { cp: 4400, proxy: 8400, admin: 9400, demoBase: 9410, proxy2: 8402, admin2: 9402 };
const token = "outage-dp-token";
const password = "outage-admin-password";
const dir = mkdtempSync(path.join(os.tmpdir(), "sy-outage-"));
const children = new Set<ChildProcess>();
let database: Awaited<ReturnType<typeof createTestDatabase>>;

function start(script: string, env: Record<string, string>): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, SWITCHYARD_ACCESS_LOG: "off" };
  delete childEnv.DATABASE_URL;
  if (database.url) childEnv.DATABASE_URL = database.url;
  const child = spawn(process.execPath, [path.join(root, script)], { cwd: root, env: childEnv, stdio: "ignore" });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

const startControlPlane = () => start("apps/control-plane/src/main.ts", {
  SWITCHYARD_CP_PORT: String(ports.cp), SWITCHYARD_DP_TOKEN: token, SWITCHYARD_ADMIN_PASSWORD: password,
  SWITCHYARD_DATA_DIR: path.join(dir, "cp"), SWITCHYARD_DEMO_BASE_PORT: String(ports.demoBase),
});

const startGateway = (proxy: number, admin: number, cacheDir: string) => start("apps/gateway/src/main.ts", {
  SWITCHYARD_CP_URL: `http://127.0.0.1:${ports.cp}`, SWITCHYARD_DP_TOKEN: token, SWITCHYARD_WORKERS: "2",
  SWITCHYARD_PROXY_PORT: String(proxy), SWITCHYARD_ADMIN_PORT: String(admin), SWITCHYARD_CACHE_DIR: cacheDir,
});

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function readyVersion(admin: number): Promise<number | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${admin}/ready`);
    const body = (await res.json()) as { version?: number };
    return res.ok ? body.version ?? null : null;
  } catch {
    return null;
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

/** Steady keep-alive load at about `rps` until stopped; counts answers that are not 200. */
function steadyLoad(url: string, rps: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const target = new URL(url);
  let ok = 0, failed = 0, running = true;
  const failures: string[] = [];
  const timer = setInterval(() => {
    if (!running) return;
    const req = http.get({ host: target.hostname, port: target.port, path: target.pathname, agent }, (res) => {
      res.resume();
      res.on("end", () => { if (res.statusCode === 200) ok++; else { failed++; failures.push(String(res.statusCode)); } });
    });
    req.on("error", (e) => { failed++; failures.push(e.message); });
  }, 1000 / rps);
  return {
    stop: async () => { running = false; clearInterval(timer); await new Promise((r) => setTimeout(r, 500)); agent.destroy(); return { ok, failed, failures }; },
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  start("apps/demo-services/src/main.ts", { SWITCHYARD_DEMO_BASE_PORT: String(ports.demoBase) });
  startControlPlane();
  await until(async () => (await status(`http://127.0.0.1:${ports.cp}/healthz`)) === 200, 30_000, "control plane up");
  startGateway(ports.proxy, ports.admin, path.join(dir, "gw1"));
  await until(async () => (await readyVersion(ports.admin)) === 1, 30_000, "gateway ready with version 1");
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("control plane outage", () => {
  it("fails no request while the control plane is SIGKILLed for 60 s; back in sync within 10 s", async () => {
    const load = steadyLoad(`http://127.0.0.1:${ports.proxy}/api/users`, 100);
    await new Promise((r) => setTimeout(r, 2_000));
    const cp = [...children].find((c) => c.spawnargs.some((a) => a.includes("control-plane")))!;
    cp.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 60_000));
    const metrics = await (await fetch(`http://127.0.0.1:${ports.admin}/metrics`)).text();
    expect(metrics).toContain("switchyard_control_plane_connected 0");

    startControlPlane();
    await until(async () => (await status(`http://127.0.0.1:${ports.cp}/healthz`)) === 200, 30_000, "control plane back");
    const api = new ControlPlaneApi(`http://127.0.0.1:${ports.cp}`);
    await api.login("admin", password);
    const current = await api.query<{ version: number; config: { routes: { name: string; rules: { destinations: { weight: number }[] }[] }[] } }>("config.current");
    for (const d of current.config.routes.find((r) => r.name === "users")!.rules[0]!.destinations) d.weight = 50;
    const published = await api.mutate<{ version: number; changed: boolean }>("config.replace", { config: current.config, message: "after the outage" });
    expect(published).toMatchObject({ changed: true, version: current.version + 1 });
    const took = await until(async () => (await readyVersion(ports.admin)) === published.version, 10_000, "gateway in sync after the outage");
    expect(took).toBeLessThan(10_000);

    const result = await load.stop();
    expect(result.failed, result.failures.slice(0, 5).join(", ")).toBe(0);
    expect(result.ok).toBeGreaterThan(5_000);
  }, 120_000);

  it("restarted while the control plane is down: serves a good cache, stays not ready on a corrupt or missing one", async () => {
    const cp = [...children].find((c) => c.spawnargs.some((a) => a.includes("control-plane")))!;
    cp.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 300));

    // Good cache: the first gateway's.
    const good = startGateway(ports.proxy2, ports.admin2, path.join(dir, "gw1"));
    await until(async () => (await readyVersion(ports.admin2)) !== null, 15_000, "ready from the disk cache");
    expect(await status(`http://127.0.0.1:${ports.proxy2}/api/users`)).toBe(200);
    good.kill("SIGTERM");
    await new Promise((r) => good.once("exit", r));

    for (const [name, content] of [["corrupt", '{"version": 3, "hash": "00", "config": {'], ["missing", null]] as const) {
      const cacheDir = path.join(dir, `gw-${name}`);
      if (content !== null) {
        rmSync(cacheDir, { recursive: true, force: true });
        mkdirSync(cacheDir, { recursive: true });
        writeFileSync(path.join(cacheDir, "snapshot.json"), content);
      }
      const gw = startGateway(ports.proxy2, ports.admin2, cacheDir);
      await until(async () => (await status(`http://127.0.0.1:${ports.admin2}/live`)) === 200, 15_000, `${name} cache: live`);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await status(`http://127.0.0.1:${ports.admin2}/ready`), `${name} cache`).toBe(503);
      expect(gw.exitCode, `${name} cache: still running`).toBeNull();
      gw.kill("SIGTERM");
      await new Promise((r) => gw.once("exit", r));
    }
  }, 60_000);
});
