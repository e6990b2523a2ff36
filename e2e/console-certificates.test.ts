// Certificates and settings as a user manages them in the console: add a certificate generated
// for the test (a key that isn't its own is refused on the key field first), see it listed with
// its expiry warning, change the gateway settings (a bad CIDR is a field error), make a route
// HTTPS-only and a service speak HTTP/2 and TLS to its targets, delete the certificate. Light, dark and phone width.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminSession, type AdminSession } from "./support/admin-session.ts";
import { ControlPlaneApi } from "./support/api.ts";
import { screenshot, screenshotDir } from "./support/browser.ts";
import type { SystemPorts } from "./support/system.ts";

const ports: SystemPorts = { console: 12510, controlPlane: 12511, proxy: 12512, admin: 12513, demoBase: 12520 };
const password = "e2e-certificates-password";
const gateway = `http://127.0.0.1:${ports.proxy}`;
const consoleUrl = `http://127.0.0.1:${ports.console}`;

/** A self-signed P-256 certificate valid for 30 days, as an operator would make one with openssl. */
function selfSigned(dir: string, host: string): { cert: string; key: string; keyFile: string } {
  const keyFile = path.join(dir, `${host}.key`), certFile = path.join(dir, `${host}.crt`);
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30",
    "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host}`, "-keyout", keyFile, "-out", certFile,
  ], { stdio: "ignore" });
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), keyFile };
}

interface CertificateView { name: string; hosts: string[]; subject: string; notAfter: string }

