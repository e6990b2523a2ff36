// Console entities as a user manages them: create a service (a bad port shows a field error
// first), a consumer with a generated key (read from the shown-once dialog), a key-auth policy on
// a route, then call the gateway without and with the key; simulate the request; delete what was
// made, and see a service in use refuse deletion with the routes named.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminSession, type AdminSession } from "./support/admin-session.ts";
import type { ControlPlaneApi } from "./support/api.ts";
import { screenshot } from "./support/browser.ts";
import type { SystemPorts } from "./support/system.ts";

const ports: SystemPorts = { console: 3330, controlPlane: 4330, proxy: 8330, admin: 9330, demoBase: 9340 };
const password = "e2e-entities-password";
const gateway = `http://127.0.0.1:${ports.proxy}`;
const consoleUrl = `http://127.0.0.1:${ports.console}`;

describe("console entities: services, consumers, policies, simulator", () => {
  let session: AdminSession;
  let page: Page;
  let api: ControlPlaneApi;
  let apiKey = "";

  beforeAll(async () => {
    session = await startAdminSession({ ports, password, name: "entities" });
    ({ page, api } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it("creates a service; a bad port shows a field error first", async () => {
    await page.goto(`${consoleUrl}/services`);
    await page.getByTestId("service-new").click();
    await page.waitForURL(/\/services\/new/);
    await page.getByTestId("service-name").fill("billing");
    await page.getByTestId("target-0-port").fill("70000");
    await page.getByTestId("target-0-labels").fill("version=v1");
    await page.getByTestId("subset-add").click();
    await page.getByTestId("subset-0-name").fill("v1");
    await page.getByTestId("subset-0-labels").fill("version=v1");
    await page.getByTestId("service-save").click();
    await expect.poll(() => page.getByTestId("field-error-targets.0.port").textContent()).toContain("1-65535");
    await screenshot(page, "entities-01-service-error");
    await page.getByTestId("target-0-port").fill(String(ports.demoBase));
    // The traffic policy and health check forms come from ServiceSchema.
    await page.getByTestId("field-trafficPolicy-on").check({ force: true });
    await page.getByTestId("field-trafficPolicy-loadBalancer-on").check({ force: true });
    await page.getByTestId("field-trafficPolicy-loadBalancer-type").selectOption("least-request");
    await page.getByTestId("field-trafficPolicy-timeouts-on").check({ force: true });
    await page.getByTestId("field-trafficPolicy-timeouts-requestMs").fill("2s");
    await page.getByTestId("field-healthCheck-on").check({ force: true });
    await expect.poll(() => page.getByTestId("subset-0-selects").textContent()).toContain(`127.0.0.1:${ports.demoBase}`);
    await page.getByTestId("service-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).toMatch(/Published version \d+/);
    await expect.poll(() => page.getByTestId("rollout").getAttribute("data-complete"), { timeout: 10_000 }).toBe("true");
    await screenshot(page, "entities-02-service-saved");
    const billing = await api.query<{ targets: { port: number }[]; trafficPolicy: { loadBalancer: { type: string }; timeouts: { requestMs: number } }; healthCheck: { path: string } }>("services.get", { name: "billing" });
    expect(billing.targets[0]!.port).toBe(ports.demoBase);
    expect(billing.trafficPolicy.loadBalancer.type).toBe("least-request");
    expect(billing.trafficPolicy.timeouts.requestMs).toBe(2000);
    expect(billing.healthCheck.path).toBe("/");
  });

  it("creates a consumer and generates a key shown once", async () => {
    await page.goto(`${consoleUrl}/consumers`);
    await page.getByTestId("consumer-new").click();
    await page.getByTestId("consumer-username").fill("Bad Name");
    await page.getByTestId("consumer-create").click();
    await page.getByTestId("field-error-username").waitFor();
    await page.getByTestId("consumer-username").fill("acme");
    await page.getByTestId("consumer-create").click();
    await page.getByTestId("consumer-detail-acme").waitFor();
    await page.getByTestId("key-generate").click();
    await expect.poll(() => page.getByTestId("new-api-key").inputValue()).toMatch(/^sy_/);
    apiKey = await page.getByTestId("new-api-key").inputValue();
    await screenshot(page, "entities-03-key-once");
    await page.getByTestId("key-dialog-done").click();
    await page.getByTestId("key-key-1").waitFor();
    await screenshot(page, "entities-04-consumer");
    // Only the hash is stored.
    const current = await api.query<{ config: unknown }>("config.current");
    expect(JSON.stringify(current)).not.toContain(apiKey);
  });

  it("attaches key-auth to a route: 401 without the key, 200 with it", async () => {
    await page.goto(`${consoleUrl}/policies`);
    await page.getByTestId("policy-new").click();
    await page.getByTestId("policy-name").fill("orders-keys");
    await page.getByTestId("policy-type").selectOption("key-auth");
    await page.getByTestId("policy-scope").selectOption("route");
    await page.getByTestId("policy-scope-name").selectOption("orders");
    await page.getByTestId("policy-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).toMatch(/Published version \d+/);
    await screenshot(page, "entities-05-policy");

    await expect.poll(async () => (await fetch(`${gateway}/api/orders`)).status, { timeout: 10_000 }).toBe(401);
    const ok = await fetch(`${gateway}/api/orders`, { headers: { apikey: apiKey } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { service: string }).service).toBe("order-service");
    expect((await fetch(`${gateway}/api/orders`, { headers: { apikey: `${apiKey}x` } })).status).toBe(401);

    await page.goto(`${consoleUrl}/routes/orders`);
    await page.getByTestId("route-policy-orders-keys").waitFor();
    await screenshot(page, "entities-06-route-policies");
  });

  it("simulates a request with the route, the split and the policies", async () => {
    await page.goto(`${consoleUrl}/simulator`);
    await page.getByTestId("sim-path").fill("/api/users/7");
    await page.getByTestId("sim-run").click();
    await expect.poll(() => page.getByTestId("sim-verdict").textContent()).toContain("Route users, rule 1");
    await expect.poll(() => page.getByTestId("sim-dest-user-service-v1").textContent()).toContain("90%");
    // /api/orders is the longer prefix, so it is tried first and fails on the path.
    await expect.poll(() => page.getByTestId("sim-verdict-orders").textContent()).toContain('does not start with the segment(s) "/api/orders"');
    await screenshot(page, "entities-07-simulator");
    await page.getByTestId("sim-path").fill("/api/orders");
    await page.getByTestId("sim-run").click();
    await expect.poll(() => page.getByTestId("sim-policies").textContent()).toContain("orders-keys");
  });

  it("deletes the policy, the consumer and the service; a service in use names its routes", async () => {
    await page.goto(`${consoleUrl}/policies`);
    await page.getByTestId("policy-row-orders-keys").click();
    await page.getByTestId("policy-delete").click();
    await page.getByTestId("confirm-dialog-confirm").click();
    await page.getByTestId("policy-row-orders-keys").waitFor({ state: "detached" });
    await expect.poll(async () => (await fetch(`${gateway}/api/orders`)).status, { timeout: 10_000 }).toBe(200);

    await page.goto(`${consoleUrl}/consumers`);
    await page.getByTestId("consumer-row-acme").click();
    await page.getByTestId("consumer-delete").click();
    await page.getByTestId("confirm-dialog-confirm").click();
    await page.getByTestId("consumer-row-acme").waitFor({ state: "detached" });

    await page.goto(`${consoleUrl}/services/user-service`);
    await page.getByTestId("service-delete").click();
    await page.getByTestId("confirm-dialog-confirm").click();
    await expect.poll(() => page.getByTestId("confirm-dialog").textContent()).toContain('"users"');
    await screenshot(page, "entities-08-delete-in-use");

    await page.goto(`${consoleUrl}/services/billing`);
    await page.getByTestId("service-delete").click();
    await page.getByTestId("confirm-dialog-confirm").click();
    await page.waitForURL(/\/services$/);
    await page.getByTestId("service-user-service").waitFor();
    expect(await page.getByTestId("service-billing").count()).toBe(0);
    await screenshot(page, "entities-09-services");
  });
});
