// The setup most console specs share: the whole system on the spec's own ports and a fresh data
// dir (and database, with DATABASE_URL), an API client logged in as admin, and a Chromium page
// signed in to the console.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { ControlPlaneApi } from "./api.ts";
import { launchBrowser } from "./browser.ts";
import { createTestDatabase, startSystem, type RunningSystem, type SystemPorts } from "./system.ts";

export interface AdminSession {
  system: RunningSystem;
  api: ControlPlaneApi;
  browser: Browser;
  page: Page;
  consoleUrl: string;
  close(): Promise<void>;
}

export async function startAdminSession(opts: { ports: SystemPorts; password: string; name: string; viewport?: { width: number; height: number } }): Promise<AdminSession> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `sy-e2e-${opts.name}-`));
  const database = await createTestDatabase();
  const system = await startSystem({ ports: opts.ports, dataDir, databaseUrl: database.url, adminPassword: opts.password });
  const api = new ControlPlaneApi(`http://127.0.0.1:${opts.ports.controlPlane}`);
  await api.login("admin", opts.password);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
  const consoleUrl = `http://127.0.0.1:${opts.ports.console}`;
  await page.goto(`${consoleUrl}/login`);
  await page.getByTestId("login-username").fill("admin");
  await page.getByTestId("login-password").fill(opts.password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  return {
    system, api, browser, page, consoleUrl,
    async close() {
      await browser.close();
      await system.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
