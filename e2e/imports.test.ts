// The YAML users already have, run as a standalone gateway (`switchyard gateway --config`), with
// assertions on the traffic it produces: Istio's first-match rules and relative weights, Kong's
// upstream target weights, strip_path and header routes.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { versionSplit } from "./support/traffic.ts";

const root = path.resolve(import.meta.dirname, "..");
const fixtures = path.join(root, "packages/config/src/importers/fixtures");
const demoBase = 9340;
const started: ChildProcess[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), "sy-imports-"));

function startProcess(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stderr!.on("data", (d) => process.stderr.write(d));
  started.push(child);
  return child;
}

async function waitFor(url: string) {
  for (let i = 0; i < 150; i++) {
    try { const res = await fetch(url); await res.arrayBuffer(); if (res.ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** Runs a fixture through the standalone gateway, with its demo ports moved to ours. */
async function gatewayFor(fixture: string, port: number): Promise<string> {
  const text = readFileSync(path.join(fixtures, fixture), "utf8")
    .replaceAll("9001", String(demoBase)).replaceAll("9002", String(demoBase + 1)).replaceAll("9003", String(demoBase + 2));
  const file = path.join(dir, fixture);
  writeFileSync(file, text);
  startProcess([path.join(root, "packages/cli/bin/switchyard.js"), "gateway", "--config", file, "--port", String(port), "--admin-port", String(port + 1), "--workers", "2"]);
  await waitFor(`http://127.0.0.1:${port + 1}/ready`);
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  startProcess([path.join(root, "apps/demo-services/src/main.ts")], { SWITCHYARD_DEMO_BASE_PORT: String(demoBase) });
  await waitFor(`http://127.0.0.1:${demoBase}/`);
});

afterAll(() => {
  for (const child of started) child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("Istio VirtualService + DestinationRule + ServiceEntry", () => {
  let gateway = "";
  beforeAll(async () => { gateway = await gatewayFor("istio-canary.yaml", 8350); });

  it("splits 90/10 by relative weight for mesh callers (Host: user-service)", async () => {
    const split = await versionSplit(`${gateway}/api/users`, 2000, 16, { host: "user-service" });
    expect(split.v1! + split.v2!).toBe(2000);
    expect(Math.abs(split.v2! / 2000 - 0.1)).toBeLessThan(0.03);
  });

  it("sends the earlier header rule's single destination all its traffic", async () => {
    const split = await versionSplit(`${gateway}/anything`, 200, 8, { host: "user-service", "x-canary": "true" });
    expect(split).toEqual({ v2: 200 });
  });

  it("does not answer for other hosts (the VirtualService's hosts)", async () => {
    const res = await fetch(`${gateway}/api/users`);
    expect(res.status).toBe(404);
    expect(res.headers.get("x-switchyard-flag")).toBe("NR");
  });
});

describe("Kong declarative config", () => {
  let gateway = "";
  beforeAll(async () => { gateway = await gatewayFor("kong.yaml", 8360); });

  it("balances over the upstream's targets by weight (70/30)", async () => {
    const split = await versionSplit(`${gateway}/api/users`, 2000, 16);
    expect(Math.abs(split.v1! / 2000 - 0.7)).toBeLessThan(0.04);
  });

  it("strips the matched path by default, and keeps it where strip_path is false", async () => {
    const stripped = (await (await fetch(`${gateway}/v0/users/42`)).json()) as { path: string };
    expect(stripped.path).toBe("/42");
    const kept = (await (await fetch(`${gateway}/api/users/42`)).json()) as { path: string };
    expect(kept.path).toBe("/api/users/42");
  });

  it("routes on header values, and only on them", async () => {
    const eu = await fetch(`${gateway}/orders`, { headers: { "x-region": "eu" } });
    expect(((await eu.json()) as { service: string }).service).toBe("order-service");
    const none = await fetch(`${gateway}/orders`);
    await none.arrayBuffer();
    expect(none.status).toBe(404);
  });
});
