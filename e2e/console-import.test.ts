// Importing YAML users already have through the console: paste Istio resources, preview how
// they were read and the diff, publish, and watch the gateway follow Istio's semantics. Broken
// input shows its errors and stores nothing.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminSession, type AdminSession } from "./support/admin-session.ts";
import type { ControlPlaneApi } from "./support/api.ts";
import { screenshot } from "./support/browser.ts";
import type { SystemPorts } from "./support/system.ts";
import { versionSplit } from "./support/traffic.ts";

const ports: SystemPorts = { console: 3360, controlPlane: 4360, proxy: 8380, admin: 9380, demoBase: 9390 };
const password = "e2e-import-password";
const consoleUrl = `http://127.0.0.1:${ports.console}`;
const istio = readFileSync(path.resolve(import.meta.dirname, "../packages/config/src/importers/fixtures/istio-canary.yaml"), "utf8")
  .replaceAll("9001", String(ports.demoBase)).replaceAll("9002", String(ports.demoBase + 1));

describe("console import", () => {
  let session: AdminSession;
  let page: Page;
  let api: ControlPlaneApi;

  beforeAll(async () => {
    session = await startAdminSession({ ports, password, name: "import", viewport: { width: 1400, height: 1000 } });
    ({ page, api } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it("shows the errors of input it can't publish, and stores nothing", async () => {
    const before = await api.query<{ version: number }>("config.current");
    await page.goto(`${consoleUrl}/import`);
    await page.getByTestId("import-text").fill("services: []\nroutes:\n  - name: broken\n    rules: [{ destinations: [{ service: ghost }] }]\n");
    await page.getByTestId("import-preview").click();
    await expect.poll(() => page.getByTestId("import-errors").textContent()).toContain('Unknown service "ghost"');
    expect(await page.getByTestId("import-publish").count()).toBe(0);
    expect((await api.query<{ version: number }>("config.current")).version).toBe(before.version);
  });

  it("previews Istio resources with a diff, publishes them, and the gateway follows Istio's rules", async () => {
    await page.getByTestId("import-text").fill(istio);
    await page.getByTestId("import-preview").click();
    await expect.poll(() => page.getByTestId("import-format").textContent()).toContain("Istio");
    await page.getByTestId("diff-view").waitFor();
    await screenshot(page, "import-01-preview");
    await page.getByTestId("import-publish").click();
    await expect.poll(() => page.getByTestId("import-published").textContent(), { timeout: 10_000 }).toContain("Published version");
    await expect.poll(() => page.getByTestId("rollout").getAttribute("data-complete"), { timeout: 10_000 }).toBe("true");
    await screenshot(page, "import-02-published");

    const gateway = `http://127.0.0.1:${ports.proxy}`;
    const split = await versionSplit(`${gateway}/api/users`, 1000, 16, { host: "user-service" });
    expect(Math.abs(split.v2! / 1000 - 0.1)).toBeLessThan(0.04);
    expect(await versionSplit(`${gateway}/x`, 100, 8, { host: "user-service", "x-canary": "true" })).toEqual({ v2: 100 });
    // The seeded routes are still there: the import was laid over the running config by name.
    const seeded = await versionSplit(`${gateway}/api/orders`, 10, 2);
    expect(seeded.v1).toBe(10);
  });
});
