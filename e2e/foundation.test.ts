// The foundation journey as a user runs it: start the system, log in to the console, change the
// canary split from 90/10 to 50/50, watch the gateway follow and the data-plane page show the new
// version, reject bad input without storing anything, restart and find the change kept.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlPlaneApi } from "./support/api.ts";
import { launchBrowser, screenshot } from "./support/browser.ts";
import { createTestDatabase, startSystem, type RunningSystem, type SystemPorts } from "./support/system.ts";
import { versionSplit } from "./support/traffic.ts";

const ports: SystemPorts = { console: 3310, controlPlane: 4310, proxy: 8310, admin: 9310, demoBase: 9320 };
const password = "e2e-admin-password";
const gateway = `http://127.0.0.1:${ports.proxy}`;
const consoleUrl = `http://127.0.0.1:${ports.console}`;

interface CurrentConfig { version: number; config: { routes: { name: string; rules: { destinations: { subset?: string; weight: number }[] }[] }[] } }

describe("foundation: console → control plane → gateway", () => {
  let system: RunningSystem;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const api = new ControlPlaneApi(`http://127.0.0.1:${ports.controlPlane}`);

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "sy-e2e-"));
    database = await createTestDatabase();
    system = await startSystem({ ports, dataDir, databaseUrl: database.url, adminPassword: password });
    await api.login("admin", password);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves the seeded demo: /api/users answers from user-service v1 or v2, split 90/10", async () => {
    const res = await fetch(`${gateway}/api/users`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { service: string; version: string; path: string };
    expect(body.service).toBe("user-service");
    expect(["v1", "v2"]).toContain(body.version);
    const split = await versionSplit(`${gateway}/api/users`, 1000);
    expect((split.v1 ?? 0) + (split.v2 ?? 0)).toBe(1000);
    expect(split.v2! / 1000).toBeGreaterThan(0.05);
    expect(split.v2! / 1000).toBeLessThan(0.15);
    const orders = await fetch(`${gateway}/api/orders`);
    expect(((await orders.json()) as { service: string }).service).toBe("order-service");
  });

  it("logs in and lists the seeded routes", async () => {
    await page.goto(`${consoleUrl}/routes`);
    await page.waitForURL(/\/login/);
    await screenshot(page, "01-login");
    await page.getByTestId("login-username").fill("admin");
    await page.getByTestId("login-password").fill(password);
    await page.getByTestId("login-submit").click();
    await page.waitForURL(/\/routes/);
    await page.getByTestId("route-row-users").waitFor();
    await page.getByTestId("route-row-orders").waitFor();
    await screenshot(page, "02-routes");
  });

  it("rejects a negative weight with a field-level error and stores nothing", async () => {
    const before = await api.query<CurrentConfig>("config.current");
    await page.getByTestId("route-row-users").click();
    await page.waitForURL(/\/routes\/users/);
    await page.getByTestId("dest-weight-0-1").fill("-5");
    await page.getByTestId("route-save").click();
    await expect.poll(() => page.getByTestId("field-error-rules.0.destinations.1.weight").textContent()).toContain("negative");
    await screenshot(page, "03-route-editor-error");
    const after = await api.query<CurrentConfig>("config.current");
    expect(after.version).toBe(before.version);
  });

  it("changes the split to 50/50; the gateway follows and the data-plane page shows the version", async () => {
    const before = await api.query<CurrentConfig>("config.current");
    await page.reload();
    await page.getByTestId("dest-weight-0-0").fill("50");
    await page.getByTestId("dest-weight-0-1").fill("50");
    await page.getByTestId("route-save").click();
    const expected = before.version + 1;
    await expect.poll(() => page.getByTestId("save-result").textContent(), { timeout: 10_000 }).toContain(`version ${expected}`);
    const savedAt = Date.now();
    await screenshot(page, "04-route-saved");

    // Within a second the gateway serves the new split.
    await expect.poll(async () => {
      const res = await fetch(`http://127.0.0.1:${ports.admin}/metrics`);
      return /switchyard_config_version\s+(\d+)/.exec(await res.text())?.[1];
    }, { timeout: 1_000, interval: 50 }).toBe(String(expected));
    expect(Date.now() - savedAt).toBeLessThan(1_500);
    const split = await versionSplit(`${gateway}/api/users`, 1000);
    expect(split.v2! / 1000).toBeGreaterThan(0.42);
    expect(split.v2! / 1000).toBeLessThan(0.58);

    await page.goto(`${consoleUrl}/data-planes`);
    const applied = page.locator('[data-testid^="dp-applied-"]').first();
    await expect.poll(() => applied.textContent(), { timeout: 5_000 }).toContain(String(expected));
    // Live updates arrive over the control plane's tRPC WebSocket, not only by polling.
    await expect.poll(() => page.getByTestId("live-status").textContent(), { timeout: 5_000 }).toContain("Live");
    await screenshot(page, "05-data-planes");
  });

  it("audits where a console user came from: the browser's address, not a forged X-Forwarded-For", async () => {
    // The "browser" connects from 127.0.0.3 and claims to be 203.0.113.5; the console's server
    // appends the real peer and the control plane trusts only the console (127.0.0.1).
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ username: "someone-forging", password: "not-the-password" });
      const req = http.request(`${consoleUrl}/api/trpc/auth.login`, {
        method: "POST",
        localAddress: "127.0.0.3",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-forwarded-for": "203.0.113.5" },
      }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode ?? 0)); });
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(401);
    const audit = await api.query<{ items: { actor: string; action: string; ip: string | null }[] }>("audit.list", { search: "someone-forging" });
    expect(audit.items).toEqual([expect.objectContaining({ actor: "someone-forging", action: "auth.login-failed", ip: "127.0.0.3" })]);
  });

  it("keeps the change across a restart (embedded database persists)", async () => {
    const before = await api.query<CurrentConfig>("config.current");
    await system.stop();
    system = await startSystem({ ports, dataDir, databaseUrl: database.url, adminPassword: password });
    await api.login("admin", password);
    const after = await api.query<CurrentConfig>("config.current");
    expect(after.version).toBe(before.version);
    const users = after.config.routes.find((r) => r.name === "users")!;
    expect(users.rules[0]!.destinations.map((d) => d.weight)).toEqual([50, 50]);
    const res = await fetch(`${gateway}/api/users`);
    expect(res.status).toBe(200);
  });
});
