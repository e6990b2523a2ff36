// The developer-portal journey as outside developers and an admin run it: an admin publishes an
// API product with a plan; a developer signs up, verifies the e-mail (link from the control
// plane's log), creates an app, subscribes, copies the key, calls the API through the gateway
// (200), exceeds the plan's limit (429), tries an operation from the API reference, and finds the
// calls on the usage page and the statement, moves to another plan (the statement lists both), and
// the admin changes the plan back, suspends the subscription and the gateway refuses the key within a second.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "./support/browser.ts";
import { createTestDatabase, startSystem, type RunningSystem, type SystemPorts } from "./support/system.ts";

const ports: SystemPorts = { console: 3370, controlPlane: 4370, proxy: 8370, admin: 9370, demoBase: 9380 };
const password = "e2e-admin-password";
const gateway = `http://127.0.0.1:${ports.proxy}`;
const consoleUrl = `http://127.0.0.1:${ports.console}`;
const cpUrl = `http://127.0.0.1:${ports.controlPlane}`;
const email = `dev-${Date.now()}@example.com`;
const devPassword = "a-long-developer-password";
const PER_MINUTE = 5;

async function adminCall<T>(cookie: string, procedure: string, input: unknown): Promise<T> {
  const res = await fetch(`${cpUrl}/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(input) });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !body.result) throw new Error(`${procedure} failed: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result.data;
}

const usersOpenApi = {
  openapi: "3.1.0",
  info: { title: "Users API", version: "1.0.0", description: "The people in the demo user service." },
  servers: [{ url: gateway }],
  security: [{ apiKey: [] }],
  paths: {
    "/api/users": {
      get: {
        operationId: "listUsers",
        summary: "List users",
        tags: ["users"],
        parameters: [{ name: "limit", in: "query", description: "At most this many users", schema: { type: "integer", minimum: 1, maximum: 100 } }],
        responses: {
          "200": { description: "The users", content: { "application/json": { schema: { $ref: "#/components/schemas/UserList" }, example: [{ id: 1, name: "Ada Lovelace" }] } } },
          "401": { description: "No or unknown API key" },
          "429": { description: "Plan limit exceeded" },
        },
      },
    },
  },
  components: {
    securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "apikey" } },
    schemas: {
      User: { type: "object", required: ["id", "name"], properties: { id: { type: "integer" }, name: { type: "string" } } },
      UserList: { type: "array", items: { $ref: "#/components/schemas/User" } },
    },
  },
};

async function callApi(key: string | null): Promise<number> {
  const res = await fetch(`${gateway}/api/users`, { headers: key ? { apikey: key } : {} });
  await res.arrayBuffer();
  return res.status;
}

