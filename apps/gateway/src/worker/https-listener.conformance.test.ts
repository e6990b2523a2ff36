import { request as httpsRequest } from "node:https";
import { connect, type PeerCertificate } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { GatewayConfigInput } from "@switchyard/config";
import { startPushedGateway, type PushedGateway } from "../testing/pushed-gateway.ts";
import { makeSnapshot } from "../testing/fake-control-plane.ts";
import { rawRequest, readProxyResponse, startUpstreams, type ProxyResponse, type Upstreams } from "../testing/fixtures.ts";
import { makeTestCertificate, type TestCertificate } from "@switchyard/config/testing";

/** The certificate the HTTPS listener presents for an SNI name (none: no SNI sent), and the TLS version. */
function handshake(port: number, servername: string | null, options: { maxVersion?: "TLSv1.1" | "TLSv1.2" } = {}): Promise<{ cert: PeerCertificate; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: "127.0.0.1", port, rejectUnauthorized: false, ...(servername === null ? {} : { servername }), ...options,
    }, () => {
      const result = { cert: socket.getPeerCertificate(), protocol: socket.getProtocol() };
      socket.end();
      resolve(result);
    });
    socket.once("error", reject);
  });
}

function httpsGet(port: number, host: string, path: string, ca: string): Promise<ProxyResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: "127.0.0.1", port, path, servername: host, headers: { host }, ca, agent: false }, (res) => { readProxyResponse(res).then(resolve, reject); });
    req.once("error", reject);
    req.end();
  });
}