describe("console certificates and settings", () => {
  let session: AdminSession;
  let page: Page;
  let api: ControlPlaneApi;
  let dir: string;
  let pair: ReturnType<typeof selfSigned>;
  let stranger: ReturnType<typeof selfSigned>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "sy-e2e-certs-"));
    pair = selfSigned(dir, "api.example.test");
    stranger = selfSigned(dir, "other.example.test");
    session = await startAdminSession({ ports, password, name: "certificates" });
    ({ page, api } = session);
  });

  afterAll(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("adds a certificate from the sidebar; a key that is not its own is refused on the key field", async () => {
    await page.goto(`${consoleUrl}/routes`);
    await page.getByTestId("nav-certificates").click();
    await page.waitForURL(/\/certificates$/);
    await expect.poll(() => page.getByTestId("empty-state").first().textContent()).toContain("No certificates yet");
    await screenshot(page, "certificates-01-empty");

    await page.getByTestId("certificate-new").click();
    await page.getByTestId("certificate-name").fill("api");
    await page.locator("#certificate-hosts").fill("api.example.test");
    await page.locator("#certificate-hosts").press("Enter");
    await page.getByTestId("certificate-cert").fill(pair.cert);
    // The key comes from a file, as an operator would upload it.
    await page.getByTestId("certificate-key-file").setInputFiles(stranger.keyFile);
    await expect.poll(() => page.getByTestId("certificate-key").inputValue()).toContain("PRIVATE KEY");
    const before = (await api.query<{ version: number }>("config.current")).version;
    await page.getByTestId("certificate-save").click();
    await expect.poll(() => page.getByTestId("field-error-key").textContent()).toContain("The private key does not belong to the certificate (CN=api.example.test)");
    expect(await page.getByTestId("certificate-key").getAttribute("aria-invalid")).toBe("true");
    expect((await api.query<{ version: number }>("config.current")).version).toBe(before);
    await screenshot(page, "certificates-02-key-error");

    await page.getByTestId("certificate-key").fill(pair.key);
    await page.getByTestId("certificate-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).toContain(`Published version ${before + 1}`);
    await expect.poll(() => page.getByTestId("rollout").getAttribute("data-complete"), { timeout: 10_000 }).toBe("true");
    // The key field is write-only: it empties after the save.
    expect(await page.getByTestId("certificate-key").inputValue()).toBe("");
  });

  it("lists the certificate with its hosts and a warning that it expires within 30 days; the list never carries the key", async () => {
    const expiry = page.getByTestId("certificate-expiry-api").first();
    await expect.poll(() => expiry.getAttribute("data-state")).toBe("expiring");
    expect(await expiry.textContent()).toMatch(/^Expires in 29 days$/);
    expect(await page.getByTestId("certificate-row-api").textContent()).toContain("api.example.test");
    await page.getByTestId("certificate-search").fill("nothing-like-it");
    await expect.poll(() => page.getByTestId("empty-state").first().textContent()).toContain("No certificate matches");
    await page.getByTestId("certificate-search").fill("EXAMPLE.test");
    await page.getByTestId("certificate-row-api").click();
    await expect.poll(() => page.getByTestId("certificate-details-api").textContent()).toContain("DNS:api.example.test");
    await screenshot(page, "certificates-03-listed");

    const list = await api.query<CertificateView[]>("certificates.list");
    expect(list.map((c) => [c.name, c.hosts, c.subject])).toEqual([["api", ["api.example.test"], "CN=api.example.test"]]);
    expect(JSON.stringify(list)).not.toContain("PRIVATE KEY");
    const body = pair.key.split("\n").filter((l) => l && !l.startsWith("-----")).join("");
    expect(JSON.stringify(list)).not.toContain(body);

    // A viewer reads the config with the key redacted; the admin (who exports and applies) gets it.
    await api.mutate("users.create", { username: "vera", password: "viewer-password", role: "viewer" });
    const viewer = new ControlPlaneApi(`http://127.0.0.1:${ports.controlPlane}`);
    await viewer.login("vera", "viewer-password");
    const seen = await viewer.query<{ version: number; config: { certificates: { key: string; cert: string }[] } }>("config.current");
    expect(seen.config.certificates[0]).toMatchObject({ key: "<redacted>", cert: pair.cert });
    expect(JSON.stringify(seen)).not.toContain(body);
    expect(JSON.stringify(await viewer.query("config.get", { version: seen.version }))).not.toContain(body);
    expect((await api.query<typeof seen>("config.current")).config.certificates[0]!.key).toBe(pair.key);

    await page.emulateMedia({ colorScheme: "dark" });
    await page.reload();
    await page.getByTestId("certificate-row-api").click();
    await page.getByTestId("certificate-details-api").waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
    await screenshot(page, "certificates-04-listed-dark");
    await page.emulateMedia({ colorScheme: "light" });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId("certificate-row-api").waitFor();
    await page.getByTestId("certificate-row-api").click();
    await page.getByTestId("certificate-details-api").waitFor();
    await screenshot(page, "certificates-05-phone");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.setViewportSize({ width: 1400, height: 900 });
    expect(width, "no horizontal scrolling at phone width").toBeLessThanOrEqual(390);
  });

  it("changes the gateway settings: a bad CIDR is a field error, a good one publishes and rolls out", async () => {
    await page.goto(`${consoleUrl}/routes`);
    await page.getByTestId("nav-settings").click();
    await page.waitForURL(/\/settings$/);
    const proxies = page.locator("#f-trustedProxies");
    await proxies.fill("10.0.0.0/33");
    await proxies.press("Enter");
    await page.getByTestId("settings-save").click();
    await expect.poll(() => page.getByTestId("field-error-trustedProxies.0").textContent()).toBeTruthy();
    await screenshot(page, "certificates-06-settings-error");

    await page.getByRole("button", { name: "Remove 10.0.0.0/33" }).click();
    await proxies.fill("10.0.0.0/8");
    await proxies.press("Enter");
    await page.getByTestId("settings-tracing-on").check({ force: true });
    await page.getByTestId("field-tracing-sampleRatio").fill("0.25");
    await page.getByTestId("settings-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).toMatch(/Published version \d+: settings$/);
    await expect.poll(() => page.getByTestId("rollout").getAttribute("data-complete"), { timeout: 10_000 }).toBe("true");
    await screenshot(page, "certificates-07-settings-saved");
    expect(await api.query("settings.get")).toEqual({ trustedProxies: ["10.0.0.0/8"], tracing: { sampleRatio: 0.25 } });
  });

  it("makes a route HTTPS-only: plain HTTP gets the chosen redirect, then serves again when it is off", async () => {
    await page.goto(`${consoleUrl}/routes/orders`);
    await page.getByTestId("route-https-only-on").check({ force: true });
    await page.getByTestId("field-httpsRedirect-status").selectOption("308");
    await page.getByTestId("field-httpsRedirect-port").fill("8443");
    await page.getByTestId("route-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).toMatch(/Published version \d+$/);
    await screenshot(page, "certificates-08-route-https-only");
    const route = await api.query<{ httpsRedirect?: unknown }>("routes.get", { name: "orders" });
    expect(route.httpsRedirect).toEqual({ status: 308, port: 8443 });
    await expect.poll(async () => (await fetch(`${gateway}/api/orders`, { redirect: "manual" })).status, { timeout: 10_000 }).toBe(308);
    expect((await fetch(`${gateway}/api/orders/7?x=1`, { redirect: "manual" })).headers.get("location")).toBe("https://127.0.0.1:8443/api/orders/7?x=1");

    await page.getByTestId("route-https-only-on").uncheck({ force: true });
    await page.getByTestId("route-save").click();
    await expect.poll(async () => (await fetch(`${gateway}/api/orders`)).status, { timeout: 10_000 }).toBe(200);
    expect((await api.query<{ httpsRedirect?: unknown }>("routes.get", { name: "orders" })).httpsRedirect).toBeUndefined();
  });

  it("offers HTTP/2 to the targets in the service editor's traffic policy", async () => {
    await page.goto(`${consoleUrl}/services/order-service`);
    await page.getByTestId("service-name").waitFor();
    if (!(await page.getByTestId("field-trafficPolicy-on").isChecked())) await page.getByTestId("field-trafficPolicy-on").check({ force: true });
    await page.getByTestId("field-trafficPolicy-connectionPool-on").check({ force: true });
    await page.getByTestId("field-trafficPolicy-connectionPool-http-on").check({ force: true });
    await page.getByTestId("field-trafficPolicy-connectionPool-http-h2UpgradePolicy").selectOption("DO_NOT_UPGRADE");
    await page.getByTestId("field-trafficPolicy-connectionPool-http-maxConcurrentStreams").fill("50");
    await page.getByTestId("group-trafficPolicy-connectionPool-http").screenshot({ path: path.join(screenshotDir, "certificates-10-service-http2.png") });
    await page.getByTestId("service-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).toMatch(/Published version \d+$/);
    const service = await api.query<{ trafficPolicy: { connectionPool: { http: unknown } } }>("services.get", { name: "order-service" });
    expect(service.trafficPolicy.connectionPool.http).toEqual({ h2UpgradePolicy: "DO_NOT_UPGRADE", maxConcurrentStreams: 50 });
  });

  it("overrides the traffic policy of one subset", async () => {
    await page.goto(`${consoleUrl}/services/user-service`);
    await page.getByTestId("service-name").waitFor();
    const policy = page.getByTestId("subset-1-policy");
    await expect.poll(() => policy.locator("summary").textContent()).toContain("inherits the service's");
    await policy.locator("summary").click();
    await page.getByTestId("field-subsets-1-trafficPolicy-on").check({ force: true });
    await page.getByTestId("field-subsets-1-trafficPolicy-connectionPool-on").check({ force: true });
    await page.getByTestId("field-subsets-1-trafficPolicy-connectionPool-http-on").check({ force: true });
    await page.getByTestId("field-subsets-1-trafficPolicy-connectionPool-http-maxConcurrentStreams").fill("20");
    await policy.screenshot({ path: path.join(screenshotDir, "certificates-11-subset-policy.png") });
    await page.getByTestId("service-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).toMatch(/Published version \d+$/);
    const service = await api.query<{ subsets: { name: string; trafficPolicy?: { connectionPool?: { http?: unknown } } }[] }>("services.get", { name: "user-service" });
    expect(service.subsets[1]!.trafficPolicy?.connectionPool?.http).toMatchObject({ maxConcurrentStreams: 20 });
    expect(service.subsets[0]!.trafficPolicy).toBeUndefined();
    await expect.poll(() => policy.locator("summary").textContent()).toContain("overrides the service's");
  });

  it("sets TLS to a service's targets: mode, SNI and CA in the traffic policy, then mTLS; a CA that does not parse and a MUTUAL without its certificate are refused on their fields", async () => {
    await page.goto(`${consoleUrl}/services/order-service`);
    await page.getByTestId("service-name").waitFor();
    if (!(await page.getByTestId("field-trafficPolicy-on").isChecked())) await page.getByTestId("field-trafficPolicy-on").check({ force: true });
    await page.getByTestId("field-trafficPolicy-tls-on").check({ force: true });
    await page.getByTestId("field-trafficPolicy-tls-mode").selectOption("SIMPLE");
    await page.getByTestId("field-trafficPolicy-tls-sni").fill("orders.internal");
    await page.getByTestId("field-trafficPolicy-tls-caCertificates").fill(pair.cert.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!"));
    await page.getByTestId("service-save").click();
    await expect.poll(() => page.getByTestId("field-error-trafficPolicy.tls.caCertificates").textContent()).toContain("does not parse");
    await page.getByTestId("field-trafficPolicy-tls-caCertificates").fill(pair.cert);
    await page.getByTestId("service-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).toMatch(/Published version \d+$/);
    await page.getByTestId("group-trafficPolicy-tls").screenshot({ path: path.join(screenshotDir, "certificates-12-service-tls.png") });
    const service = await api.query<{ trafficPolicy: { tls?: unknown } }>("services.get", { name: "order-service" });
    expect(service.trafficPolicy.tls).toEqual({ mode: "SIMPLE", sni: "orders.internal", caCertificates: pair.cert, insecureSkipVerify: false });

    // mTLS: MUTUAL asks for the client certificate and its key on their own fields, then keeps them.
    const published = await page.getByTestId("save-result").textContent();
    await page.getByTestId("field-trafficPolicy-tls-mode").selectOption("MUTUAL");
    await page.getByTestId("service-save").click();
    await expect.poll(() => page.getByTestId("field-error-trafficPolicy.tls.clientCertificate").textContent()).toContain("MUTUAL needs a client certificate");
    await page.getByTestId("field-trafficPolicy-tls-clientCertificate").fill(pair.cert);
    await page.getByTestId("field-trafficPolicy-tls-privateKey").fill(pair.key);
    await page.getByTestId("service-save").click();
    await expect.poll(() => page.getByTestId("save-result").textContent()).not.toBe(published);
    expect(await page.getByTestId("save-result").textContent()).toMatch(/Published version \d+$/);
    await page.getByTestId("group-trafficPolicy-tls").screenshot({ path: path.join(screenshotDir, "certificates-13-service-mtls.png") });
    const mutual = await api.query<{ trafficPolicy: { tls?: unknown } }>("services.get", { name: "order-service" });
    expect(mutual.trafficPolicy.tls).toMatchObject({ mode: "MUTUAL", clientCertificate: pair.cert, privateKey: pair.key });

    // The demo's order service speaks plain HTTP: turned back off so the rest of the suite reaches it.
    await page.getByTestId("field-trafficPolicy-tls-on").uncheck({ force: true });
    await page.getByTestId("service-save").click();
    await expect.poll(async () => (await api.query<{ trafficPolicy: { tls?: unknown } }>("services.get", { name: "order-service" })).trafficPolicy.tls).toBeUndefined();
  });

  it("deletes the certificate after a confirmation", async () => {
    await page.goto(`${consoleUrl}/certificates`);
    await page.getByTestId("certificate-row-api").click();
    await page.getByTestId("certificate-delete").click();
    await screenshot(page, "certificates-09-delete-confirm");
    await page.getByTestId("confirm-dialog-confirm").click();
    await page.getByTestId("certificate-row-api").waitFor({ state: "detached" });
    await expect.poll(() => page.getByTestId("empty-state").first().textContent()).toContain("No certificates yet");
    expect(await api.query("certificates.list")).toEqual([]);
  });
});