describe("developer portal: sign-up → key → gateway → usage → suspend", () => {
  let system: RunningSystem;
  let browser: Browser;
  let devContext: BrowserContext;
  let adminContext: BrowserContext;
  let page: Page;
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let adminCookie = "";
  let apiKey = "";
  // What this developer's key did, as the gateway answered: the usage page and statement must match.
  let keyCalls = 0;
  let forwarded = 0;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "sy-e2e-portal-"));
    database = await createTestDatabase();
    system = await startSystem({ ports, dataDir, databaseUrl: database.url, adminPassword: password });
    const login = await fetch(`${cpUrl}/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password }) });
    adminCookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0]!;
    browser = await launchBrowser();
    devContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    adminContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await devContext.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("publishes a product with a plan; its route then needs a key", async () => {
    const starter = await fetch(`${cpUrl}/trpc/portal.admin.starterOpenapi?input=${encodeURIComponent(JSON.stringify({ name: "Users API", routes: ["users"] }))}`, { headers: { cookie: adminCookie } });
    const starterText = ((await starter.json()) as { result: { data: { text: string } } }).result.data.text;
    expect(starterText).toContain("/api/users");
    // The admin fills the starter in: a parameter, a response schema and an example for the reference.
    const openapi = JSON.stringify(usersOpenApi);
    const product = await adminCall<{ id: string }>(adminCookie, "portal.admin.saveProduct", {
      product: {
        name: "Users API", slug: "users-api", description: "Look up the people in the demo user service.", routes: ["users"], openapi,
        guides: [{ title: "Getting started", markdown: "# Getting started\n\nSend your key in the `apikey` header:\n\n```\ncurl -H 'apikey: sy_…' /api/users\n```\n" }],
      },
    });
    await adminCall(adminCookie, "portal.admin.savePlan", { plan: { productId: product.id, name: "Starter", perMinute: PER_MINUTE, price: { kind: "per-request", unitMicros: 1000 } } });
    await adminCall(adminCookie, "portal.admin.savePlan", { plan: { productId: product.id, name: "Growth", perMinute: 100, monthlyQuota: 100_000, price: { kind: "per-request", unitMicros: 500 } } });
    await expect.poll(() => callApi(null), { timeout: 2000, interval: 50 }).toBe(401);

    const adminPage = await adminContext.newPage();
    await adminPage.goto(`${consoleUrl}/login?next=/portal-admin`);
    await adminPage.getByTestId("login-username").fill("admin");
    await adminPage.getByTestId("login-password").fill(password);
    await adminPage.getByTestId("login-submit").click();
    await adminPage.waitForURL(/\/portal-admin/);
    await adminPage.getByText("Users API").first().waitFor();
    await screenshot(adminPage, "portal-01-admin-products");
    await adminPage.goto(`${consoleUrl}/portal-admin/products/users-api`);
    await adminPage.getByTestId("save-plan").first().waitFor();
    await adminPage.getByTestId("product-openapi").fill("openapi: 3.0.3\ninfo:\n  title: broken\npaths: {}\n");
    await adminPage.getByTestId("openapi-validate").click();
    await expect.poll(() => adminPage.getByTestId("openapi-result").textContent()).toContain("not valid");
    await screenshot(adminPage, "portal-02-admin-openapi-error");
    await adminPage.close();
  }, 60_000);

  it("signs up, verifies through the logged link and signs in", async () => {
    await page.goto(`${consoleUrl}/portal`);
    await page.getByTestId("product-card-users-api").waitFor();
    await screenshot(page, "portal-03-catalog");
    await page.goto(`${consoleUrl}/portal/sign-up`);
    await page.locator("#email").fill(email);
    await page.locator("#password").fill(devPassword);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByTestId("sign-up-done").waitFor();
    let token = "";
    await expect.poll(() => {
      const line = system.output().split("\n").find((l) => l.includes("[portal-mail]") && l.includes(`to=${email}`));
      token = line ? /token=([^\s&]+)/.exec(line)?.[1] ?? "" : "";
      return token;
    }, { timeout: 5000 }).not.toBe("");
    await page.goto(`${consoleUrl}/portal/verify?token=${token}`);
    await page.getByTestId("verified").waitFor();
    await page.goto(`${consoleUrl}/portal/sign-in`);
    await page.locator("#email").fill(email);
    await page.locator("#password").fill(devPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/portal\/apps/);
    await page.getByTestId("portal-user").waitFor();
  }, 60_000);

  it("creates an app, subscribes, copies the key and calls the API through the gateway", async () => {
    await page.getByTestId("app-name").fill("Weather station");
    await page.getByTestId("create-app").click();
    await page.getByTestId("app-Weather station").waitFor();
    await page.goto(`${consoleUrl}/portal/products/users-api`);
    await page.getByTestId("plan-Starter").waitFor();
    expect(await page.getByTestId("plan-Starter").getByTestId("plan-price").textContent()).toBe("$0.0010 per request");
    await screenshot(page, "portal-04-product");
    await page.getByTestId("tab-guide-0").click();
    await page.locator(".portal-prose h1").getByText("Getting started").waitFor();
    await screenshot(page, "portal-04b-guide");
    await page.getByTestId("tab-overview").click();
    await page.getByTestId("plan-Starter").getByRole("button", { name: "Subscribe" }).click();
    await page.getByTestId("new-key-value").waitFor();
    apiKey = (await page.getByTestId("new-key-value").textContent())!.trim();
    expect(apiKey).toMatch(/^sy_/);
    await screenshot(page, "portal-05-key-shown-once");
    const started = Date.now();
    await expect.poll(() => callApi(apiKey), { timeout: 1000, interval: 25 }).toBe(200);
    expect(Date.now() - started).toBeLessThan(1050);
    keyCalls++;
    forwarded++;
    expect(await callApi("sy_not-a-key")).toBe(401);
  }, 60_000);

  it("renders the API reference (operations, parameters, schemas, examples) and tries an operation with the key", async () => {
    await page.getByTestId("tab-reference").click();
    const reference = page.getByTestId("swagger-reference");
    const operation = reference.locator("#operations-users-listUsers");
    await operation.waitFor();
    expect(await operation.locator(".opblock-summary-path").textContent()).toBe("/api/users");
    expect(await operation.locator(".opblock-summary-description").textContent()).toBe("List users");
    // Schemas: the components section lists both, and the server is the gateway.
    await expect.poll(() => reference.locator("section.models").textContent()).toMatch(/Schemas.*User.*UserList/s);
    expect(await reference.locator(".servers select").inputValue()).toBe(gateway);
    await operation.locator(".opblock-summary-control").click();
    await operation.locator(".parameters .parameter__name", { hasText: "limit" }).waitFor();
    expect(await operation.locator(".response .microlight").first().textContent()).toContain("Ada Lovelace");
    // A schema opens to its properties.
    await reference.locator("section.models .json-schema-2020-12-accordion").first().click();
    await expect.poll(() => reference.locator("section.models").textContent()).toMatch(/User.*id.*integer.*name.*string/s);
    await screenshot(page, "portal-06-reference");
    await page.evaluate(() => document.documentElement.classList.add("dark"));
    await page.waitForTimeout(400); // let the colour transitions finish
    await screenshot(page, "portal-06b-reference-dark");
    await page.evaluate(() => document.documentElement.classList.remove("dark"));

    await page.getByTestId("try-it-key").fill(apiKey);
    await operation.locator(".try-out__btn").click();
    await operation.locator(".parameters input[placeholder=limit]").fill("2");
    await operation.locator(".btn.execute").click();
    const live = operation.locator(".live-responses-table tbody .response-col_status");
    await expect.poll(() => live.first().textContent().catch(() => ""), { timeout: 10_000 }).toBe("200");
    // The curl shown is the call to the gateway, not the console's pass-through.
    expect(await operation.locator(".curl-command").textContent()).toContain(`${gateway}/api/users?limit=2`);
    keyCalls++;
    forwarded++;
    await screenshot(page, "portal-06c-try-it");
  }, 60_000);

  it("answers 429 past the plan's per-minute limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE + 2; i++) statuses.push(await callApi(apiKey));
    expect(statuses).toContain(429);
    // Two calls were made already (curl and try-it): at most the rest of the minute's allowance passes.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(PER_MINUTE - 2);
    keyCalls += statuses.length;
    forwarded += statuses.filter((s) => s === 200).length;
  }, 30_000);

  it("shows the calls on the usage page and the statement (from the gateway's counts)", async () => {
    expect(keyCalls).toBeGreaterThan(0);
    await page.goto(`${consoleUrl}/portal/usage`);
    // The gateway reports its counts every second; the control plane adds them to the rollup every few seconds.
    await expect.poll(async () => {
      await page.reload();
      const text = await page.getByTestId("usage-total").textContent({ timeout: 5000 }).catch(() => "0");
      return Number((text ?? "0").replace(/,/g, ""));
    }, { timeout: 20_000, interval: 2000 }).toBe(keyCalls);
    await screenshot(page, "portal-07-usage");
    await page.goto(`${consoleUrl}/portal/apps`);
    await page.getByTestId("statement-link").click();
    await page.getByTestId("statement-requests").waitFor();
    // Only forwarded requests are billed: the 429s are not.
    expect(Number(await page.getByTestId("statement-requests").textContent())).toBe(forwarded);
    // $0.001 per forwarded request.
    expect(await page.getByTestId("statement-total").textContent()).toBe(`$${(forwarded / 1000).toFixed(4)}`);
    await screenshot(page, "portal-08-statement");
  }, 130_000);

  it("moves the app to another plan mid-month: new limits at once, the statement lists each plan's part", async () => {
    await page.goto(`${consoleUrl}/portal/apps`);
    const sub = page.getByTestId("subscription-users-api");
    await sub.getByTestId("plan-select").selectOption({ label: "Growth" });
    await sub.getByTestId("change-plan").click();
    await expect.poll(() => sub.getByTestId("subscription-plan").textContent()).toBe("Growth");
    // Starter's 5 a minute were used up; Growth allows 100, from now on.
    await expect.poll(() => callApi(apiKey), { timeout: 1000, interval: 25 }).toBe(200);
    // Usage is counted per minute and a minute is billed with the plan in effect at its start:
    // one more call in the next minute is Growth's.
    await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 250));
    expect(await callApi(apiKey)).toBe(200);
    keyCalls++;
    forwarded++;
    keyCalls++;
    forwarded++;
    await page.getByTestId("statement-link").click();
    await page.getByTestId("statement-requests").waitFor();
    await expect.poll(async () => {
      await page.reload();
      const text = await page.getByTestId("statement-requests").textContent({ timeout: 5000 }).catch(() => "0");
      return Number(text);
    }, { timeout: 20_000, interval: 2000 }).toBe(forwarded);
    expect(await page.getByTestId("statement-plan-changes").textContent()).toMatch(/Starter from .* → Growth from /);
    const lines = await page.getByTestId("statement-line").allTextContents();
    expect(lines.some((l) => l.includes("Starter"))).toBe(true);
    expect(lines.find((l) => l.includes("Growth"))).toMatch(/Growth1\$0\.0005$/);
    expect(await page.getByTestId("statement-total").textContent()).toBe(`$${(((forwarded - 1) * 1000 + 500) / 1_000_000).toFixed(4)}`);
    await screenshot(page, "portal-08b-statement-plan-change");
  }, 120_000);

  it("refuses the key within a second after the admin suspends the subscription", async () => {
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`${consoleUrl}/portal-admin`);
    const row = adminPage.getByTestId(`admin-subscription-${email}`);
    await row.waitFor();
    // The admin can move a subscription between plans too.
    expect(await row.getByTestId("admin-subscription-plan").textContent()).toBe("Growth");
    await row.getByTestId("admin-plan-select").selectOption({ label: "Starter" });
    await row.getByTestId("admin-change-plan").click();
    await expect.poll(() => row.getByTestId("admin-subscription-plan").textContent()).toBe("Starter");
    await row.getByTestId("subscription-suspend").click();
    const clicked = Date.now();
    await expect.poll(() => callApi(apiKey), { timeout: 1000, interval: 25 }).toBe(401);
    expect(Date.now() - clicked).toBeLessThan(1050);
    await row.getByTestId("subscription-resume").waitFor();
    await screenshot(adminPage, "portal-09-admin-suspended");
    await page.goto(`${consoleUrl}/portal/apps`);
    await expect.poll(() => page.getByTestId("subscription-status").first().textContent()).toBe("suspended");
    await screenshot(page, "portal-10-developer-suspended");
  }, 30_000);
  it("refuses a try-it body over 1 MB at the console without waiting for all of it, and passes a small one on", async () => {
    const { port } = new URL(consoleUrl);
    // The answer must come while the upload is still unfinished: from the declared length, or
    // once what arrived of a chunked one passes 1 MB.
    const declared = await answerWhileUploading(Number(port), { "content-length": "1500000" }, [Buffer.alloc(10_000)]);
    expect(declared).toMatch(/^HTTP\/1\.1 413 /);
    const piece = Buffer.alloc(100_000);
    const chunked = [...Array(11)].map(() => Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]));
    const streamed = await answerWhileUploading(Number(port), { "transfer-encoding": "chunked" }, chunked);
    expect(streamed).toMatch(/^HTTP\/1\.1 413 /);
    expect(streamed).toContain("Request body over 1 MB");
    const small = await fetch(`${consoleUrl}/api/portal-gateway/users`, { method: "POST", body: "{}", headers: { "content-type": "application/json", apikey: apiKey } });
    expect(small.status).not.toBe(413);
    expect(small.status).toBeLessThan(500);
  });
});

/** POSTs to the try-it pass-through, sends `pieces` and then nothing more; resolves with what the console answered within 5 s. */
function answerWhileUploading(port: number, headers: Record<string, string>, pieces: Buffer[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => { socket.destroy(); resolve(data); }, 5_000);
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      data += d;
      if (data.includes("\r\n\r\n")) { clearTimeout(timer); setTimeout(() => { socket.destroy(); resolve(data); }, 200); }
    });
    socket.on("error", (e) => { clearTimeout(timer); if (data) resolve(data); else reject(e); });
    socket.on("connect", () => {
      const head = Object.entries({ host: `127.0.0.1:${port}`, "content-type": "application/octet-stream", ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join("");
      socket.write(`POST /api/portal-gateway/users HTTP/1.1\r\n${head}\r\n`);
      for (const piece of pieces) socket.write(piece);
    });
  });
}