describe("HTTPS listener: SNI certificates from config, HTTP→HTTPS redirects", () => {
  let up: Upstreams;
  let pushed: PushedGateway;
  let api: TestCertificate, wild: TestCertificate, other: TestCertificate, apiRenewed: TestCertificate;
  let httpsPort: number;

  const config = (apiCert: TestCertificate): GatewayConfigInput => ({
    certificates: [
      { name: "other", hosts: ["other.test"], ...other },
      { name: "api", hosts: ["api.example.com"], ...apiCert },
      { name: "wildcard", hosts: ["*.example.com"], ...wild },
    ],
    settings: { httpsRedirect: { hosts: ["legacy.example.com"] } },
    services: [{ name: "echo", targets: [{ host: "127.0.0.1", port: up.orders.port }] }],
    routes: [
      { name: "secure-only", path: { type: "prefix", value: "/secure" }, httpsRedirect: { status: 308 }, rules: [{ destinations: [{ service: "echo" }] }] },
      { name: "kong-style", path: { type: "prefix", value: "/kong" }, httpsRedirect: { status: 426 }, rules: [{ destinations: [{ service: "echo" }] }] },
      { name: "echo", path: { type: "prefix", value: "/" }, rules: [{ destinations: [{ service: "echo" }] }] },
    ],
  });

  beforeAll(async () => {
    api = makeTestCertificate("api.example.com");
    wild = makeTestCertificate("wildcard.example.com", ["*.example.com"]);
    other = makeTestCertificate("other.test");
    apiRenewed = makeTestCertificate("api.example.com renewed", ["api.example.com"]);
    up = await startUpstreams();
    pushed = await startPushedGateway({ workers: 1, connections: 2, httpsPort: 0 });
    httpsPort = pushed.gw.httpsPort!;
    await pushed.apply(config(api));
  });
  afterAll(async () => {
    await pushed?.close();
    await up?.close();
  });

  it("picks the certificate by SNI: exact name first, then the wildcard", async () => {
    expect(httpsPort).toBeGreaterThan(0);
    const exact = await handshake(httpsPort, "api.example.com");
    expect(exact.cert.subject.CN).toBe("api.example.com");
    expect(exact.cert.subjectaltname).toBe("DNS:api.example.com");
    const wildcard = await handshake(httpsPort, "shop.EXAMPLE.com");
    expect(wildcard.cert.subject.CN).toBe("wildcard.example.com");
    expect(wildcard.cert.subjectaltname).toBe("DNS:*.example.com");
    // One label only, as certificate wildcards work.
    expect((await handshake(httpsPort, "a.b.example.com")).cert.subject.CN).toBe("other.test");
  });

  it("serves the first certificate without SNI or for an unknown name; TLS 1.2+ only", async () => {
    const noSni = await handshake(httpsPort, null);
    expect(noSni.cert.subject.CN).toBe("other.test");
    expect(["TLSv1.2", "TLSv1.3"]).toContain(noSni.protocol);
    expect((await handshake(httpsPort, "unknown.test")).cert.subject.CN).toBe("other.test");
    await expect(handshake(httpsPort, "api.example.com", { maxVersion: "TLSv1.1" })).rejects.toThrow();
    expect((await handshake(httpsPort, "api.example.com", { maxVersion: "TLSv1.2" })).protocol).toBe("TLSv1.2");
  });

  it("proxies over HTTPS with X-Forwarded-Proto https and Forwarded proto=https (certificate verified)", async () => {
    const res = await httpsGet(httpsPort, "api.example.com", "/hello?x=1", api.cert);
    expect(res.status).toBe(200);
    expect(res.json.path).toBe("/hello");
    expect(res.json.headers?.["x-forwarded-proto"]).toBe("https");
    expect(res.json.headers?.forwarded).toBe("for=127.0.0.1;host=api.example.com;proto=https");
    // A route that redirects plain HTTP is served over HTTPS.
    expect((await httpsGet(httpsPort, "api.example.com", "/secure/x", api.cert)).status).toBe(200);
  });

  it("redirects plain HTTP per route and per host, with the configured code and Location", async () => {
    const r308 = await rawRequest(pushed.gw.proxyPort, "/secure/a/../b?q=1", { host: "api.example.com:8080" });
    expect(r308.status).toBe(308);
    expect(r308.headers.location).toBe(`https://api.example.com:${httpsPort}/secure/b?q=1`);
    expect(r308.headers["x-switchyard-flag"]).toBeUndefined();

    const r426 = await rawRequest(pushed.gw.proxyPort, "/kong/x", { host: "api.example.com" });
    expect(r426.status).toBe(426);
    expect(r426.headers.upgrade).toBe("TLS/1.2, HTTP/1.1");
    expect(r426.json).toEqual({ message: "Please use HTTPS protocol" });

    const global = await rawRequest(pushed.gw.proxyPort, "/anything", { host: "legacy.example.com" });
    expect(global.status).toBe(301);
    expect(global.headers.location).toBe(`https://legacy.example.com:${httpsPort}/anything`);

    // Other hosts and routes keep plain HTTP.
    const plain = await rawRequest(pushed.gw.proxyPort, "/plain", { host: "api.example.com" });
    expect(plain.status).toBe(200);
    expect(plain.json.headers?.["x-forwarded-proto"]).toBe("http");
  });

  it("a WebSocket handshake over plain HTTP on an HTTPS-only route gets the redirect, not a tunnel", async () => {
    const status = await new Promise<{ code: number; location: string | undefined }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${pushed.gw.proxyPort}/secure/live`, { headers: { host: "api.example.com" } });
      ws.on("unexpected-response", (_req, res) => { resolve({ code: res.statusCode ?? 0, location: res.headers.location }); ws.terminate(); });
      ws.on("open", () => reject(new Error("upgraded over plain HTTP")));
      ws.on("error", () => undefined);
    });
    expect(status).toEqual({ code: 308, location: `https://api.example.com:${httpsPort}/secure/live` });
  });

  it("a trusted proxy that terminated TLS (X-Forwarded-Proto https) is not redirected", async () => {
    await pushed.apply({ ...config(api), settings: { trustedProxies: ["127.0.0.1/32"], httpsRedirect: { hosts: ["legacy.example.com"], status: 302, port: 443 } } });
    const viaProxy = await rawRequest(pushed.gw.proxyPort, "/secure/x", { host: "api.example.com", "x-forwarded-proto": "https" });
    expect(viaProxy.status).toBe(200);
    const plain = await rawRequest(pushed.gw.proxyPort, "/x", { host: "legacy.example.com" });
    expect(plain.status).toBe(302);
    expect(plain.headers.location).toBe("https://legacy.example.com/x");
  });

  it("a config version with a new certificate is served from the next handshake, without a restart", async () => {
    await pushed.apply(config(apiRenewed));
    expect((await handshake(httpsPort, "api.example.com")).cert.subject.CN).toBe("api.example.com renewed");
    const res = await httpsGet(httpsPort, "api.example.com", "/after", apiRenewed.cert);
    expect(res.status).toBe(200);
  });

  it("a key that does not belong to its certificate is nacked with the field, and the running certificates stay", async () => {
    const bad = config(apiRenewed);
    bad.certificates![1] = { name: "api", hosts: ["api.example.com"], cert: api.cert, key: other.key };
    const answer = await pushed.cp.apply(makeSnapshot(100, bad));
    expect(answer.type).toBe("nack");
    expect(JSON.stringify(answer)).toContain("certificates.1.key");
    expect((await handshake(httpsPort, "api.example.com")).cert.subject.CN).toBe("api.example.com renewed");
  });
});
