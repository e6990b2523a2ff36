import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { parseOrThrow } from "../testing/parse-or-throw.ts";
import { parseConfigText } from "../yaml.ts";
import { exportKong } from "../exporters/kong-exporter.ts";
import { GatewayConfigSchema } from "../gateway-config.ts";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHfake\n-----END PRIVATE KEY-----\n";

const ok = parseOrThrow;

/** A DestinationRule `name` (spec after `host:`) and a ServiceEntry with one endpoint labelled v: "1". */
function istioService(name: string, destinationRuleSpec: string, port: { number: number; name: string; target: number }): string {
  return [
    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${name}\nspec:\n  host: ${name}\n${destinationRuleSpec}`,
    `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\nspec:\n  hosts: [${name}]\n  ports: [{ number: ${port.number}, name: ${port.name} }]\n`
      + `  endpoints: [{ address: 10.0.0.1, ports: { ${port.name}: ${port.target} }, labels: { v: "1" } }]\n`,
  ].join("---\n");
}

const kong = stringify({
  _format_version: "3.0",
  certificates: [
    { id: "api-cert", cert: CERT, key: KEY, snis: [{ name: "api.example.com" }] },
    { cert: CERT, key: KEY, snis: ["*.example.com"] },
  ],
  snis: [{ name: "www.example.com", certificate: { id: "api-cert" } }],
  services: [{
    name: "users", url: "http://10.0.0.1:9001",
    routes: [
      { name: "secure", paths: ["/secure"], protocols: ["https"] },
      { name: "moved", paths: ["/moved"], protocols: ["https"], https_redirect_status_code: 308 },
      { name: "both", paths: ["/both"], protocols: ["http", "https"] },
    ],
  }],
});

describe("TLS in imports and exports", () => {
  it("Kong: certificates with nested and top-level snis; https-only routes redirect with https_redirect_status_code (426 by default)", () => {
    const { config, warnings } = ok(kong);
    expect(config.certificates?.map((c) => [c.name, c.hosts])).toEqual([
      ["api-cert", ["api.example.com", "www.example.com"]],
      ["cert-wildcard.example.com", ["*.example.com"]],
    ]);
    const byName = new Map(config.routes.map((r) => [r.name, r.httpsRedirect]));
    expect(byName.get("secure")).toEqual({ status: 426 });
    expect(byName.get("moved")).toEqual({ status: 308 });
    expect(byName.get("both")).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("Kong: grpc and ws routes are served like http, grpcs and wss like https; tcp and tls streams are named in a warning", () => {
    const doc = stringify({
      _format_version: "3.0",
      services: [{
        name: "greeter", url: "grpc://10.0.0.2:50051",
        routes: [
          { name: "grpc-plain", paths: ["/a"], protocols: ["grpc", "grpcs"] },
          { name: "grpc-tls", paths: ["/b"], protocols: ["grpcs"] },
          { name: "ws-tls", paths: ["/c"], protocols: ["wss"] },
          { name: "stream", paths: ["/d"], protocols: ["tcp", "http"] },
        ],
      }],
    });
    const { config, warnings } = ok(doc);
    const byName = new Map(config.routes.map((r) => [r.name, r.httpsRedirect]));
    expect(byName.get("grpc-plain")).toBeUndefined();
    expect(byName.get("grpc-tls")).toEqual({ status: 426 });
    expect(byName.get("ws-tls")).toEqual({ status: 426 });
    expect(byName.get("stream")).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/route stream.*protocols tcp are not supported/)]);
  });

  it("Kong export carries certificates with snis and https-only routes back, and re-imports the same", () => {
    const first = ok(kong).config;
    const exported = exportKong(first);
    expect(exported.document.certificates).toEqual([
      { cert: CERT, key: KEY, tags: ["api-cert"], snis: [{ name: "api.example.com" }, { name: "www.example.com" }] },
      { cert: CERT, key: KEY, tags: ["cert-wildcard.example.com"], snis: [{ name: "*.example.com" }] },
    ]);
    const second = ok(stringify(exported.document)).config;
    expect(second.certificates).toEqual(first.certificates);
    expect(second.routes.map((r) => [r.name, r.httpsRedirect])).toEqual(first.routes.map((r) => [r.name, r.httpsRedirect]));
  });

  it("Kong export turns a gateway-wide redirect into https-only routes", () => {
    const config = GatewayConfigSchema.parse({
      settings: { httpsRedirect: { status: 301 } },
      services: [{ name: "s", targets: [{ host: "10.0.0.1", port: 80 }] }],
      routes: [{ name: "r", rules: [{ destinations: [{ service: "s" }] }] }],
    });
    const route = (exportKong(config).document.services as { routes: Record<string, unknown>[] }[])[0]!.routes[0]!;
    expect(route).toMatchObject({ protocols: ["https"], https_redirect_status_code: 301 });
  });

  it("Istio Gateway: servers with tls.httpsRedirect become the gateway-wide redirect; certificates in secrets are named in warnings", () => {
    const text = [
      "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: public\nspec:\n  selector: { istio: ingressgateway }\n  servers:\n"
        + "  - port: { number: 80, name: http, protocol: HTTP }\n    hosts: [\"prod/api.example.com\", shop.example.com]\n    tls: { httpsRedirect: true }\n"
        + "  - port: { number: 443, name: https, protocol: HTTPS }\n    hosts: [api.example.com]\n    tls: { mode: SIMPLE, credentialName: api-cert }\n",
      "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: api\nspec:\n  hosts: [api.example.com]\n  http:\n  - route: [{ destination: { host: api } }]\n",
      "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: api\nspec:\n  hosts: [api]\n  ports: [{ number: 80, name: http }]\n  endpoints: [{ address: 10.0.0.1, ports: { http: 9001 } }]\n",
    ].join("---\n");
    const base = GatewayConfigSchema.parse({ settings: { trustedProxies: ["10.0.0.0/8"] } });
    const { config, warnings } = ok(text, { base });
    expect(config.settings).toEqual({ trustedProxies: ["10.0.0.0/8"], httpsRedirect: { status: 301, hosts: ["api.example.com", "shop.example.com"] } });
    expect(warnings).toContain('Gateway public servers[1]: its certificate (api-cert) is not in the file; add it under "certificates" with its hosts');
  });
});

describe("HTTP/2 to upstreams in imports", () => {
  it("Istio connectionPool.http.h2UpgradePolicy and maxConcurrentStreams, for the service and per subset", () => {
    const text = istioService("grpc",
      "  trafficPolicy:\n    connectionPool:\n      http: { h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 50 }\n"
        + "  subsets:\n  - name: legacy\n    labels: { v: \"1\" }\n    trafficPolicy:\n      connectionPool:\n        http: { h2UpgradePolicy: DO_NOT_UPGRADE }\n",
      { number: 80, name: "http", target: 9001 });
    const { config, warnings } = ok(text);
    const service = config.services[0]!;
    expect(service.trafficPolicy?.connectionPool?.http).toEqual({ h2UpgradePolicy: "UPGRADE", maxConcurrentStreams: 50 });
    expect(service.subsets[0]!.trafficPolicy?.connectionPool?.http).toEqual({ h2UpgradePolicy: "DO_NOT_UPGRADE" });
    expect(warnings).toEqual([]);
  });

  it("Istio protocol selection: a ServiceEntry port GRPC/HTTP2 (or named grpc-…/http2-…) means HTTP/2 to the endpoints unless the DestinationRule says otherwise", () => {
    const entry = (name: string, port: string) =>
      `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\nspec:\n  hosts: [${name}]\n  ports: [${port}]\n  endpoints: [{ address: 10.0.0.9 }]\n`;
    const text = [
      entry("greeter", "{ number: 50051, name: api, protocol: GRPC }"),
      entry("named", "{ number: 8080, name: http2-web }"),
      entry("plain", "{ number: 80, name: http }"),
      entry("legacy", "{ number: 50052, name: grpc-legacy }"),
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: legacy\nspec:\n  host: legacy\n  trafficPolicy:\n    connectionPool:\n      http: { h2UpgradePolicy: DO_NOT_UPGRADE }\n",
      entry("db", "{ number: 5432, name: tcp-db, protocol: TCP }"),
      entry("secure", "{ number: 443, name: https }"),
    ].join("---\n");
    const { config, warnings } = ok(text);
    const h2 = new Map(config.services.map((s) => [s.name, s.trafficPolicy?.connectionPool?.http?.h2UpgradePolicy]));
    expect(Object.fromEntries(h2)).toEqual({ greeter: "UPGRADE", named: "UPGRADE", plain: undefined, legacy: "DO_NOT_UPGRADE", db: undefined, secure: undefined });
    expect(config.services.find((s) => s.name === "greeter")!.targets[0]).toMatchObject({ host: "10.0.0.9", port: 50051 });
    expect(warnings).toEqual([
      expect.stringMatching(/ServiceEntry db: port protocol TCP is not proxied/),
      expect.stringMatching(/ServiceEntry secure: port protocol HTTPS: the endpoints expect TLS; give the DestinationRule trafficPolicy.tls/),
    ]);
  });

  it("Kong grpc/grpcs services speak HTTP/2 to their targets; grpcs over TLS", () => {
    const { config, warnings } = ok(stringify({
      _format_version: "3.0",
      services: [{ name: "a", url: "grpc://10.0.0.1:50051" }, { name: "b", protocol: "grpcs", host: "10.0.0.2", port: 50052 }],
    }));
    expect(config.services.map((s) => [s.name, s.trafficPolicy?.connectionPool?.http?.h2UpgradePolicy, s.trafficPolicy?.tls?.mode, s.targets[0]!.port]))
      .toEqual([["a", "UPGRADE", undefined, 50051], ["b", "UPGRADE", "SIMPLE", 50052]]);
    expect(warnings).toEqual([]);
  });
});

describe("TLS to upstreams in imports and exports", () => {
  it("Kong https services (protocol or url) import as tls SIMPLE, tls_verify: false as insecureSkipVerify, without warnings", () => {
    const { config, warnings } = ok(stringify({
      _format_version: "3.0",
      services: [
        { name: "a", url: "https://api.internal" },
        { name: "b", protocol: "https", host: "10.0.0.2", port: 8443, tls_verify: false },
        { name: "c", url: "http://10.0.0.3:80" },
      ],
    }));
    expect(config.services.map((s) => [s.name, s.targets[0]!.port, s.trafficPolicy?.tls])).toEqual([
      ["a", 443, { mode: "SIMPLE", insecureSkipVerify: false }],
      ["b", 8443, { mode: "SIMPLE", insecureSkipVerify: true }],
      ["c", 80, undefined],
    ]);
    expect(warnings).toEqual([]);
  });

  it("Kong ca_certificates entities become the service's CA bundle and export back; ids not in the file, and a missing client_certificate, are named", () => {
    const CA2 = "-----BEGIN CERTIFICATE-----\nMIIBsecond\n-----END CERTIFICATE-----\n";
    const { config, warnings } = ok(stringify({
      _format_version: "3.0",
      ca_certificates: [{ id: "ca-one", cert: CERT }, { id: "ca-two", cert: CA2.trimEnd() }],
      services: [
        { name: "a", url: "https://api.internal", tls_verify: true, ca_certificates: ["ca-one", "ca-two"] },
        { name: "b", url: "https://b.internal", ca_certificates: ["ca-gone", "ca-one"], client_certificate: { id: "cc" } },
        { name: "c", url: "https://c.internal", ca_certificates: ["ca-gone"] },
      ],
    }));
    expect(config.services.map((s) => s.trafficPolicy?.tls)).toEqual([
      { mode: "SIMPLE", caCertificates: CERT + CA2, insecureSkipVerify: false },
      { mode: "SIMPLE", caCertificates: CERT, insecureSkipVerify: false },
      { mode: "SIMPLE", insecureSkipVerify: false },
    ]);
    expect(warnings).toEqual([
      "service b: ca_certificates ca-gone is not among the file's ca_certificates; not trusted",
      "service b: client_certificate cc is not among the file's certificates; the service is imported with TLS but no client certificate",
      "service c: ca_certificates ca-gone is not among the file's ca_certificates; not trusted",
      "service c: none of its ca_certificates is in the file; the system CAs are trusted",
    ]);
    // Exported as one CA certificate entity per certificate, which import back to the same bundle.
    const exported = exportKong(config);
    const doc = exported.document as { ca_certificates: { id: string; cert: string }[]; services: { name: string; ca_certificates?: string[]; tls_verify?: boolean }[] };
    expect(doc.ca_certificates.map((c) => c.cert)).toEqual([CERT, CA2, CERT]);
    expect(doc.services[0]).toMatchObject({ tls_verify: true, ca_certificates: [doc.ca_certificates[0]!.id, doc.ca_certificates[1]!.id] });
    expect(exported.warnings).toEqual([]);
    const again = ok(stringify(doc));
    expect(again.config.services.map((s) => s.trafficPolicy?.tls?.caCertificates)).toEqual([CERT + CA2, CERT, undefined]);
    expect(again.warnings).toEqual([]);
  });

  it("Kong client_certificate becomes MUTUAL with that certificate (not offered by the listener), and exports back to it", () => {
    const id = "0b3c7b52-51d2-4f0a-9f3e-1c2d3e4f5a6b";
    const { config, warnings } = ok(stringify({
      _format_version: "3.0",
      certificates: [{ id, cert: CERT, key: KEY }],
      services: [{ name: "a", url: "https://api.internal", client_certificate: id }, { name: "b", url: "https://b.internal", client_certificate: { id } }],
    }));
    expect(warnings).toEqual([]);
    expect(config.services.map((s) => s.trafficPolicy?.tls)).toEqual([
      { mode: "MUTUAL", clientCertificate: CERT, privateKey: KEY, insecureSkipVerify: false },
      { mode: "MUTUAL", clientCertificate: CERT, privateKey: KEY, insecureSkipVerify: false },
    ]);
    expect(config.certificates ?? []).toEqual([]);
    const { document } = exportKong(config);
    const exported = document as { services: { name: string; client_certificate?: { id: string } }[]; certificates: { id?: string; cert: string; key: string }[] };
    expect(exported.services.map((s) => s.client_certificate?.id)).toEqual([expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), expect.any(String)]);
    expect(exported.certificates.map((c) => c.id)).toEqual(exported.services.map((s) => s.client_certificate!.id));
    const again = ok(stringify(document));
    expect(again.config.services.map((s) => s.trafficPolicy?.tls?.mode)).toEqual(["MUTUAL", "MUTUAL"]);
    expect(again.config.certificates ?? []).toEqual([]);
  });

  it("Istio DestinationRule trafficPolicy.tls, for the service and per subset; a caCertificates file is skipped with a warning", () => {
    const text = istioService("pay",
      "  trafficPolicy:\n    tls: { mode: SIMPLE, sni: pay.internal, subjectAltNames: [spiffe://cluster.local/ns/pay/sa/pay], caCertificates: /etc/certs/ca.pem }\n"
        + "  subsets:\n  - name: legacy\n    labels: { v: \"1\" }\n    trafficPolicy:\n      tls: { mode: SIMPLE, insecureSkipVerify: true }\n"
        + "  - name: plain\n    labels: { v: \"2\" }\n    trafficPolicy:\n      tls: { mode: DISABLE }\n",
      { number: 443, name: "https", target: 8443 });
    const { config, warnings } = ok(text);
    const service = config.services[0]!;
    expect(service.trafficPolicy?.tls).toEqual({ mode: "SIMPLE", sni: "pay.internal", subjectAltNames: ["spiffe://cluster.local/ns/pay/sa/pay"], insecureSkipVerify: false });
    expect(service.subsets.map((s) => s.trafficPolicy?.tls)).toEqual([{ mode: "SIMPLE", insecureSkipVerify: true }, { mode: "DISABLE", insecureSkipVerify: false }]);
    expect(warnings).toEqual([
      'DestinationRule pay trafficPolicy.tls: caCertificates names a file ("/etc/certs/ca.pem"), which can\'t be read from here; the system CAs are trusted (import with the CLI beside the file, or paste the PEM into trafficPolicy.tls.caCertificates)',
    ]);
  });

  it("Istio MUTUAL and caCertificates files are read where the import runs beside them (CLI, --config): the PEM goes inline", () => {
    const files: Record<string, string> = { "/etc/certs/client.pem": CERT, "/etc/certs/client.key": KEY, "/etc/certs/ca.pem": CERT };
    const readFile = (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`no such file ${path}`), { code: "ENOENT" });
      return text;
    };
    const tls = "{ mode: MUTUAL, clientCertificate: /etc/certs/client.pem, privateKey: /etc/certs/client.key, caCertificates: /etc/certs/ca.pem, sni: pay.internal }";
    const text = istioService("pay", `  trafficPolicy:\n    tls: ${tls}\n`, { number: 443, name: "https", target: 8443 });
    const { config, warnings } = ok(text, { readFile });
    expect(config.services[0]!.trafficPolicy?.tls).toEqual({ mode: "MUTUAL", clientCertificate: CERT, privateKey: KEY, caCertificates: CERT, sni: "pay.internal", insecureSkipVerify: false });
    expect(warnings).toEqual([]);

    // A file that isn't there: MUTUAL falls back to SIMPLE (never plain text) and says which file and why.
    const missing = ok(text.replace("/etc/certs/client.key", "/etc/certs/gone.key"), { readFile });
    expect(missing.config.services[0]!.trafficPolicy?.tls).toEqual({ mode: "SIMPLE", caCertificates: CERT, sni: "pay.internal", insecureSkipVerify: false });
    expect(missing.warnings).toEqual([
      'DestinationRule pay trafficPolicy.tls: privateKey "/etc/certs/gone.key" could not be read (ENOENT)',
      "DestinationRule pay trafficPolicy.tls: mode MUTUAL is imported as SIMPLE: it needs both clientCertificate and privateKey files, so an upstream that requires a client certificate will refuse the handshake",
    ]);

    // A file that is no certificate: the schema names the field.
    files["/etc/certs/client.pem"] = "not a certificate";
    const bad = parseConfigText(text, { readFile });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toContain("services.0.trafficPolicy.tls.clientCertificate");
  });

  it("Kong export writes protocol https (and tls_verify) for SIMPLE services, and re-imports the same", () => {
    const config = GatewayConfigSchema.parse({
      services: [
        { name: "one", targets: [{ host: "api.internal", port: 443 }], trafficPolicy: { tls: { mode: "SIMPLE" } } },
        { name: "many", targets: [{ host: "10.0.0.1", port: 8443 }, { host: "10.0.0.2", port: 8443 }], trafficPolicy: { tls: { mode: "SIMPLE", insecureSkipVerify: true, sni: "x.internal" } } },
      ],
      routes: [],
    });
    const { document, warnings } = exportKong(config);
    const text = stringify(document);
    const again = ok(text).config;
    expect(again.services.map((s) => [s.name, s.trafficPolicy?.tls])).toEqual([
      ["one", { mode: "SIMPLE", insecureSkipVerify: false }],
      ["many", { mode: "SIMPLE", insecureSkipVerify: true }],
    ]);
    expect(text).toContain("url: https://api.internal:443");
    expect(text).toContain("protocol: https");
    expect(warnings).toEqual(["service many: tls sni have no Kong service field; not exported (Kong sends the host as SNI and checks it)"]);
  });
});
